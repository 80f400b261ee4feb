"""Billing suggestions from what a session recorded: CPT codes, units, modifiers and warnings. Pure Python, no Django.

Sources: docs/clinical-sources.md#cpt-codes, #timed-units (the CMS "8-minute rule", Medicare Claims Processing
Manual 100-04 ch. 5 §20.2, and the AMA/CPT per-code method), #ncci-pairs-and-modifiers and
#medicare-and-dry-needling. The method is a clinic setting; an unknown method is refused, never replaced.

Untimed codes: 20560 (needle insertion without injection, 1 or 2 muscles), 20561 (3 or more muscles), 20552/20553
(trigger point injections), 97014 / G0283 (unattended electrical stimulation; Medicare uses G0283), 97010 (hot or
cold packs). Timed 15-minute codes: the therapy codes in `TIMED` (97140 manual therapy: trigger point pressure
release, myofascial release, assisted stretching of soft tissue; 97124 massage; 97110 exercise; ...).

CMS method: the total timed minutes give the total units (8-22 -> 1, 23-37 -> 2, ...: T // 15, plus one
when T % 15 >= 8); each code first gets its whole 15-minute units, and the remaining units go to the codes
with the most minutes left over (ties: the code listed first, which the clinician may change).
AMA method: each code on its own: one unit per 15 minutes, plus one when its remainder is 8 minutes or more.
Minutes are whole minutes: a part minute does not count (7.5 minutes is 7).
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

METHODS = ("cms", "ama")

# Timed (each 15 minutes) therapy codes a manual-therapy clinic reports; all count toward the 8-minute rule.
TIMED = {
    "97032": "Electrical stimulation, attended, each 15 minutes",
    "97033": "Iontophoresis, each 15 minutes",
    "97034": "Contrast baths, each 15 minutes",
    "97035": "Ultrasound, each 15 minutes",
    "97036": "Hubbard tank, each 15 minutes",
    "97110": "Therapeutic exercise, each 15 minutes",
    "97112": "Neuromuscular re-education, each 15 minutes",
    "97113": "Aquatic therapy with exercises, each 15 minutes",
    "97116": "Gait training, each 15 minutes",
    "97124": "Massage, each 15 minutes",
    "97140": "Manual therapy techniques, each 15 minutes",
    "97530": "Therapeutic activities, each 15 minutes",
    "97535": "Self-care/home management training, each 15 minutes",
    "97750": "Physical performance test or measurement, each 15 minutes",
    "97760": "Orthotic management and training, each 15 minutes",
    "97763": "Orthotic/prosthetic management, subsequent encounter, each 15 minutes",
}
UNTIMED = {
    "20560": "Needle insertion(s) without injection(s); 1 or 2 muscle(s)",
    "20561": "Needle insertion(s) without injection(s); 3 or more muscles",
    "20552": "Injection(s); single or multiple trigger point(s), 1 or 2 muscle(s)",
    "20553": "Injection(s); single or multiple trigger point(s), 3 or more muscles",
    "97014": "Electrical stimulation, unattended",
    "G0283": "Electrical stimulation, unattended (Medicare)",
    "97010": "Hot or cold packs",
    "97161": "Physical therapy evaluation, low complexity",
    "97162": "Physical therapy evaluation, moderate complexity",
    "97163": "Physical therapy evaluation, high complexity",
    "97164": "Physical therapy re-evaluation",
}
DESCRIPTORS = TIMED | UNTIMED
NEEDLING = ("20560", "20561")
INJECTION = ("20552", "20553")
# Codes the GP modifier (services under a physical therapy plan of care) goes on when the payer asks for it.
THERAPY = set(TIMED) | {"97010", "97014", "97161", "97162", "97163", "97164", *NEEDLING}


@dataclass(frozen=True)
class Line:
    code: str
    units: int
    minutes: int = 0
    modifiers: tuple[str, ...] = ()

    @property
    def descriptor(self) -> str:
        return DESCRIPTORS.get(self.code, "")

    @property
    def timed(self) -> bool:
        return self.code in TIMED


@dataclass(frozen=True)
class Coding:
    """The suggested lines, with warnings (NCCI pairs) and notes (payer coverage) the biller should read."""

    lines: list[Line]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    method: str = "cms"


def whole_minutes(minutes: float) -> int:
    """Minutes as the rule counts them: whole minutes only, a part minute dropped (7.5 -> 7); never negative."""
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) or math.isnan(minutes):
        raise ValueError(f"minutes must be a number, not {minutes!r}")
    if minutes < 0:
        raise ValueError(f"minutes cannot be negative ({minutes})")
    return math.floor(minutes)


def check_method(method: str) -> str:
    """The billing method, refused when unknown (a typo must not bill by the other rule silently)."""
    if method not in METHODS:
        raise ValueError(f"unknown billing method {method!r}: use 'cms' (8-minute rule) or 'ama' (per code)")
    return method


def units_from_total(minutes: float) -> int:
    """Total units for total timed minutes under the 8-minute rule."""
    minutes = whole_minutes(minutes)
    if minutes < 8:
        return 0
    return minutes // 15 + (1 if minutes % 15 >= 8 else 0)


def _whole(minutes_by_code: Mapping[str, float]) -> dict[str, int]:
    return {c: whole_minutes(m) for c, m in minutes_by_code.items() if whole_minutes(m) > 0}


def timed_units_cms(minutes_by_code: Mapping[str, float]) -> dict[str, int]:
    minutes = _whole(minutes_by_code)
    codes = list(minutes)
    total = units_from_total(sum(minutes.values()))
    units = {c: minutes[c] // 15 for c in codes}
    remaining = total - sum(units.values())
    # Largest leftover minutes first; the original order breaks ties (the clinician may swap them).
    by_leftover = sorted(codes, key=lambda c: (-(minutes[c] % 15), codes.index(c)))
    for code in by_leftover[: max(remaining, 0)]:
        units[code] += 1
    return {c: u for c, u in units.items() if u > 0}


def timed_units_ama(minutes_by_code: Mapping[str, float]) -> dict[str, int]:
    units = {c: m // 15 + (1 if m % 15 >= 8 else 0) for c, m in _whole(minutes_by_code).items()}
    return {c: u for c, u in units.items() if u > 0}


def timed_units(minutes_by_code: Mapping[str, float], method: str) -> dict[str, int]:
    return (timed_units_cms if check_method(method) == "cms" else timed_units_ama)(minutes_by_code)


def needling_code(muscles_needled: int) -> str | None:
    """20560 for one or two muscles, 20561 for three or more (muscles count, not needles)."""
    if muscles_needled < 0:
        raise ValueError("the number of muscles needled cannot be negative")
    if muscles_needled == 0:
        return None
    return "20560" if muscles_needled <= 2 else "20561"


def injection_code(muscles_injected: int) -> str | None:
    """20552 for trigger point injections in one or two muscles, 20553 for three or more."""
    if muscles_injected < 0:
        raise ValueError("the number of muscles injected cannot be negative")
    if muscles_injected == 0:
        return None
    return "20552" if muscles_injected <= 2 else "20553"


def suggest(
    *,
    muscles_needled: int = 0,
    muscles_injected: int = 0,
    timed_minutes: Mapping[str, float] | None = None,
    unattended_estim: bool = False,
    hot_cold: bool = False,
    method: str = "cms",
    medicare: bool = False,
) -> list[Line]:
    """The CPT lines a session supports (codes and units; `advise` adds modifiers and warnings)."""
    check_method(method)
    unknown = sorted(set(timed_minutes or {}) - set(TIMED))
    if unknown:
        raise ValueError(f"not a timed code Knotwork knows: {', '.join(unknown)}")
    lines = []
    for code in (needling_code(muscles_needled), injection_code(muscles_injected)):
        if code:
            lines.append(Line(code, 1))
    minutes = _whole(timed_minutes or {})
    units = timed_units(minutes, method)
    lines.extend(Line(c, u, minutes[c]) for c, u in units.items())
    if unattended_estim:
        lines.append(Line("G0283" if medicare else "97014", 1))
    if hot_cold:
        lines.append(Line("97010", 1))
    return lines


def _overlap(a: Iterable[str], b: Iterable[str]) -> set[str]:
    return {x.strip().lower() for x in a if x.strip()} & {x.strip().lower() for x in b if x.strip()}


def advise(
    lines: list[Line],
    *,
    regions: Mapping[str, Iterable[str]] | None = None,
    muscles: Mapping[str, Iterable[str]] | None = None,
    medicare: bool = False,
    therapy_plan: bool = True,
    method: str = "cms",
) -> Coding:
    """Modifiers and NCCI pair warnings for a day's lines.

    `regions` maps a code to the body regions it was done on, `muscles` a code to the muscles (the needled
    muscles for 20560/20561, the muscles worked for 97140). Unknown regions are treated as possibly the same.
    GP goes on therapy codes under a therapy plan of care; 59 (XS for Medicare: a separate structure) is suggested
    on the second code of an NCCI pair only when the records show different regions or muscles; otherwise a
    warning says the pair cannot both be billed for the same place.
    """
    check_method(method)
    regions = {c: list(r) for c, r in (regions or {}).items()}
    muscles = {c: list(m) for c, m in (muscles or {}).items()}
    codes = {line.code for line in lines}
    distinct = "XS" if medicare else "59"
    extra: dict[str, list[str]] = {line.code: [] for line in lines}
    warnings: list[str] = []
    notes: list[str] = []
    if therapy_plan:
        for line in lines:
            if line.code in THERAPY:
                extra[line.code].append("GP")
    if {"97140", "97124"} <= codes:
        shared = _overlap(regions.get("97140", []), regions.get("97124", []))
        if not regions.get("97140") or not regions.get("97124") or shared:
            where = f" ({', '.join(sorted(shared))})" if shared else ""
            warnings.append(
                "NCCI pair 97140 with 97124: manual therapy and massage on the same body region"
                f"{where} cannot both be billed; bill one, or record the separate regions and add "
                f"{distinct} to 97124."
            )
        else:
            extra["97124"].append(distinct)
    if {"97530", "97140"} <= codes:
        warnings.append(
            f"NCCI pair 97530 with 97140: bill both only for separate, distinct services (add {distinct} to 97140 "
            "when the record shows it); check the current NCCI table."
        )
    needled = next((c for c in NEEDLING if c in codes), None)
    if needled and "97140" in codes:
        shared = _overlap(muscles.get(needled, []), muscles.get("97140", []))
        if shared or not muscles.get("97140"):
            what = ", ".join(sorted(shared)) if shared else "muscles not recorded"
            warnings.append(
                f"NCCI pair {needled} with 97140: manual therapy to the muscles that were needled ({what}) is part "
                f"of the needling; bill 97140 only for other muscles, with {distinct}."
            )
        else:
            extra["97140"].append(distinct)
    injected = next((c for c in INJECTION if c in codes), None)
    if needled and injected:
        warnings.append(
            f"{needled} (dry needling) and {injected} (trigger point injection) are not reported for the same "
            "muscles on one day."
        )
    if medicare and needled:
        extra[needled].append("GY")
        notes.append(
            "Medicare pays for dry needling (20560/20561) only under NCD 30.3.3, acupuncture for chronic low back "
            "pain (12 visits in 90 days, 8 more if improving, at most 20 a year, by qualified providers). Outside "
            "it, it is not a Medicare benefit: tell the patient in writing before treatment (an ABN, voluntary for "
            "a service Medicare never covers) and add GY so the claim is denied and the patient can be billed. "
            "When the patient meets NCD 30.3.3 but you expect a denial, the ABN is mandatory and the modifier is "
            "GA instead."
        )
    if medicare and "97010" in codes:
        notes.append("Medicare bundles 97010 (hot or cold packs): it is not paid separately.")
    advised = [replace(line, modifiers=tuple(dict.fromkeys([*line.modifiers, *extra[line.code]]))) for line in lines]
    return Coding(lines=advised, warnings=warnings, notes=notes, method=method)
