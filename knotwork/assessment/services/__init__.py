"""The one way to change intakes, safety screens, medical referrals, consents and examinations."""

import datetime
from decimal import Decimal
from typing import Any, NotRequired, TypedDict, Unpack

from django.db import transaction
from django.utils import timezone

from knotwork.accounts.policy import acting_staff, staff_user
from knotwork.assessment import findings, screening
from knotwork.assessment.coding import get_codes
from knotwork.assessment.consent_defaults import default_forms
from knotwork.assessment.models import (
    REFERRAL_TRANSITIONS,
    Consent,
    ConsentForm,
    ConsentFormVersion,
    Diagnosis,
    Examination,
    Intake,
    IntakeStatus,
    MedicalReferral,
    RangeOfMotion,
    ReferralKind,
    ReferralStatus,
    SafetyScreen,
    ScreenOverride,
    Technique,
    TriggerPointFinding,
    text_hash,
)
from knotwork.atlas.catalog import get_atlas
from knotwork.clinics.models import Clinic
from knotwork.core.arguments import refuse_unknown
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, SystemActor, require
from knotwork.core.validators import without_control_characters
from knotwork.patients.models import ALLOWED_STATUS_CHANGES, Patient, PatientStatus
from knotwork.patients.services import change_patient_status


class IntakeDetails(TypedDict, total=False):
    """What the intake asks (the form's fields); a draft may have any part of it."""

    chief_complaint: str
    complaint_area: str
    onset_date: datetime.date | None
    onset_description: str
    better_with: str
    worse_with: str
    pain_now: int | None
    pain_best: int | None
    pain_worst: int | None
    drawing: list[dict[str, Any]]  # [{region, intensity, quality}]
    tingling_numbness: bool
    weakness: bool
    activating_factors: list[str]
    perpetuating_factors: list[str]  # ids of data/examination.yaml's perpetuating factors
    sleep: str
    goals: str
    medications: str
    answers: dict[str, Any]  # safety screen answers by question id


INTAKE_FIELDS: tuple[str, ...] = tuple(IntakeDetails.__annotations__)

# Regions of the pain drawing that tell the screen which complaint areas apply.
AREA_OF_REGION = {
    "low_back": {"low-back", "sacroiliac", "sacrum", "iliac-crest", "flank", "coccyx", "buttock"},
    "neck": {"back-neck", "side-neck", "front-neck", "occiput", "mastoid"},
    "thoracic": {"mid-back", "between-scapulae", "scapula"},
}
LIMB_AREAS = {"shoulder_arm", "hip_leg"}

# A red flag puts the patient on hold whoever submitted the intake (a patient through their link included).
SAFETY_SCREEN = SystemActor("safety screen")
# The default consent texts are Knotwork's: set up the first time any consent page opens, by staff or a patient.
CONSENT_SET_UP = SystemActor("consent forms set-up")

# Conversions to kPa for a 1 cm² algometer tip (docs/clinical-sources.md#pressure-pain-threshold).
KPA_PER_UNIT = {"kpa": Decimal("1"), "kg_cm2": Decimal("98.0665"), "n_cm2": Decimal("10")}


# ---- intake ---------------------------------------------------------------------------------------


@transaction.atomic
def start_intake(*, patient: Patient, by: Actor, filled_by_patient: bool = False) -> Intake:
    """Open a draft intake for the patient, or return the draft already open."""
    require(by, "start_intake", patient)
    draft = Intake.objects.filter(patient=patient, status=IntakeStatus.DRAFT).first()
    if draft is not None:
        return draft
    return Intake.objects.create(clinic_id=patient.clinic_id, patient=patient, filled_by_patient=filled_by_patient)


@transaction.atomic
def save_intake_draft(
    *, intake: Intake, by: Actor, needs_correction: dict[str, str] | None = None, **details: Unpack[IntakeDetails]
) -> Intake:
    """Keep what was typed so far; nothing is required yet.

    `needs_correction` holds the raw text of fields that did not validate (pain "11", a date in the
    future): it is kept with the draft, so a closed tab loses nothing, and shown again for correction.
    """
    require(by, "fill_intake", intake)
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if intake.status != IntakeStatus.DRAFT:
        raise ClinicRuleError("This intake has been submitted and can no longer be changed.")
    refuse_unknown("save_intake_draft", details, IntakeDetails)
    for field, value in details.items():
        setattr(intake, field, value)
    if needs_correction is not None:
        intake.needs_correction = {k: without_control_characters(str(v))[:500] for k, v in needs_correction.items()}
    intake.full_clean()
    intake.save()
    return intake


def complaint_areas(intake: Intake) -> set[str]:
    areas = {intake.complaint_area} if intake.complaint_area else set()
    drawn_areas = {mark["region"].removeprefix("right-").removeprefix("left-") for mark in intake.drawing}
    for area, regions in AREA_OF_REGION.items():
        if drawn_areas & regions:
            areas.add(area)
    if areas & LIMB_AREAS:
        areas.add("limb")
    return areas


def submit_intake(*, intake: Intake, by: Actor, **details: Unpack[IntakeDetails]) -> SafetyScreen:
    """Complete the intake, run the safety screen and act on a red flag (hold and refer).

    What was typed is saved as a draft first, in its own transaction, so a refused submission keeps it.
    """
    require(by, "submit_intake", intake)
    intake = save_intake_draft(intake=intake, by=by, **details)
    with transaction.atomic():
        return _submit(intake, by)


def _submit(intake: Intake, by: Actor) -> SafetyScreen:
    missing = [
        label
        for field, label in (
            ("chief_complaint", "the main complaint"),
            ("complaint_area", "where it is"),
            ("pain_now", "pain now"),
        )
        if getattr(intake, field) in (None, "")
    ]
    if intake.needs_correction:
        raise ClinicRuleError("Correct the answers marked before sending.")
    unanswered = [
        q.clinician_text
        for q in screening.get_ruleset().questions.values()
        if q.type == "yes_no" and q.id not in intake.answers
    ]
    if missing:
        raise ClinicRuleError("Please fill in " + ", ".join(missing) + ".")
    if unanswered:
        raise ClinicRuleError(f"Please answer every safety question ({len(unanswered)} not answered).")
    intake.status = IntakeStatus.SUBMITTED
    intake.submitted_at = timezone.now()
    intake.submitted_by = acting_staff(by)
    intake.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    return run_screen(intake=intake, by=by)


def _finding_dict(finding: screening.Finding) -> dict:
    return {
        "rule": finding.rule_id,
        "kind": finding.kind,
        "technique": finding.technique,
        "message": finding.message,
        "action": finding.action,
        "referral": finding.referral,
        "because": list(finding.because),
    }


@transaction.atomic
def run_screen(*, intake: Intake, by: Actor) -> SafetyScreen:
    require(by, "run_safety_screen", intake)
    areas = complaint_areas(intake)
    answers = dict(intake.answers)
    answers.setdefault("age", intake.patient.age)  # from the date of birth, never asked
    result = screening.evaluate(answers, areas)
    screen = SafetyScreen.objects.create(
        clinic_id=intake.clinic_id,
        patient=intake.patient,
        intake=intake,
        status=result.status,
        findings=[_finding_dict(f) for f in result.findings],
        areas=sorted(areas),
    )
    if result.red_flags:
        for finding in result.red_flags:
            MedicalReferral.objects.create(
                clinic_id=intake.clinic_id,
                patient=intake.patient,
                screen=screen,
                kind=ReferralKind.EMERGENCY if finding.referral == "emergency" else ReferralKind.MEDICAL,
                urgency=finding.referral or "urgent",
                what=finding.action or "Medical assessment",
                why=f"{finding.message} ({', '.join(finding.because)})",
            )
        patient = intake.patient
        if patient.status != PatientStatus.ON_HOLD and PatientStatus.ON_HOLD in _allowed(patient):
            change_patient_status(
                patient=patient,
                status=PatientStatus.ON_HOLD,
                reason="Safety screen: " + "; ".join(f.message for f in result.red_flags)[:280],
                by=SAFETY_SCREEN,
            )
    return screen


def _allowed(patient: Patient):
    return ALLOWED_STATUS_CHANGES[PatientStatus(patient.status)]


@transaction.atomic
def override_finding(*, screen: SafetyScreen, rule_id: str, reason: str, by: Actor) -> ScreenOverride:
    require(by, "override_safety_finding", screen)
    if rule_id not in {f["rule"] for f in screen.findings}:
        raise ClinicRuleError("That finding is not part of this safety screen.")
    if len(reason.strip()) < 10:
        raise ClinicRuleError("Write the clinical reason for the override (at least a sentence).")
    if ScreenOverride.objects.filter(screen=screen, rule_id=rule_id).exists():
        raise ClinicRuleError("This finding already has an override.")
    return ScreenOverride.objects.create(
        clinic_id=screen.clinic_id,
        patient=screen.patient,
        screen=screen,
        rule_id=rule_id,
        reason=reason.strip(),
        by=staff_user(by),
    )


@transaction.atomic
def update_referral(
    *, referral: MedicalReferral, by: Actor, status: str, to_whom: str = "", result: str = ""
) -> MedicalReferral:
    require(by, "update_referral", referral)
    referral = MedicalReferral.objects.select_for_update().get(pk=referral.pk)
    wanted = ReferralStatus(status)
    if wanted != referral.status and wanted not in REFERRAL_TRANSITIONS[ReferralStatus(referral.status)]:
        raise ClinicRuleError(
            f"A referral that is {referral.get_status_display().lower()} cannot become {wanted.label.lower()}."
        )
    if wanted == ReferralStatus.RESULT and not result.strip():
        raise ClinicRuleError("Record the result that came back.")
    referral.status = wanted
    if to_whom:
        referral.to_whom = to_whom
    if result:
        referral.result = result
    today = timezone.localdate()
    if wanted == ReferralStatus.SENT and referral.sent_on is None:
        referral.sent_on = today
    if wanted == ReferralStatus.RESULT:
        referral.result_on = today
    referral.full_clean()
    referral.save()
    return referral


# ---- consent --------------------------------------------------------------------------------------


@transaction.atomic
def ensure_consent_forms(*, clinic: Clinic, by: Actor) -> list[ConsentForm]:
    """Give the clinic the default consent forms (version 1) it does not have yet."""
    require(by, "set_up_consent_forms", clinic)

    defaults = {technique: (title, body) for technique, title, body in default_forms()}
    forms = []
    for technique, label in Technique.choices:
        title, body = defaults.get(technique, (f"Consent to {label.lower()}", ""))
        form, created = ConsentForm.objects.get_or_create(clinic=clinic, technique=technique, defaults={"title": title})
        if created and body:
            # A technique without a default text (injection) has no version until the clinic writes one.
            ConsentFormVersion.objects.create(clinic=clinic, form=form, number=1, body=body, body_hash=text_hash(body))
        forms.append(form)
    return forms


@transaction.atomic
def publish_consent_version(*, form: ConsentForm, title: str, body: str, by: Actor) -> ConsentFormVersion:
    """A changed text becomes a new version; signatures stay with the version they signed."""
    require(by, "publish_consent_version", form)
    body = body.strip()
    if not body:
        raise ClinicRuleError("The consent text cannot be empty.")
    latest = form.versions.order_by("-number").first()
    if title.strip() and title.strip() != form.title:
        form.title = title.strip()
        form.save(update_fields=["title", "updated_at"])
    if latest is not None and latest.body == body:
        return latest
    number = latest.number + 1 if latest else 1
    return ConsentFormVersion.objects.create(
        clinic_id=form.clinic_id,
        form=form,
        number=number,
        body=body,
        body_hash=text_hash(body),
        created_by=acting_staff(by),
    )


@transaction.atomic
def sign_consent(
    *,
    patient: Patient,
    version: ConsentFormVersion,
    signed_name: str,
    signature: str,
    shown_hash: str,
    via_link: bool = False,
    by: Actor,
) -> Consent:
    """Record a signature on the exact text the patient was shown; refuse an outdated version."""
    require(by, "sign_consent", patient)
    latest = version.form.versions.order_by("-number").first()
    if latest is None or latest.pk != version.pk or shown_hash != version.body_hash:
        raise ClinicRuleError(
            "This consent text has been updated since the page was opened. "
            "Please read the current version and sign again."
        )
    if version.clinic_id != patient.clinic_id:
        raise ClinicRuleError("That consent form belongs to another clinic.")
    if len(signed_name.strip()) < 2:
        raise ClinicRuleError("Type your full name to sign.")
    if not signature.strip().startswith("M") or len(signature) > 100_000:
        raise ClinicRuleError("Draw your signature in the box.")
    return Consent.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        version=version,
        technique=version.form.technique,
        signed_name=signed_name.strip(),
        signature=signature.strip(),
        body_hash=version.body_hash,
        signed_via_link=via_link,
        witnessed_by=acting_staff(by),
    )


@transaction.atomic
def withdraw_consent(*, consent: Consent, reason: str, by: Actor) -> Consent:
    require(by, "withdraw_consent", consent)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ClinicRuleError("This consent was already withdrawn.")
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_reason = reason.strip()[:300]
    consent.save(update_fields=["withdrawn_at", "withdrawn_reason", "updated_at"])
    return consent


# ---- examination ----------------------------------------------------------------------------------


@transaction.atomic
def start_examination(*, patient: Patient, by: Actor) -> Examination:
    require(by, "start_examination", patient)
    intake = patient.intakes.filter(status=IntakeStatus.SUBMITTED).order_by("-submitted_at").first()
    return Examination.objects.create(
        clinic_id=patient.clinic_id, patient=patient, intake=intake, examined_by=staff_user(by)
    )


def to_kpa(value: Decimal, unit: str) -> Decimal:
    return (Decimal(value) * KPA_PER_UNIT[unit]).quantize(Decimal("0.1"))


class TriggerPoint(TypedDict):
    """One trigger point found on palpation (a TriggerPointFinding's fields): where, and each criterion on its own."""

    muscle: str
    side: str
    region: str
    view: str
    x: float
    y: float
    taut_band: NotRequired[bool]
    spot_tenderness: NotRequired[bool]
    referred_pain: NotRequired[bool]
    pain_recognised: NotRequired[bool]
    twitch_response: NotRequired[bool]
    painful_stretch: NotRequired[bool]
    weakness: NotRequired[bool]
    palpation_pain: NotRequired[int | None]
    ppt_value: NotRequired[Decimal | None]
    ppt_unit: NotRequired[str]
    notes: NotRequired[str]


def _refuse_if_closed(examination: Examination) -> None:
    """A closed examination is part of the record: nothing is added to it, corrected or removed."""
    closed = Examination.objects.filter(pk=examination.pk).values_list("closed_at", flat=True).first()
    if closed is not None:
        raise ClinicRuleError(
            "This examination is closed and can no longer be changed; start a new examination to record a change."
        )


def _check_point(finding: TriggerPointFinding) -> None:
    """Refuse what cannot be a trigger point finding: an unknown muscle or site, an impossible threshold."""
    atlas = get_atlas()
    if finding.muscle not in atlas.muscles:
        raise ClinicRuleError("Choose a muscle from the atlas.")
    if finding.region not in atlas.regions:
        raise ClinicRuleError("Mark where the point is on the body map.")
    if (finding.ppt_value is None) != (not finding.ppt_unit):
        raise ClinicRuleError("Give the pressure pain threshold together with its unit.")
    if finding.ppt_value is not None:
        if finding.ppt_unit not in KPA_PER_UNIT:
            raise ClinicRuleError("Choose the unit the algometer shows (kg/cm², kPa or N/cm²).")
        finding.ppt_kpa = to_kpa(finding.ppt_value, finding.ppt_unit)
        problem = findings.ppt_problem(finding.ppt_kpa)
        if problem:
            raise ClinicRuleError(problem)
    else:
        finding.ppt_kpa = None


def _check_range(rom: RangeOfMotion) -> None:
    problem = findings.rom_problem(rom.movement, rom.degrees)
    if problem:
        raise ClinicRuleError(problem)


@transaction.atomic
def record_trigger_point(*, examination: Examination, by: Actor, **point: Unpack[TriggerPoint]) -> TriggerPointFinding:
    require(by, "record_trigger_point", examination)
    refuse_unknown("record_trigger_point", point, TriggerPoint)
    _refuse_if_closed(examination)
    if point.get("muscle") not in get_atlas().muscles:
        raise ClinicRuleError("Choose a muscle from the atlas.")
    if point.get("region") not in get_atlas().regions:
        raise ClinicRuleError("Mark where the point is on the body map.")
    finding = TriggerPointFinding(
        clinic_id=examination.clinic_id, examination=examination, patient=examination.patient, **point
    )
    _check_point(finding)
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def record_range_of_motion(
    *, examination: Examination, by: Actor, movement: str, degrees: int, side: str = "", painful: bool = False
) -> RangeOfMotion:
    require(by, "record_range_of_motion", examination)
    _refuse_if_closed(examination)
    rom = RangeOfMotion(
        clinic_id=examination.clinic_id,
        examination=examination,
        patient=examination.patient,
        movement=movement,
        side=side,
        degrees=degrees,
        painful=painful,
    )
    _check_range(rom)
    rom.full_clean()
    rom.save()
    return rom


@transaction.atomic
def add_diagnosis(*, examination: Examination, code: str, is_primary: bool, by: Actor) -> Diagnosis:
    require(by, "add_diagnosis", examination)
    _refuse_if_closed(examination)

    entry = get_codes().get(code)
    if entry is None:
        raise ClinicRuleError("Choose a code from the clinic's ICD-10-CM list.")
    if Diagnosis.objects.filter(examination=examination, code=code).exists():
        raise ClinicRuleError(f"{code} is already part of this diagnosis.")
    if is_primary:
        Diagnosis.objects.filter(examination=examination, is_primary=True).update(is_primary=False)
    return Diagnosis.objects.create(
        clinic_id=examination.clinic_id,
        patient=examination.patient,
        examination=examination,
        code=code,
        description=entry["description"],
        is_primary=is_primary or not examination.diagnoses.exists(),
    )
