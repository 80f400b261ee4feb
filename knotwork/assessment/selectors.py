"""Scoped reads for intake, safety screen, referrals, consent and examination."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from knotwork.assessment import screening
from knotwork.assessment.models import (
    ComplaintArea,
    Consent,
    ConsentForm,
    Examination,
    Intake,
    IntakeStatus,
    MedicalReferral,
    ReferralStatus,
    SafetyScreen,
    ScreenOverride,
    Technique,
)
from knotwork.atlas.selectors import DrawnRegion
from knotwork.patients.models import Patient


def get_intake(user, public_id) -> Intake:
    return get_object_or_404(Intake.objects.for_user(user).select_related("patient"), public_id=public_id)


def get_screen(user, public_id) -> SafetyScreen:
    return get_object_or_404(SafetyScreen.objects.for_user(user).select_related("patient"), public_id=public_id)


def get_referral(user, public_id) -> MedicalReferral:
    return get_object_or_404(MedicalReferral.objects.for_user(user).select_related("patient"), public_id=public_id)


def get_examination(user, public_id) -> Examination:
    return get_object_or_404(
        Examination.objects.for_user(user).select_related("patient", "intake", "examined_by"), public_id=public_id
    )


def get_consent(user, public_id) -> Consent:
    return get_object_or_404(Consent.objects.for_user(user).select_related("patient", "version"), public_id=public_id)


def list_consent_forms(user) -> QuerySet[ConsentForm]:
    return ConsentForm.objects.for_user(user).prefetch_related("versions")


def get_consent_form(user, technique: str) -> ConsentForm:
    return get_object_or_404(list_consent_forms(user), technique=technique)


def consent_form_of(patient: Patient, technique: str) -> ConsentForm:
    """The patient's clinic's form for a technique (the patient-link pages have no signed-in user)."""
    return get_object_or_404(ConsentForm.objects.filter(clinic_id=patient.clinic_id), technique=technique)


def latest_screen(patient: Patient) -> SafetyScreen | None:
    return (
        SafetyScreen.objects.filter(patient=patient)
        .prefetch_related(Prefetch("overrides", queryset=ScreenOverride.objects.select_related("by")))
        .order_by("-created_at")
        .first()
    )


def active_consents(patient: Patient) -> dict[str, Consent]:
    consents: dict[str, Consent] = {}
    for consent in Consent.objects.filter(patient=patient, withdrawn_at=None).select_related("version__form"):
        consents.setdefault(consent.technique, consent)
    return consents


# Which screening rules speak to each consentable technique.
SCREENED_AS = {
    "manual_therapy": ("manual_therapy", "deep_pressure"),
    "dry_needling": ("dry_needling",),
    "tens": ("tens",),
    "assisted_stretching": ("manual_therapy",),
    "heat_cold": ("heat", "cold"),
    # A needle through the skin: the dry needling contraindications (bleeding, infection, needle phobia) apply.
    "injection": ("dry_needling",),
}


def technique_status(screen: SafetyScreen | None, technique: str) -> str:
    """`unscreened`, `hold`, `contraindicated`, `precaution` or `ok`; an override clears its finding."""
    if screen is None:
        return "unscreened"
    overridden = {o.rule_id for o in screen.overrides.all()}
    findings = tuple(
        screening.Finding(f["rule"], f["kind"], f["technique"], f["message"], f["action"], f.get("referral", ""), ())
        for f in screen.findings
        if f["rule"] not in overridden
    )
    return screening.ScreenResult(screen.status, findings).technique_status(*SCREENED_AS.get(technique, (technique,)))


def chart_assessment(patient: Patient) -> dict:
    """What the chart shows of intake, screen, referrals, consents and examinations."""
    screen = latest_screen(patient)
    overrides = {o.rule_id: o for o in screen.overrides.all()} if screen else {}
    area_labels = dict(ComplaintArea.choices) | {"limb": "Arm or leg"}
    return {
        "screen": screen,
        "screen_areas": [area_labels.get(a, a) for a in (screen.areas if screen else [])],
        "findings": [
            {**f, "override": overrides.get(f["rule"]), "technique_label": screening.TECHNIQUE_LABELS[f["technique"]]}
            for f in (screen.findings if screen else [])
        ],
        "open_red_flags": [
            f for f in (screen.findings if screen else []) if f["kind"] == "red_flag" and f["rule"] not in overrides
        ],
        "draft_intake": patient.intakes.filter(status=IntakeStatus.DRAFT).first(),
        "intake": patient.intakes.filter(status=IntakeStatus.SUBMITTED).order_by("-submitted_at").first(),
        "referrals": list(MedicalReferral.objects.filter(patient=patient)),
        "consents": active_consents(patient),
        "examinations": list(
            Examination.objects.filter(patient=patient)
            .select_related("examined_by")
            .prefetch_related("trigger_points", "diagnoses")
        ),
    }


TECHNIQUE_STATUS_LABELS = {
    "ok": "clear",
    "hold": "on hold",
    "contraindicated": "contraindicated",
    "precaution": "precautions",
    "unscreened": "not screened",
}


def assessment_overview(patient: Patient) -> dict:
    """The assessment as the chart and the session's start page show it: the safety screen, consent and screen
    status per technique, referrals, examinations, and the latest pain drawing and trigger points on the body map.
    """
    assessment = chart_assessment(patient)
    statuses = []
    for value, label in Technique.choices:
        status = technique_status(assessment["screen"], value)
        statuses.append(
            {
                "value": value,
                "label": label,
                "status": status,
                "status_label": TECHNIQUE_STATUS_LABELS[status],
                "consent": assessment["consents"].get(value),
            }
        )
    intake = assessment["intake"]
    latest_exam = assessment["examinations"][0] if assessment["examinations"] else None
    body = {
        "drawing": [DrawnRegion(m["region"], m["intensity"], m["quality"]) for m in intake.drawing] if intake else [],
        "points": [
            {"view": p.view, "x": p.x, "y": p.y, "active": p.is_active, "label": f"{p.muscle} ({p.side})"}
            for p in latest_exam.trigger_points.all()
        ]
        if latest_exam
        else [],
    }
    return {
        "assessment": assessment,
        "technique_statuses": statuses,
        "referral_statuses": ReferralStatus.choices,
        "body": body,
    }
