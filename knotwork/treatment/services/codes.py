"""Billing lines: the CPT codes a session suggests, from what was recorded and the clinic's billing method."""

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
    seconds = sum(h.seconds for p in session.points.all() for h in p.holds.all())
    return round(seconds / 60)


def billing_lines(session: TreatmentSession) -> list[billing.Line]:
    """CPT suggestions by the clinic's billing method (CMS 8-minute rule or AMA per code) and payer codes."""
    clinic_settings = session.patient.clinic.settings
    method, medicare = clinic_settings.billing_method, clinic_settings.medicare_codes
    minutes: dict[str, int] = {}
    for entry in session.techniques.all():
        code = TIMED_CODE_FOR.get(entry.kind)
        if code and entry.attended:
            minutes[code] = minutes.get(code, 0) + entry.minutes
    if not session.techniques.filter(kind="pressure").exists():
        # Pressure release logged hold by hold counts as manual therapy time.
        minutes["97140"] = minutes.get("97140", 0) + _hold_minutes(session)
    tens = list(session.techniques.filter(kind="tens"))
    for entry in tens:
        if entry.attended:
            minutes["97032"] = minutes.get("97032", 0) + entry.minutes
    return billing.suggest(
        muscles_needled=len({(n.muscle, n.side) for n in session.needling.all()}),
        muscles_injected=len({t.muscle for t in session.techniques.filter(kind="injection")}),
        timed_minutes=minutes,
        unattended_estim=any(not t.attended for t in tens),
        hot_cold=session.techniques.filter(kind__in=("heat", "cold")).exists(),
        method=method,
        medicare=medicare,
    )
