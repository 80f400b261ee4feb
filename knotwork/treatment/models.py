"""The guided session: points treated, every hold, needling and other techniques, and the signed note."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from knotwork.atlas.models import OptionalMapPosition
from knotwork.core.models import ClinicForeignKey, ClinicOneToOneField, ClinicScoped
from knotwork.core.validators import (
    LINE,
    LONG_TEXT,
    NOTE_SECTION,
    JSONTextValidator,
    text_validators,
    validate_line,
    validate_text,
)
from knotwork.treatment.notediff import revision_text

MAX_ELECTRODES = 16  # TENS pads placed in one entry; machines drive 2 to 8

PAIN_SCALE = [MinValueValidator(0), MaxValueValidator(10)]


class SessionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"  # treating; holds and entries are being recorded
    FINISHED = "finished", "Finished"  # treatment over; the note may still be a draft
    SIGNED = "signed", "Signed"  # the note is signed; the record is closed (amendments only)


class GlobalImpression(models.TextChoices):
    MUCH_BETTER = "much_better", "Much better"
    BETTER = "better", "A little better"
    SAME = "same", "No change"
    WORSE = "worse", "Worse"


class TreatmentSession(ClinicScoped):
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="sessions", db_constraint=False
    )
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    examination = models.ForeignKey(
        "assessment.Examination",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        db_constraint=False,
    )
    plan = models.ForeignKey(
        "plans.TreatmentPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        help_text="the course this session belongs to (the patient's active plan when it started)",
        db_constraint=False,
    )
    status = models.CharField(max_length=12, choices=SessionStatus.choices, default=SessionStatus.IN_PROGRESS)
    pain_before = models.PositiveSmallIntegerField(validators=PAIN_SCALE)
    soreness_since_last = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN_SCALE)
    adverse_event_since = models.CharField(
        "adverse event since the last session", max_length=500, blank=True, validators=[validate_line]
    )
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True, validators=PAIN_SCALE)
    global_impression = models.CharField(max_length=12, choices=GlobalImpression.choices, blank=True)
    range_of_motion_after = models.JSONField(
        default=list,
        blank=True,
        help_text="[{movement, side, degrees, painful}]",
        validators=[JSONTextValidator(max_items=50, max_text=LINE)],
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="patient", name="treatment_treatmentsession_patient_clinic_fk"),
            ClinicForeignKey(field="examination", name="treatment_treatmentsession_examination_clinic_fk"),
            ClinicForeignKey(field="plan", name="treatment_treatmentsession_plan_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"Session of {self.patient.chart_number} on {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("treatment:session", args=[self.public_id])


class OverrideCause(models.TextChoices):
    UNSCREENED = "unscreened", "No safety screen"  # the session started before the patient was screened
    RED_FLAG = "red_flag", "Open red flag"  # the session started despite a red flag hold


class SessionOverride(ClinicScoped):
    """A documented decision to treat despite a hold, a contraindication or a missing consent."""

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="overrides", db_constraint=False
    )
    technique = models.CharField(max_length=30)
    cause = models.CharField(
        max_length=12,
        choices=OverrideCause.choices,
        blank=True,
        help_text="for the start override (technique 'all'): why the session needed one",
    )
    reason = models.TextField(max_length=LONG_TEXT, validators=text_validators(LONG_TEXT))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(ClinicScoped.Meta):
        ordering = ["created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint("clinic", "session", "technique", name="one_override_per_technique"),
            ClinicForeignKey(field="session", name="treatment_sessionoverride_session_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"Override for {self.technique}"


class Tool(models.TextChoices):
    THUMB = "thumb", "Thumb"
    KNUCKLE = "knuckle", "Knuckle"
    WRIST = "wrist", "Wrist"
    ELBOW = "elbow", "Elbow"
    FOOT = "foot", "Foot"
    INSTRUMENT = "instrument", "Instrument"


class Answer(models.TextChoices):
    TOO_LITTLE = "too_little", "Too little"
    GOOD_PAIN = "good_pain", "Good pain"
    TOO_MUCH = "too_much", "Too much"
    REFERRAL = "referral", "Referral reproduced"
    BETTER = "better", "Better"
    STOP = "stop", "Stop"


class Release(models.TextChoices):
    SOFTENED = "softened", "Softened"
    PAIN_DOWN = "pain_down", "Pain down"
    PATIENT_STOP = "patient_stop", "Patient said stop"


class SessionPoint(ClinicScoped, OptionalMapPosition):
    """A trigger point treated in the session (from the examination, or added on the map now)."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="points", db_constraint=False)
    finding = models.ForeignKey(
        "assessment.TriggerPointFinding",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    muscle = models.CharField(max_length=60)
    side = models.CharField(max_length=5)
    released = models.CharField(max_length=15, choices=Release.choices, blank=True)

    class Meta(ClinicScoped.Meta):
        ordering = ["created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="session", name="treatment_sessionpoint_session_clinic_fk"),
            ClinicForeignKey(field="finding", name="treatment_sessionpoint_finding_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.muscle} ({self.side})"


class Hold(ClinicScoped):
    """One sustained-pressure hold and the patient's answer to it, saved as it happens."""

    point = models.ForeignKey(SessionPoint, on_delete=models.PROTECT, related_name="holds", db_constraint=False)
    client_id = models.UUIDField(
        null=True, blank=True, help_text="the tablet's id for the hold: a repeated save is ignored"
    )
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    level = models.DecimalField(max_digits=4, decimal_places=1, help_text="0-10 scale, or kg/cm² when measured")
    measured = models.BooleanField(default=False, help_text="level is an algometer reading in kg/cm²")
    tool = models.CharField(max_length=12, choices=Tool.choices)
    answer = models.CharField(max_length=12, choices=Answer.choices)
    suggested_level = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    followed_suggestion = models.BooleanField(
        null=True, blank=True, help_text="the level matched the previous suggestion"
    )

    class Meta(ClinicScoped.Meta):
        ordering = ["point", "number"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint("clinic", "point", "number", name="hold_number_unique_per_point"),
            models.UniqueConstraint("clinic", "point", "client_id", name="hold_client_id_unique_per_point"),
            models.CheckConstraint(
                condition=models.Q(ended_at__gte=models.F("started_at")), name="hold_ends_after_start"
            ),
            ClinicForeignKey(field="point", name="treatment_hold_point_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"Hold {self.number} on {self.point}"

    @property
    def seconds(self) -> int:
        return hold_seconds(self.started_at, self.ended_at)


def hold_seconds(started_at: datetime.datetime, ended_at: datetime.datetime) -> int:
    """How long a hold lasted, in whole seconds."""
    return round((ended_at - started_at).total_seconds())


class NeedleTechnique(models.TextChoices):
    FAST_IN_OUT = "fast_in_out", "Fast-in fast-out"
    PISTONING = "pistoning", "Pistoning"
    STATIC = "static", "Static (dwell)"


class AdverseEvent(models.TextChoices):
    NONE = "", "None"
    BLEEDING = "bleeding", "Bleeding"
    BRUISING = "bruising", "Bruising"
    FAINTING = "fainting", "Fainting"
    SHARP_PAIN = "sharp_pain", "Sharp pain"
    PNEUMOTHORAX = "pneumothorax", "Suspected pneumothorax"


class NeedleEntry(ClinicScoped, OptionalMapPosition):
    """One muscle needled: the needling site on the body map (optional), the needle, the technique, the count."""

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="needling", db_constraint=False
    )
    muscle = models.CharField(max_length=60)
    side = models.CharField(max_length=5)
    diameter_mm = models.DecimalField(
        max_digits=3, decimal_places=2, validators=[MinValueValidator(0.1), MaxValueValidator(0.5)]
    )
    length_mm = models.PositiveSmallIntegerField(validators=[MinValueValidator(10), MaxValueValidator(125)])
    technique = models.CharField(max_length=12, choices=NeedleTechnique.choices)
    depth_mm = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(125)])
    safe_depth_mm = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="the safe depth over or near the lung where the needle went, for the patient's build, when saved",
    )
    twitch_responses = models.PositiveSmallIntegerField("local twitch responses", default=0)
    dwell_seconds = models.PositiveIntegerField(default=0)
    guided = models.BooleanField("ultrasound guided", default=False)
    clean_technique = models.BooleanField("clean technique confirmed", default=False)
    needles_in = models.PositiveSmallIntegerField()
    needles_out = models.PositiveSmallIntegerField()
    adverse_event = models.CharField(max_length=15, choices=AdverseEvent.choices, blank=True)
    adverse_severity = models.CharField(
        max_length=10, choices=[("", "—"), ("mild", "Mild"), ("moderate", "Moderate"), ("severe", "Severe")], blank=True
    )
    follow_up = models.CharField(max_length=300, blank=True, validators=[validate_line])

    class Meta(ClinicScoped.Meta):
        ordering = ["created_at"]
        verbose_name_plural = "needle entries"
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="session", name="treatment_needleentry_session_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"Dry needling of {self.muscle} ({self.side})"

    @property
    def past_safe_depth(self) -> bool:
        return self.safe_depth_mm is not None and self.depth_mm > self.safe_depth_mm


class TechniqueKind(models.TextChoices):
    PRESSURE = "pressure", "Trigger point pressure release"
    MASSAGE = "massage", "Massage / myotherapy"
    STRETCHING = "stretching", "Assisted stretching"
    VIBRATION = "vibration", "Vibration"
    TENS = "tens", "TENS"
    HEAT = "heat", "Heat"
    COLD = "cold", "Cold"
    EXERCISE = "exercise", "Therapeutic exercise"
    INJECTION = "injection", "Trigger point injection (physician)"


class TechniqueEntry(ClinicScoped):
    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="techniques", db_constraint=False
    )
    kind = models.CharField(max_length=12, choices=TechniqueKind.choices)
    minutes = models.PositiveSmallIntegerField(validators=[MaxValueValidator(240)])
    region = models.CharField(max_length=200, blank=True, validators=[validate_line])
    tens_frequency_hz = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(250)])
    tens_pulse_us = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(500)])
    tens_intensity_ma = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    attended = models.BooleanField(default=True, help_text="one-on-one the whole time (timed codes)")
    muscle = models.CharField(max_length=60, blank=True, help_text="atlas muscle id (injections)")
    electrodes = models.JSONField(
        default=list,
        blank=True,
        help_text="TENS: [{region, view, x, y}] on the body map",
        validators=[JSONTextValidator(max_items=MAX_ELECTRODES, max_text=LINE)],
    )
    substance = models.CharField(
        max_length=120, blank=True, help_text="injections: what was injected", validators=[validate_line]
    )
    dose = models.CharField(
        max_length=60, blank=True, help_text="injections: amount and concentration", validators=[validate_line]
    )
    notes = models.CharField(max_length=300, blank=True, validators=[validate_text])

    class Meta(ClinicScoped.Meta):
        ordering = ["created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="session", name="treatment_techniqueentry_session_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.minutes} min"


class NoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"  # editable; saves check the version so two editors cannot overwrite each other
    SIGNED = "signed", "Signed"  # locked; only amendments (with a reason) follow


class ClinicalNote(ClinicScoped):
    session = ClinicOneToOneField(TreatmentSession, on_delete=models.PROTECT, related_name="note", db_constraint=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="notes", db_constraint=False)
    status = models.CharField(max_length=8, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    subjective = models.TextField(blank=True, max_length=NOTE_SECTION, validators=text_validators(NOTE_SECTION))
    objective = models.TextField(blank=True, max_length=NOTE_SECTION, validators=text_validators(NOTE_SECTION))
    assessment = models.TextField(blank=True, max_length=NOTE_SECTION, validators=text_validators(NOTE_SECTION))
    plan = models.TextField(blank=True, max_length=NOTE_SECTION, validators=text_validators(NOTE_SECTION))
    version = models.PositiveIntegerField(default=1)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(ClinicScoped.Meta):
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="session", name="treatment_clinicalnote_session_clinic_fk"),
            ClinicForeignKey(field="patient", name="treatment_clinicalnote_patient_clinic_fk"),
            models.UniqueConstraint(fields=["clinic", "session"], name="treatment_clinicalnote_session_once"),
        ]

    def __str__(self) -> str:
        return f"Note of {self.session}"


class NoteRevision(ClinicScoped):
    """A kept version of the note: the signed text, then each amendment. Never changed."""

    note = models.ForeignKey(ClinicalNote, on_delete=models.PROTECT, related_name="revisions", db_constraint=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=[("signed", "Signed"), ("amendment", "Amendment")])
    subjective = models.TextField(blank=True, max_length=NOTE_SECTION, validators=text_validators(NOTE_SECTION))
    objective = models.TextField(blank=True, max_length=NOTE_SECTION, validators=text_validators(NOTE_SECTION))
    assessment = models.TextField(blank=True, max_length=NOTE_SECTION, validators=text_validators(NOTE_SECTION))
    plan = models.TextField(blank=True, max_length=NOTE_SECTION, validators=text_validators(NOTE_SECTION))
    reason = models.CharField(max_length=300, blank=True, validators=[validate_line])
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    diff = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="[[kind, line]] from the revision before, computed once when the amendment is made",
    )

    class Meta(ClinicScoped.Meta):
        ordering = ["note", "number"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint("clinic", "note", "number", name="note_revision_number_unique"),
            ClinicForeignKey(field="note", name="treatment_noterevision_note_clinic_fk"),
            ClinicForeignKey(field="patient", name="treatment_noterevision_patient_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.title} of {self.note}"

    @property
    def amendment_number(self) -> int | None:
        """Amendments count 1, 2, 3 per note; the signed text is revision 1, so amendment n is revision n + 1."""
        return self.number - 1 if self.kind == "amendment" else None

    @property
    def title(self) -> str:
        return f"Amendment {self.amendment_number}" if self.kind == "amendment" else "Signed text"

    def text(self) -> str:
        return revision_text(
            subjective=self.subjective, objective=self.objective, assessment=self.assessment, plan=self.plan
        )
