"""Intake, safety screen, medical referrals, consent and the examination."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from knotwork.assessment.findings import ConsensusResult, consensus
from knotwork.atlas.models import MapPosition
from knotwork.core.models import ClinicForeignKey, ClinicOneToOneField, ClinicScoped, ClinicScopedQuerySet
from knotwork.core.validators import (
    LINE,
    LONG_TEXT,
    PARAGRAPH,
    JSONTextValidator,
    text_validators,
    validate_line,
)

CONSENT_BODY = 50_000  # a consent form's whole text

PAIN_SCALE = [MinValueValidator(0), MaxValueValidator(10)]


def validate_not_future(value) -> None:
    if value > timezone.localdate():
        raise ValidationError("This date is in the future.")


class ComplaintArea(models.TextChoices):
    LOW_BACK = "low_back", "Low back"
    NECK = "neck", "Neck"
    THORACIC = "thoracic", "Mid or upper back"
    HEAD_FACE = "head_face", "Head, face or jaw"
    SHOULDER_ARM = "shoulder_arm", "Shoulder, arm or hand"
    HIP_LEG = "hip_leg", "Hip, leg or foot"
    CHEST_ABDOMEN = "chest_abdomen", "Chest or abdomen"
    OTHER = "other", "Elsewhere"


ACTIVATING_FACTORS = [
    # The seeds' list (seed 004), then two the issue adds.
    ("overload", "Muscle overload or overuse"),
    ("anxiety", "Anxiety"),
    ("stress", "Stress"),
    ("depression", "Depression"),
    ("injury", "Injury"),
    ("infection", "Infection"),
    ("posture", "Poor posture"),
    ("smoking", "Smoking"),
    ("work_posture", "Work posture (desk, driving, standing)"),
    ("repetitive_tasks", "Repetitive tasks"),
]


class Sleep(models.TextChoices):
    GOOD = "good", "Sleeps well"
    WAKES = "wakes", "Pain wakes me at times"
    POOR = "poor", "Pain often disturbs sleep"


class IntakeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"  # being filled in; saved as typed
    SUBMITTED = "submitted", "Submitted"  # complete; the safety screen has run on it


class Intake(ClinicScoped):
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="intakes", db_constraint=False
    )
    status = models.CharField(max_length=12, choices=IntakeStatus.choices, default=IntakeStatus.DRAFT)
    filled_by_patient = models.BooleanField(default=False)
    chief_complaint = models.CharField(max_length=300, blank=True, validators=[validate_line])
    complaint_area = models.CharField(max_length=20, choices=ComplaintArea.choices, blank=True)
    onset_date = models.DateField(null=True, blank=True, validators=[validate_not_future])
    onset_description = models.CharField("how it started", max_length=300, blank=True, validators=[validate_line])
    better_with = models.TextField(
        "what makes it better", blank=True, max_length=PARAGRAPH, validators=text_validators(PARAGRAPH)
    )
    worse_with = models.TextField(
        "what makes it worse", blank=True, max_length=PARAGRAPH, validators=text_validators(PARAGRAPH)
    )
    pain_now = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN_SCALE)
    pain_best = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN_SCALE)
    pain_worst = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN_SCALE)
    drawing = models.JSONField(
        default=list,
        blank=True,
        help_text="[{region, intensity, quality}]",
        validators=[JSONTextValidator(max_text=LINE)],
    )
    tingling_numbness = models.BooleanField(default=False)
    weakness = models.BooleanField(default=False)
    activating_factors = models.JSONField(default=list, blank=True, validators=[JSONTextValidator(max_text=LINE)])
    perpetuating_factors = models.JSONField(
        default=list,
        blank=True,
        help_text="ids of data/examination.yaml's perpetuating factors the patient reports",
        validators=[JSONTextValidator(max_text=LINE)],
    )
    sleep = models.CharField(max_length=10, choices=Sleep.choices, blank=True)
    goals = models.TextField(blank=True, max_length=PARAGRAPH, validators=text_validators(PARAGRAPH))
    medications = models.TextField(blank=True, max_length=PARAGRAPH, validators=text_validators(PARAGRAPH))
    answers = models.JSONField(
        default=dict,
        blank=True,
        help_text="safety screen answers by question id",
        validators=[JSONTextValidator(max_text=LINE)],
    )
    needs_correction = models.JSONField(
        default=dict,
        blank=True,
        help_text="what was typed into fields that did not validate, kept until corrected",
        validators=[JSONTextValidator(max_text=PARAGRAPH)],
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="patient", name="assessment_intake_patient_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"Intake of {self.patient.chart_number} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("assessment:intake", args=[self.public_id])


class ScreenStatus(models.TextChoices):
    HOLD = "hold", "Hold"  # a red flag: no treatment until the medical referral answers (or an override)
    PRECAUTIONS = "precautions", "Precautions"  # contraindications or precautions for some techniques
    CLEAR = "clear", "Clear"  # nothing fired


class SafetyScreen(ClinicScoped):
    """The result of the screening rules on one submitted intake; a new intake makes a new screen."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="screens", db_constraint=False
    )
    intake = ClinicOneToOneField(Intake, on_delete=models.PROTECT, related_name="screen", db_constraint=False)
    status = models.CharField(max_length=12, choices=ScreenStatus.choices)
    findings = models.JSONField(default=list)
    areas = models.JSONField(default=list)

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="patient", name="assessment_safetyscreen_patient_clinic_fk"),
            ClinicForeignKey(field="intake", name="assessment_safetyscreen_intake_clinic_fk"),
            models.UniqueConstraint(fields=["clinic", "intake"], name="assessment_safetyscreen_intake_once"),
        ]

    def __str__(self) -> str:
        return f"Safety screen of {self.patient.chart_number}: {self.get_status_display()}"


class ScreenOverride(ClinicScoped):
    """A practitioner's documented decision to proceed despite a finding."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    screen = models.ForeignKey(SafetyScreen, on_delete=models.PROTECT, related_name="overrides", db_constraint=False)
    rule_id = models.CharField(max_length=80)
    reason = models.TextField(max_length=LONG_TEXT, validators=text_validators(LONG_TEXT))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(ClinicScoped.Meta):
        ordering = ["created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint("clinic", "screen", "rule_id", name="one_override_per_finding"),
            ClinicForeignKey(field="patient", name="assessment_screenoverride_patient_clinic_fk"),
            ClinicForeignKey(field="screen", name="assessment_screenoverride_screen_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"Override of {self.rule_id}"


class ReferralKind(models.TextChoices):
    EMERGENCY = "emergency", "Emergency assessment"
    MEDICAL = "medical", "Medical work-up"
    IMAGING = "imaging", "Imaging"
    SPECIALIST = "specialist", "Specialist"


class ReferralStatus(models.TextChoices):
    TO_SEND = "to_send", "To send"  # decided, not yet sent
    SENT = "sent", "Sent"  # the patient or the clinician has been referred
    RESULT = "result", "Result received"  # an answer came back; read it before treating
    CLOSED = "closed", "Closed"  # nothing more to do


REFERRAL_TRANSITIONS = {
    ReferralStatus.TO_SEND: {ReferralStatus.SENT, ReferralStatus.CLOSED},
    ReferralStatus.SENT: {ReferralStatus.RESULT, ReferralStatus.CLOSED},
    ReferralStatus.RESULT: {ReferralStatus.CLOSED},
    ReferralStatus.CLOSED: set(),
}


class MedicalReferral(ClinicScoped):
    """The seeds' 'rule out serious issues first': an imaging or medical work-up request and its answer."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="medical_referrals", db_constraint=False
    )
    screen = models.ForeignKey(
        SafetyScreen, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals", db_constraint=False
    )
    kind = models.CharField(max_length=12, choices=ReferralKind.choices)
    urgency = models.CharField(
        max_length=12,
        choices=[
            ("emergency", "Emergency: now"),
            ("same_day", "Same day"),
            ("urgent", "Urgent"),
            ("routine", "Routine"),
        ],
    )
    what = models.CharField("what is asked", max_length=300, validators=[validate_line])
    to_whom = models.CharField(max_length=200, blank=True, validators=[validate_line])
    why = models.TextField(max_length=LONG_TEXT, validators=text_validators(LONG_TEXT))
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.TO_SEND)
    result = models.TextField(blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT))
    sent_on = models.DateField(null=True, blank=True)
    result_on = models.DateField(null=True, blank=True)

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="patient", name="assessment_medicalreferral_patient_clinic_fk"),
            ClinicForeignKey(field="screen", name="assessment_medicalreferral_screen_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.patient.chart_number}"

    @property
    def is_open(self) -> bool:
        return self.status != ReferralStatus.CLOSED


class Technique(models.TextChoices):
    MANUAL_THERAPY = "manual_therapy", "Manual therapy (pressure release, massage)"
    DRY_NEEDLING = "dry_needling", "Dry needling"
    TENS = "tens", "TENS"
    ASSISTED_STRETCHING = "assisted_stretching", "Assisted stretching"
    HEAT_COLD = "heat_cold", "Heat and cold"
    INJECTION = "injection", "Trigger point injection"  # no default text: the clinic writes it


class ConsentForm(ClinicScoped):
    """A clinic's consent form for one technique; its text lives in immutable versions."""

    technique = models.CharField(max_length=30, choices=Technique.choices)
    title = models.CharField(max_length=200, validators=[validate_line])

    class Meta(ClinicScoped.Meta):
        ordering = ["technique"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint("clinic", "technique", name="one_consent_form_per_technique"),
        ]

    def __str__(self) -> str:
        return self.title


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ConsentFormVersion(ClinicScoped):
    form = models.ForeignKey(ConsentForm, on_delete=models.PROTECT, related_name="versions", db_constraint=False)
    number = models.PositiveIntegerField()
    body = models.TextField(max_length=CONSENT_BODY, validators=text_validators(CONSENT_BODY))
    body_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta(ClinicScoped.Meta):
        ordering = ["form", "-number"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint("clinic", "form", "number", name="consent_version_number_unique"),
            ClinicForeignKey(field="form", name="assessment_consentformversion_form_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.form.title}, version {self.number}"


class Consent(ClinicScoped):
    """A patient's signature on one exact version of a consent form. Never edited; only withdrawn."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="consents", db_constraint=False
    )
    version = models.ForeignKey(
        ConsentFormVersion, on_delete=models.PROTECT, related_name="consents", db_constraint=False
    )
    technique = models.CharField(max_length=30, choices=Technique.choices)
    signed_name = models.CharField(max_length=200, validators=[validate_line])
    signature = models.TextField(
        help_text="the drawn signature as SVG path data", max_length=100_000, validators=[validate_line]
    )
    body_hash = models.CharField(max_length=64, help_text="hash of the exact text signed")
    signed_via_link = models.BooleanField(default=False)
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True, validators=[validate_line])

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="patient", name="assessment_consent_patient_clinic_fk"),
            ClinicForeignKey(field="version", name="assessment_consent_version_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"Consent to {self.get_technique_display().lower()} by {self.patient.chart_number}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Examination(ClinicScoped):
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="examinations", db_constraint=False
    )
    intake = models.ForeignKey(
        Intake, on_delete=models.PROTECT, null=True, blank=True, related_name="examinations", db_constraint=False
    )
    examined_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT))
    perpetuating_factors = models.JSONField(
        default=list,
        blank=True,
        help_text="ids of data/examination.yaml's perpetuating factors found or suspected on examination",
        validators=[JSONTextValidator(max_text=LINE)],
    )
    # Open until closed: while open its entries may be corrected or removed (with history); closed, never again.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="patient", name="assessment_examination_patient_clinic_fk"),
            ClinicForeignKey(field="intake", name="assessment_examination_intake_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"Examination of {self.patient.chart_number} on {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:examination", args=[self.public_id])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CurrentManager(models.Manager.from_queryset(ClinicScopedQuerySet)):  # type: ignore[misc]
    """Entries not removed: every reader (the chart, the note, billing, letters) sees only what still stands."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at=None)


class Removable(models.Model):
    """An examination entry that is removed by marking it, with the reason, never by deleting it."""

    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_reason = models.TextField(blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT))

    # The default manager hides removed entries, so related lookups (examination.diagnoses ...) do too;
    # `with_removed` is for the history.
    objects = CurrentManager()
    with_removed = ClinicScopedQuerySet.as_manager()

    class Meta:
        abstract = True
        default_manager_name = "objects"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class Side(models.TextChoices):
    RIGHT = "right", "Right"
    LEFT = "left", "Left"


class PptUnit(models.TextChoices):
    KG_CM2 = "kg_cm2", "kg/cm²"
    KPA = "kpa", "kPa"
    N_CM2 = "n_cm2", "N/cm²"


class TriggerPointFinding(Removable, ClinicScoped, MapPosition):
    """One trigger point found on palpation, with each criterion recorded on its own."""

    examination = models.ForeignKey(
        Examination, on_delete=models.PROTECT, related_name="trigger_points", db_constraint=False
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    muscle = models.CharField(max_length=60, help_text="atlas muscle id")
    side = models.CharField(max_length=5, choices=Side.choices)
    taut_band = models.BooleanField(default=False)
    spot_tenderness = models.BooleanField("hypersensitive spot in the band", default=False)
    referred_pain = models.BooleanField("referred pain or sensation", default=False)
    pain_recognised = models.BooleanField("patient recognises the pain", default=False)
    twitch_response = models.BooleanField("local twitch response", default=False)
    painful_stretch = models.BooleanField("painful limit to stretch", default=False)
    weakness = models.BooleanField(default=False)
    palpation_pain = models.PositiveSmallIntegerField(
        "pain on palpation (0-10)", null=True, blank=True, validators=PAIN_SCALE
    )
    ppt_value = models.DecimalField("pressure pain threshold", max_digits=7, decimal_places=2, null=True, blank=True)
    ppt_unit = models.CharField(max_length=8, choices=PptUnit.choices, blank=True)
    ppt_kpa = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True, editable=False)
    notes = models.TextField(blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT))

    class Meta(ClinicScoped.Meta):
        ordering = ["created_at"]
        default_manager_name = "objects"
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="examination", name="assessment_triggerpointfinding_examination_clinic_fk"),
            ClinicForeignKey(field="patient", name="assessment_triggerpointfinding_patient_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.muscle} ({self.side})"

    @property
    def is_active(self) -> bool:
        return self.pain_recognised

    @property
    def delphi_count(self) -> int:
        return sum([self.taut_band, self.spot_tenderness, self.referred_pain])

    @property
    def consensus(self) -> ConsensusResult:
        """The 2018 consensus criteria met, and whether enough are (data/examination.yaml)."""
        return consensus(self)


class RangeOfMotion(Removable, ClinicScoped):
    examination = models.ForeignKey(
        Examination, on_delete=models.PROTECT, related_name="range_of_motion", db_constraint=False
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    movement = models.CharField(max_length=120, validators=[validate_line])
    side = models.CharField(max_length=5, choices=[*Side.choices, ("", "Not sided")], blank=True)
    degrees = models.PositiveSmallIntegerField(validators=[MaxValueValidator(360)])
    painful = models.BooleanField("pain on movement", default=False)

    class Meta(ClinicScoped.Meta):
        ordering = ["created_at"]
        default_manager_name = "objects"
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="examination", name="assessment_rangeofmotion_examination_clinic_fk"),
            ClinicForeignKey(field="patient", name="assessment_rangeofmotion_patient_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.movement}: {self.degrees}°"


class Diagnosis(Removable, ClinicScoped):
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="diagnoses", db_constraint=False
    )
    examination = models.ForeignKey(
        Examination, on_delete=models.PROTECT, related_name="diagnoses", db_constraint=False
    )
    code = models.CharField(max_length=10)
    description = models.CharField(max_length=200)
    is_primary = models.BooleanField(default=False)

    class Meta(ClinicScoped.Meta):
        ordering = ["-is_primary", "code"]
        verbose_name_plural = "diagnoses"
        default_manager_name = "objects"
        constraints = [
            *ClinicScoped.Meta.constraints,
            # A removed code may be added again: only the codes that stand are unique.
            models.UniqueConstraint(
                "clinic",
                "examination",
                "code",
                condition=models.Q(removed_at=None),
                name="diagnosis_code_once_per_examination",
            ),
            ClinicForeignKey(field="patient", name="assessment_diagnosis_patient_clinic_fk"),
            ClinicForeignKey(field="examination", name="assessment_diagnosis_examination_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class RevisionAction(models.TextChoices):
    CORRECTED = "corrected", "Corrected"  # changed in place; the earlier values are kept in `before`
    REMOVED = "removed", "Removed"  # marked removed with the reason; the entry itself stays


class ExaminationRevision(ClinicScoped):
    """An examination entry's earlier values, kept when it is corrected or removed: the entry's history."""

    examination = models.ForeignKey(
        Examination, on_delete=models.PROTECT, related_name="revisions", db_constraint=False
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    trigger_point = models.ForeignKey(
        TriggerPointFinding,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        db_constraint=False,
    )
    range_of_motion = models.ForeignKey(
        RangeOfMotion, on_delete=models.PROTECT, null=True, blank=True, related_name="revisions", db_constraint=False
    )
    diagnosis = models.ForeignKey(
        Diagnosis, on_delete=models.PROTECT, null=True, blank=True, related_name="revisions", db_constraint=False
    )
    action = models.CharField(max_length=10, choices=RevisionAction.choices)
    before = models.JSONField(default=dict, help_text="the changed fields' values before")
    after = models.JSONField(default=dict, blank=True, help_text="the changed fields' values after")
    reason = models.TextField(blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(ClinicScoped.Meta):
        ordering = ["created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.CheckConstraint(
                condition=(
                    models.Q(trigger_point__isnull=False, range_of_motion=None, diagnosis=None)
                    | models.Q(trigger_point=None, range_of_motion__isnull=False, diagnosis=None)
                    | models.Q(trigger_point=None, range_of_motion=None, diagnosis__isnull=False)
                ),
                name="revision_of_exactly_one_entry",
            ),
            ClinicForeignKey(field="examination", name="assessment_examinationrevision_examination_clinic_fk"),
            ClinicForeignKey(field="patient", name="assessment_examinationrevision_patient_clinic_fk"),
            ClinicForeignKey(field="trigger_point", name="assessment_examinationrevision_trigger_point_clinic_fk"),
            ClinicForeignKey(field="range_of_motion", name="assessment_examinationrevision_range_of_motion_clinic_fk"),
            ClinicForeignKey(field="diagnosis", name="assessment_examinationrevision_diagnosis_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} on {self.created_at:%Y-%m-%d}"
