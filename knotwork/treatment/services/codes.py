"""Billing lines: the CPT codes a session suggests, from what was recorded and the clinic's billing method.

`billing_lines` gives the codes and units (the note page's suggestions); `session_coding` adds the modifiers, the
NCCI pair warnings and the payer notes (`knotwork.treatment.billing.advise`), for the invoice drafted from the visit.
"""

from knotwork.treatment import billing
from knotwork.treatment.models import TreatmentSession

TIMED_CODE_FOR = {
    "pressure": "97140",
    "stretching": "97140",
    "massage": "97124",
    "vibration": "97140",
    "exercise": "97110",
}


def _hold_minutes(session: TreatmentSession) -> int:
    """Pressure release logged hold by hold, in whole minutes (a part minute does not count)."""
    seconds = sum(h.seconds for p in session.points.all() for h in p.holds.all())
    return billing.whole_minutes(seconds / 60)


def _recorded(session: TreatmentSession) -> tuple[dict, dict[str, set[str]], dict[str, set[str]]]:
    """The arguments of `billing.suggest`, and where each code was done (regions and muscles), from the records."""
    minutes: dict[str, int] = {}
    regions: dict[str, set[str]] = {}
    muscles: dict[str, set[str]] = {}
    techniques = list(session.techniques.all())
    for entry in techniques:
        code = TIMED_CODE_FOR.get(entry.kind)
        if entry.kind == "tens" and entry.attended:
            code = "97032"
        if code and entry.attended:
            minutes[code] = minutes.get(code, 0) + entry.minutes
            if entry.region:
                regions.setdefault(code, set()).add(entry.region)
            if entry.muscle:
                muscles.setdefault(code, set()).add(entry.muscle)
    points = list(session.points.all())
    if points:
        muscles.setdefault("97140", set()).update(p.muscle for p in points)
    if not any(t.kind == "pressure" for t in techniques):
        # Pressure release logged hold by hold counts as manual therapy time.
        minutes["97140"] = minutes.get("97140", 0) + _hold_minutes(session)
    needled = {(n.muscle, n.side) for n in session.needling.all()}
    needled_muscles = {muscle for muscle, _side in needled}
    for code in billing.NEEDLING:
        muscles[code] = needled_muscles
    tens = [t for t in techniques if t.kind == "tens"]
    suggested = {
        "muscles_needled": len(needled),
        "muscles_injected": len({t.muscle for t in techniques if t.kind == "injection"}),
        "timed_minutes": minutes,
        "unattended_estim": any(not t.attended for t in tens),
        "hot_cold": any(t.kind in ("heat", "cold") for t in techniques),
    }
    return suggested, regions, muscles


def billing_lines(session: TreatmentSession) -> list[billing.Line]:
    """CPT suggestions by the clinic's billing method (CMS 8-minute rule or AMA per code) and payer codes."""
    clinic_settings = session.patient.clinic.settings
    suggested, _regions, _muscles = _recorded(session)
    return billing.suggest(**suggested, method=clinic_settings.billing_method, medicare=clinic_settings.medicare_codes)


def session_coding(session: TreatmentSession, *, medicare: bool | None = None) -> billing.Coding:
    """The lines with modifiers, NCCI warnings and payer notes; `medicare`: the invoice's payer, else the clinic."""
    clinic_settings = session.patient.clinic.settings
    medicare = clinic_settings.medicare_codes if medicare is None else medicare
    suggested, regions, muscles = _recorded(session)
    method = clinic_settings.billing_method
    lines = billing.suggest(**suggested, method=method, medicare=medicare)
    return billing.advise(lines, regions=regions, muscles=muscles, medicare=medicare, method=method)
