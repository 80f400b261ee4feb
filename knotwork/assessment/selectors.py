"""Scoped reads for intake, safety screen, referrals, consent and examination."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from knotwork.assessment import findings, screening
from knotwork.assessment.models import (
    ACTIVATING_FACTORS,
    ComplaintArea,
    Consent,
    ConsentForm,
    Diagnosis,
    Examination,
    ExaminationRevision,
    Intake,
    IntakeStatus,
    MedicalReferral,
    RangeOfMotion,
    ReferralStatus,
    SafetyScreen,
    ScreenOverride,
    Technique,
    TriggerPointFinding,
)
from knotwork.atlas.catalog import get_atlas
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
    # The latest submitted intake and any draft, in one read.
    latest = patient.intakes.filter(status=IntakeStatus.SUBMITTED).order_by("-submitted_at").values("pk")[:1]
    intakes = list(patient.intakes.filter(Q(status=IntakeStatus.DRAFT) | Q(pk=Subquery(latest))).order_by("pk"))
    intake = next((i for i in intakes if i.status == IntakeStatus.SUBMITTED), None)
    if screen is not None and intake is not None and screen.intake_id == intake.pk:
        screen.intake = intake  # the banner names the screen's intake: usually the latest, read once
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
        "draft_intake": next((i for i in intakes if i.status == IntakeStatus.DRAFT), None),
        "intake": intake,
        "referrals": list(MedicalReferral.objects.filter(patient=patient)),
        "consents": active_consents(patient),
        # Each examination's day, trigger points and codes (the examiner is named on the examination's own page).
        "examinations": list(
            Examination.objects.filter(patient=patient).prefetch_related("trigger_points", "diagnoses")
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


# ---- the submitted intake, as the staff page shows it ---------------------------------------------


def intake_summary(intake: Intake) -> dict:
    """What the patient answered: the drawing, the safety answers (yes first), activating and perpetuating factors."""
    factor_labels = dict(ACTIVATING_FACTORS)
    answers = intake.answers or {}
    sections: dict[str, list[dict]] = {}
    for question in screening.get_ruleset().questions.values():
        if question.id not in answers or question.id == "age":
            continue
        value = answers[question.id]
        if question.type == "yes_no":
            shown, positive = ("Yes" if value else "No"), bool(value)
        else:
            shown, positive = f"{value} {question.unit}".strip(), False
        sections.setdefault(question.section, []).append(
            {"id": question.id, "question": question.clinician_text, "answer": shown, "yes": positive}
        )
    regions = get_atlas().regions
    drawn = [
        {
            "region": (
                f"{regions[m['region']].name}, {regions[m['region']].side}".removesuffix(", ")
                if m["region"] in regions
                else m["region"]
            ),
            "intensity": m["intensity"],
            "quality": m["quality"],
        }
        for m in sorted(intake.drawing, key=lambda m: -m["intensity"])
    ]
    return {
        "drawing": [DrawnRegion(m["region"], m["intensity"], m["quality"]) for m in intake.drawing],
        "drawn": drawn,
        "answer_sections": sections,
        "yes_answers": [a for answers_ in sections.values() for a in answers_ if a["yes"]],
        "activating_factors": [factor_labels.get(f, f) for f in intake.activating_factors],
        "perpetuating_factors": findings.factor_labels(intake.perpetuating_factors),
    }


# ---- examination entries and their history --------------------------------------------------------


def _entry(model, user, public_id):
    return get_object_or_404(
        model.with_removed.for_user(user).select_related("examination", "examination__patient", "patient"),
        public_id=public_id,
    )


def get_trigger_point(user, public_id) -> TriggerPointFinding:
    """A finding of the user's clinic, removed or not (a removed one shows its removal, and refuses changes)."""
    return _entry(TriggerPointFinding, user, public_id)


def get_range_of_motion(user, public_id) -> RangeOfMotion:
    return _entry(RangeOfMotion, user, public_id)


def get_diagnosis(user, public_id) -> Diagnosis:
    return _entry(Diagnosis, user, public_id)


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name.replace("_", " ")


def _shown(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value in (None, ""):
        return "—"
    return str(value)


def revision_lines(revision: ExaminationRevision, model) -> dict:
    """One revision as the page shows it: when, who, what changed from what to what, and why."""
    changes = [
        {"field": _field_label(model, name), "before": _shown(before), "after": _shown(revision.after.get(name))}
        for name, before in revision.before.items()
        if name not in ("x", "y", "view")  # the map position moves with the region; the region is listed
    ]
    return {"revision": revision, "changes": changes}


def examination_entries(examination: Examination) -> dict:
    """The examination's entries that stand and those removed, each with its history, in a fixed number of queries."""
    revisions = Prefetch("revisions", queryset=ExaminationRevision.objects.select_related("by"))
    # Any: the three models share the removal fields and a `revisions` relation, which the type checker cannot see.
    kinds: dict[str, Any] = {"points": TriggerPointFinding, "rom": RangeOfMotion, "diagnoses": Diagnosis}
    result: dict = {}
    for key, model in kinds.items():
        rows = list(
            model.with_removed.filter(examination=examination).select_related("removed_by").prefetch_related(revisions)
        )
        entries = [
            {"entry": row, "history": [revision_lines(r, model) for r in row.revisions.all() if r.before]}
            for row in rows
        ]
        result[key] = [e for e in entries if e["entry"].removed_at is None]
        result[f"removed_{key}"] = [e for e in entries if e["entry"].removed_at is not None]
    return result


# ---- the API's reads: a patient's intakes, screens, consents, examinations and their entries ------------------


def list_patient_intakes(user, patient: Patient) -> QuerySet[Intake]:
    return Intake.objects.for_user(user).filter(patient=patient).select_related("patient")


def _screens(user) -> QuerySet[SafetyScreen]:
    """Screens with what the API shows of each: the overrides (and who made them) and the referrals it raised."""
    return (
        SafetyScreen.objects.for_user(user)
        .select_related("patient", "intake")
        .prefetch_related(
            Prefetch("overrides", queryset=ScreenOverride.objects.select_related("by")),
            Prefetch("referrals", queryset=MedicalReferral.objects.order_by("created_at")),
        )
    )


def list_patient_screens(user, patient: Patient) -> QuerySet[SafetyScreen]:
    return _screens(user).filter(patient=patient)


def get_screen_detail(user, public_id) -> SafetyScreen:
    return get_object_or_404(_screens(user), public_id=public_id)


def _consents(user) -> QuerySet[Consent]:
    return Consent.objects.for_user(user).select_related("patient", "version__form", "witnessed_by")


def list_patient_consents(user, patient: Patient) -> QuerySet[Consent]:
    return _consents(user).filter(patient=patient)


def get_consent_detail(user, public_id) -> Consent:
    return get_object_or_404(_consents(user), public_id=public_id)


def _examinations(user) -> QuerySet[Examination]:
    """Examinations with the entries that stand (removed ones are read with the patient's entry lists)."""
    return (
        Examination.objects.for_user(user)
        .select_related("patient", "intake", "examined_by", "closed_by")
        .prefetch_related("trigger_points", "range_of_motion", "diagnoses")
    )


def list_patient_examinations(user, patient: Patient) -> QuerySet[Examination]:
    return _examinations(user).filter(patient=patient)


def get_examination_detail(user, public_id) -> Examination:
    return get_object_or_404(_examinations(user), public_id=public_id)


def list_patient_trigger_points(user, patient: Patient) -> QuerySet[TriggerPointFinding]:
    """Every finding of the patient, removed ones included (marked), so a copy kept in step learns of a removal."""
    return (
        TriggerPointFinding.with_removed.for_user(user).filter(patient=patient).select_related("examination", "patient")
    )


def list_patient_diagnoses(user, patient: Patient) -> QuerySet[Diagnosis]:
    """Every diagnosis of the patient, removed ones included (marked)."""
    return Diagnosis.with_removed.for_user(user).filter(patient=patient).select_related("examination", "patient")
