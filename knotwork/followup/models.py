import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from knotwork.core.models import ClinicForeignKey, ClinicScoped
from knotwork.core.validators import validate_text
from knotwork.outcomes.models import Instrument, Occasion


class CheckInStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"  # waiting for its time (hours after the session)
    SENT = "sent", "Sent"  # the patient was sent the private link; waiting for an answer
    ANSWERED = "answered", "Answered"  # the patient answered
    CANCELLED = "cancelled", "Cancelled"  # no longer wanted (session voided, patient asked to stop)


CHECK_IN_TRANSITIONS = {
    CheckInStatus.SCHEDULED: {CheckInStatus.SENT, CheckInStatus.ANSWERED, CheckInStatus.CANCELLED},
    CheckInStatus.SENT: {CheckInStatus.ANSWERED, CheckInStatus.CANCELLED},
    CheckInStatus.ANSWERED: set(),
    CheckInStatus.CANCELLED: set(),
}


class NeuroSymptom(models.TextChoices):
    NUMBNESS = "numbness", "Numbness"
    PINS_AND_NEEDLES = "pins_and_needles", "Pins and needles or tingling"
    WEAKNESS = "weakness", "Weakness in an arm or leg"
    SPREADING = "spreading", "Pain shooting down an arm or leg"


# How long a check-in stays open after its time; unanswered after that, it counts as missed.
CHECK_IN_ANSWER_WINDOW = datetime.timedelta(hours=24)


class CheckIn(ClinicScoped):
    """A short questionnaire sent some hours after a session: soreness, pain, anything new or worrying."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="check_ins", db_constraint=False
    )
    session = models.ForeignKey(
        "treatment.TreatmentSession", on_delete=models.PROTECT, related_name="check_ins", db_constraint=False
    )
    plan = models.ForeignKey(
        "plans.TreatmentPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="check_ins",
        db_constraint=False,
    )
    hours_after = models.PositiveSmallIntegerField()
    is_last = models.BooleanField(default=False, help_text="the later check-in, where lasting soreness raises a flag")
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=CheckInStatus.choices, default=CheckInStatus.SCHEDULED)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    soreness = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(10)])
    pain = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(10)])
    neuro_symptoms = models.JSONField(default=list, blank=True, help_text="NeuroSymptom values")
    adverse_event = models.CharField(
        "something unexpected after treatment", max_length=1000, blank=True, validators=[validate_text]
    )
    new_symptom = models.CharField(
        "other new or worrying symptom", max_length=1000, blank=True, validators=[validate_text]
    )

    class Meta(ClinicScoped.Meta):
        ordering = ["due_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint("clinic", "session", "hours_after", name="one_check_in_per_session_and_hour"),
            models.CheckConstraint(condition=models.Q(soreness__lte=10), name="check_in_soreness_0_10"),
            models.CheckConstraint(condition=models.Q(pain__lte=10), name="check_in_pain_0_10"),
            ClinicForeignKey(field="patient", name="followup_checkin_patient_clinic_fk"),
            ClinicForeignKey(field="session", name="followup_checkin_session_clinic_fk"),
            ClinicForeignKey(field="plan", name="followup_checkin_plan_clinic_fk"),
        ]
        indexes = [
            # The Today page: a clinic's open check-ins around now (only open ones, so the index stays small as
            # the answered history grows); and the worker's sweep of check-ins due to be sent, across clinics.
            models.Index(
                fields=["clinic", "due_at"],
                condition=models.Q(status__in=["scheduled", "sent"]),
                name="check_in_open_due_idx",
            ),
            models.Index(fields=["due_at"], condition=models.Q(status="scheduled"), name="check_in_to_send_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.hours_after} h check-in for {self.patient.chart_number}"

    def is_missed(self, now) -> bool:
        """Not answered within a day of its time (the link has closed)."""
        return (
            self.status in (CheckInStatus.SCHEDULED, CheckInStatus.SENT) and now >= self.due_at + CHECK_IN_ANSWER_WINDOW
        )

    @property
    def status_text(self) -> str:
        return "Missed" if self.is_missed(timezone.now()) else self.get_status_display()

    @property
    def neuro_symptom_labels(self) -> list[str]:
        return [NeuroSymptom(value).label for value in self.neuro_symptoms if value in NeuroSymptom.values]


class FlagKind(models.TextChoices):
    LASTING_SORENESS = "soreness", "Soreness still high at the last check-in"
    NEURO_SYMPTOM = "neuro", "New neurological symptom"
    ADVERSE_EVENT = "adverse", "Adverse event reported"
    WORRYING_SYMPTOM = "symptom", "New or worrying symptom"
    NOT_RESPONDING = "no_response", "Course ended without a response: reassess or refer"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open"  # on the practitioner's dashboard until someone acts
    RESOLVED = "resolved", "Resolved"  # a clinician looked and wrote what they did


class Flag(ClinicScoped):
    """Something a clinician must look at, raised by a check-in or a course review."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="flags", db_constraint=False)
    kind = models.CharField(max_length=12, choices=FlagKind.choices)
    detail = models.CharField(max_length=1000, blank=True, validators=[validate_text])
    check_in = models.ForeignKey(
        CheckIn, on_delete=models.PROTECT, null=True, blank=True, related_name="flags", db_constraint=False
    )
    plan = models.ForeignKey(
        "plans.TreatmentPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_constraint=False
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="whose dashboard shows it first (the treating practitioner)",
    )
    status = models.CharField(max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField("what was done", max_length=1000, blank=True, validators=[validate_text])

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        indexes = [
            # Open flags on the Today page; resolved ones pile up and are read one patient at a time.
            models.Index(fields=["clinic", "-created_at"], condition=models.Q(status="open"), name="flag_open_idx"),
        ]
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="patient", name="followup_flag_patient_clinic_fk"),
            ClinicForeignKey(field="check_in", name="followup_flag_check_in_clinic_fk"),
            ClinicForeignKey(field="plan", name="followup_flag_plan_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.patient.chart_number})"


class DiaryEntry(ClinicScoped):
    """The patient's own pain diary, written through their private link."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="diary", db_constraint=False)
    recorded_on = models.DateField("day")
    pain = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    note = models.CharField(max_length=1000, blank=True, validators=[validate_text])

    class Meta(ClinicScoped.Meta):
        ordering = ["-recorded_on", "-created_at"]
        verbose_name_plural = "diary entries"
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.CheckConstraint(condition=models.Q(pain__lte=10), name="diary_pain_0_10"),
            models.UniqueConstraint("clinic", "patient", "recorded_on", name="one_diary_line_per_day"),
            ClinicForeignKey(field="patient", name="followup_diaryentry_patient_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"Diary {self.recorded_on:%Y-%m-%d} ({self.patient.chart_number})"


class QuestionnaireRequest(ClinicScoped):
    """A questionnaire the clinic asks the patient to fill on their care page (intake, check-in, discharge)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="questionnaire_requests", db_constraint=False
    )
    instrument = models.CharField(max_length=4)  # outcomes.Instrument
    occasion = models.CharField(max_length=10)  # outcomes.Occasion
    plan = models.ForeignKey(
        "plans.TreatmentPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_constraint=False
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    response = models.ForeignKey(
        "outcomes.QuestionnaireResponse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta(ClinicScoped.Meta):
        ordering = ["created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="patient", name="followup_questionnairerequest_patient_clinic_fk"),
            ClinicForeignKey(field="plan", name="followup_questionnairerequest_plan_clinic_fk"),
            ClinicForeignKey(field="response", name="followup_questionnairerequest_response_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} ({self.occasion}) for {self.patient.chart_number}"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.withdrawn_at is None

    @property
    def instrument_label(self) -> str:
        return Instrument(self.instrument).label

    @property
    def occasion_label(self) -> str:
        return Occasion(self.occasion).label
