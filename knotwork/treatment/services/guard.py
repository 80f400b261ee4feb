"""The safety guard: what the safety screen and the consents allow in a session, and the override that lifts a block."""

from django.db import transaction

from knotwork.accounts.policy import staff_user
from knotwork.assessment import selectors as assessment
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require
from knotwork.patients.models import Patient
from knotwork.treatment.models import SessionOverride, TreatmentSession

# Which consent and screening technique covers each thing recorded in a session.
CONSENT_FOR = {
    "pressure": "manual_therapy",
    "massage": "manual_therapy",
    "vibration": "manual_therapy",
    "exercise": "manual_therapy",
    "stretching": "assisted_stretching",
    "dry_needling": "dry_needling",
    "tens": "tens",
    "heat": "heat_cold",
    "cold": "heat_cold",
    "injection": "injection",
}

# How a consent is named in a sentence ("no signed consent to heat or cold"); others read as their id, spaced.
CONSENT_WORDS = {"heat_cold": "heat or cold", "tens": "TENS"}


def _consent_words(technique: str) -> str:
    return CONSENT_WORDS.get(technique, technique.replace("_", " "))


class GuardError(ClinicRuleError):
    """Treatment the safety screen or the consents do not allow without a documented override."""

    def __init__(self, technique: str, problems: list[str]):
        self.technique = technique
        self.problems = problems
        super().__init__(" ".join(problems) + " Record an override with your clinical reason to proceed.")


def guard(patient: Patient, technique: str, *, hold_waived: bool = False) -> tuple[list[str], list[str]]:
    """(what blocks a technique now, the precautions to keep in mind).

    Blocking: an open red flag (unless the session's start override waived the hold), a contraindication
    for the technique, no signed consent. Each technique needs its own override for these; waiving the red
    flag at the start of a session does not waive consent or contraindications.
    """
    screen = assessment.latest_screen(patient)
    consent_technique = CONSENT_FOR.get(technique, technique)
    screened_as = assessment.SCREENED_AS.get(consent_technique, (consent_technique,))
    problems: list[str] = []
    precautions: list[str] = []
    if screen is None:
        if not hold_waived:
            problems.append("The patient has no safety screen yet.")
    else:
        overridden = {o.rule_id for o in screen.overrides.all()}
        for finding in screen.findings:
            if finding["rule"] in overridden or finding["technique"] not in (*screened_as, "all"):
                continue
            if finding["kind"] == "red_flag":
                if not hold_waived:
                    problems.append(f"Red flag: {finding['message']}")
            elif finding["kind"] == "contraindication":
                problems.append(f"Contraindication: {finding['message']}")
            else:
                precautions.append(f"Precaution: {finding['message']}")
    if consent_technique not in assessment.active_consents(patient):
        problems.append(f"There is no signed consent to {_consent_words(consent_technique)}.")
    return problems, precautions


def _check(session: TreatmentSession, technique: str) -> None:
    """Raise GuardError unless the technique is cleared in this session (by the screen and consents, or an override)."""
    consent_technique = CONSENT_FOR.get(technique, technique)
    overrides = session.overrides.filter(technique__in=[consent_technique, "all"])
    overridden = set(overrides.values_list("technique", flat=True))
    if consent_technique in overridden:
        return
    problems, _precautions = guard(session.patient, technique, hold_waived="all" in overridden)
    if problems:
        raise GuardError(consent_technique, problems)


@transaction.atomic
def override_technique(*, session: TreatmentSession, technique: str, reason: str, by: Actor) -> SessionOverride:
    require(by, "override_technique", session)
    if len(reason.strip()) < 10:
        raise ClinicRuleError("Write the clinical reason for the override (at least a sentence).")
    consent_technique = CONSENT_FOR.get(technique, technique)
    override, _ = SessionOverride.objects.get_or_create(
        session=session,
        technique=consent_technique,
        defaults={"clinic_id": session.clinic_id, "reason": reason.strip(), "by": staff_user(by)},
    )
    return override
