"""Billing suggestions from what a session recorded: CPT codes and units. Pure Python, no Django.

Sources: docs/clinical-sources.md#cpt-codes and #timed-units (the CMS "8-minute rule", Medicare Claims
Processing Manual 100-04 ch. 5 §20.2, and the AMA/CPT per-code method). The method is a clinic setting.

Untimed codes: 20560 (needle insertion without injection, 1 or 2 muscles), 20561 (3 or more muscles),
97014 / G0283 (unattended electrical stimulation; Medicare uses G0283), 97010 (hot or cold packs).
Timed 15-minute codes: 97140 (manual therapy: trigger point pressure release, myofascial release,
assisted stretching of soft tissue), 97124 (massage), 97110 (therapeutic exercise), 97032 (attended
electrical stimulation).

CMS method: the total timed minutes give the total units (8-22 -> 1, 23-37 -> 2, ...: T // 15, plus one
when T % 15 >= 8); each code first gets its whole 15-minute units, and the remaining units go to the codes
with the most minutes left over (ties: the code listed first, which the clinician may change).
AMA method: each code on its own: one unit per 15 minutes, plus one when its remainder is 8 minutes or more.
"""

from dataclasses import dataclass

TIMED = {"97140", "97124", "97110", "97032"}
DESCRIPTORS = {
    "20560": "Needle insertion(s) without injection(s); 1 or 2 muscle(s)",
    "20561": "Needle insertion(s) without injection(s); 3 or more muscles",
    "20552": "Injection(s); single or multiple trigger point(s), 1 or 2 muscle(s)",
    "20553": "Injection(s); single or multiple trigger point(s), 3 or more muscles",
    "97140": "Manual therapy techniques, each 15 minutes",
    "97124": "Massage, each 15 minutes",
    "97110": "Therapeutic exercise, each 15 minutes",
    "97032": "Electrical stimulation, attended, each 15 minutes",
    "97014": "Electrical stimulation, unattended",
    "G0283": "Electrical stimulation, unattended (Medicare)",
    "97010": "Hot or cold packs",
}


@dataclass(frozen=True)
class Line:
    code: str
    units: int
    minutes: int = 0

    @property
    def descriptor(self) -> str:
        return DESCRIPTORS.get(self.code, "")


def units_from_total(minutes: int) -> int:
    """Total units for total timed minutes under the 8-minute rule."""
    if minutes < 8:
        return 0
    return minutes // 15 + (1 if minutes % 15 >= 8 else 0)


def timed_units_cms(minutes_by_code: dict[str, int]) -> dict[str, int]:
    codes = [c for c, m in minutes_by_code.items() if m > 0]
    total = units_from_total(sum(minutes_by_code[c] for c in codes))
    units = {c: minutes_by_code[c] // 15 for c in codes}
    remaining = total - sum(units.values())
    # Largest leftover minutes first; the original order breaks ties (the clinician may swap them).
    by_leftover = sorted(codes, key=lambda c: (-(minutes_by_code[c] % 15), codes.index(c)))
    for code in by_leftover[: max(remaining, 0)]:
        units[code] += 1
    return {c: u for c, u in units.items() if u > 0}


def timed_units_ama(minutes_by_code: dict[str, int]) -> dict[str, int]:
    units = {c: m // 15 + (1 if m % 15 >= 8 else 0) for c, m in minutes_by_code.items()}
    return {c: u for c, u in units.items() if u > 0}


def needling_code(muscles_needled: int) -> str | None:
    """20560 for one or two muscles, 20561 for three or more (muscles count, not needles)."""
    if muscles_needled <= 0:
        return None
    return "20560" if muscles_needled <= 2 else "20561"


def injection_code(muscles_injected: int) -> str | None:
    """20552 for trigger point injections in one or two muscles, 20553 for three or more."""
    if muscles_injected <= 0:
        return None
    return "20552" if muscles_injected <= 2 else "20553"


def suggest(
    *,
    muscles_needled: int = 0,
    muscles_injected: int = 0,
    timed_minutes: dict[str, int] | None = None,
    unattended_estim: bool = False,
    hot_cold: bool = False,
    method: str = "cms",
    medicare: bool = False,
) -> list[Line]:
    """The CPT lines a session supports."""
    lines = []
    for code in (needling_code(muscles_needled), injection_code(muscles_injected)):
        if code:
            lines.append(Line(code, 1))
    minutes = {c: m for c, m in (timed_minutes or {}).items() if c in TIMED and m > 0}
    units = timed_units_cms(minutes) if method == "cms" else timed_units_ama(minutes)
    lines.extend(Line(c, u, minutes[c]) for c, u in units.items())
    if unattended_estim:
        lines.append(Line("G0283" if medicare else "97014", 1))
    if hot_cold:
        lines.append(Line("97010", 1))
    return lines
