"""The safety guard: what the safety screen and the consents allow in a session, and the override that lifts a block."""

from collections.abc import Callable, Container, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Exists, JSONField, OuterRef, Subquery

from knotwork.accounts.policy import staff_user
from knotwork.assessment import selectors as assessment
from knotwork.assessment.models import Consent, SafetyScreen, ScreenOverride
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
    return guards(patient, (technique,), hold_waived=hold_waived)[technique]


def guards(
    patient: Patient, techniques: Iterable[str], *, hold_waived: bool = False
) -> dict[str, tuple[list[str], list[str]]]:
    """`guard` for several techniques at once: the screen and the consents are read once for all of them."""
    screen = assessment.latest_screen(patient)
    consented = assessment.active_consents(patient)
    return {technique: _guard(screen, consented, technique, hold_waived) for technique in techniques}


def _guard(
    screen: SafetyScreen | None, consented: Container[str], technique: str, hold_waived: bool
) -> tuple[list[str], list[str]]:
    if screen is None:
        return _judge(None, set, consented, technique, hold_waived)
    return _judge(
        screen.findings, lambda: {o.rule_id for o in screen.overrides.all()}, consented, technique, hold_waived
    )


def _judge(
    findings: list | None,
    overridden: Callable[[], set[str]],
    consented: Container[str],
    technique: str,
    hold_waived: bool,
) -> tuple[list[str], list[str]]:
    """The guard's verdict from the latest screen's findings (None: no screen), the rules its overrides lift (asked
    only when a finding concerns the technique) and the techniques with a signed consent."""
    consent_technique = CONSENT_FOR.get(technique, technique)
    screened_as = assessment.SCREENED_AS.get(consent_technique, (consent_technique,))
    problems: list[str] = []
    precautions: list[str] = []
    if findings is None:
        if not hold_waived:
            problems.append("The patient has no safety screen yet.")
    else:
        concerned = [f for f in findings if f["technique"] in (*screened_as, "all")]
        lifted = overridden() if concerned else set()
        for finding in concerned:
            if finding["rule"] in lifted:
                continue
            if finding["kind"] == "red_flag":
                if not hold_waived:
                    problems.append(f"Red flag: {finding['message']}")
            elif finding["kind"] == "contraindication":
                problems.append(f"Contraindication: {finding['message']}")
            else:
                precautions.append(f"Precaution: {finding['message']}")
    if consent_technique not in consented:
        problems.append(f"There is no signed consent to {_consent_words(consent_technique)}.")
    return problems, precautions


def _clearance(technique: str, *, session: str = "session") -> dict[str, Any]:
    """What the guard of `technique` needs, as annotations of a query on a row with a `session` (a session point):
    the session's own overrides, the signed consent and the latest screen are read in the same query as the row.
    Each refers to the row's own column only (the session's patient is looked up by the session's id), so they can
    be compiled once (`knotwork.core.queries.row_expressions`)."""
    consent_technique = CONSENT_FOR.get(technique, technique)
    session_id = OuterRef(f"{session}_id")
    patient_id = Subquery(TreatmentSession.objects.filter(pk=OuterRef(session_id)).order_by().values("patient_id")[:1])
    latest = SafetyScreen.objects.filter(patient_id=patient_id).order_by("-created_at")
    overrides = SessionOverride.objects.filter(session_id=session_id)
    return {
        "guard_overridden": Exists(overrides.filter(technique=consent_technique)),
        "guard_waived": Exists(overrides.filter(technique="all")),
        "guard_consented": Exists(
            Consent.objects.filter(patient_id=patient_id, technique=consent_technique, withdrawn_at=None)
        ),
        "guard_screen": Subquery(latest.values("pk")[:1]),
        "guard_findings": Subquery(latest.values("findings")[:1], output_field=JSONField()),
    }


def _check_clearance(row: Any, technique: str) -> None:
    """Raise GuardError unless `technique` is cleared, from a row read with `_clearance(technique)`'s annotations
    (the same verdict as `_check`; the screen's overrides are read only when one of its findings concerns it)."""
    consent_technique = CONSENT_FOR.get(technique, technique)
    if row.guard_overridden:
        return
    findings = None if row.guard_screen is None else (row.guard_findings or [])
    problems, _precautions = _judge(
        findings,
        lambda: set(ScreenOverride.objects.filter(screen_id=row.guard_screen).values_list("rule_id", flat=True)),
        {consent_technique} if row.guard_consented else set(),
        technique,
        row.guard_waived,
    )
    if problems:
        raise GuardError(consent_technique, problems)


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
