"""A course of treatment: what the practitioner and patient aim for, how, and by when."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from knotwork.assessment.models import Technique
from knotwork.core.models import ClinicForeignKey, ClinicScoped
from knotwork.core.validators import LINE, LONG_TEXT, PARAGRAPH, JSONTextValidator, text_validators, validate_line


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"  # the course is under way; appointments and check-ins follow it
    COMPLETED = "completed", "Completed"  # the course ended and was reviewed (responder or not)
    STOPPED = "stopped", "Stopped"  # ended early (patient's choice, referral, red flag)


PLAN_TRANSITIONS = {
    PlanStatus.ACTIVE: {PlanStatus.COMPLETED, PlanStatus.STOPPED},
    PlanStatus.COMPLETED: set(),
    PlanStatus.STOPPED: set(),
}


class TreatmentPlan(ClinicScoped):
    """One course of treatment for one patient, with the clinic's window and session limit when it was made."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="plans", db_constraint=False)
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    diagnosis = models.ForeignKey(
        "assessment.Diagnosis",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        db_constraint=False,
    )
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    starts_on = models.DateField("course starts")
    window_days_min = models.PositiveSmallIntegerField(
        "relief expected from (days)", validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    window_days_max = models.PositiveSmallIntegerField(
        "relief expected by (days)", validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    max_sessions = models.PositiveSmallIntegerField(
        "sessions (at most)", validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    techniques = models.JSONField(
        default=list, blank=True, help_text="assessment.Technique values", validators=[JSONTextValidator(max_text=LINE)]
    )
    notes = models.TextField("plan notes", blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True, validators=[validate_line])
    limits_override = models.CharField(
        "why the clinic's limits were overridden",
        max_length=300,
        blank=True,
        validators=[validate_line],
        help_text="Given when the course starts further in the past or has more sessions than the clinic allows.",
    )

    class Meta(ClinicScoped.Meta):
        ordering = ["-starts_on", "-created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.CheckConstraint(
                condition=Q(window_days_min__lte=F("window_days_max")),
                name="plan_window_ordered",
                violation_error_message="The start of the relief window must not be after its end.",
            ),
            ClinicForeignKey(field="patient", name="plans_treatmentplan_patient_clinic_fk"),
            ClinicForeignKey(field="diagnosis", name="plans_treatmentplan_diagnosis_clinic_fk"),
        ]
        indexes = [
            # Active courses are a few of each patient's and of a clinic's history: the chart and a new session
            # read a patient's active course, the Today page a clinic's (courses ending soon), the nightly sweep all.
            models.Index(
                fields=["patient", "-starts_on"], condition=Q(status=PlanStatus.ACTIVE), name="plan_active_patient_idx"
            ),
            models.Index(
                fields=["clinic", "-starts_on"], condition=Q(status=PlanStatus.ACTIVE), name="plan_active_clinic_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Course from {self.starts_on:%Y-%m-%d} for {self.patient.chart_number}"

    def get_absolute_url(self) -> str:
        return reverse("chart:course", args=[self.public_id])  # the course page, composed on the top floor

    @property
    def ends_on(self) -> datetime.date:
        return self.starts_on + datetime.timedelta(days=self.window_days_max)

    @property
    def technique_labels(self) -> list[str]:
        return [Technique(value).label for value in self.techniques if value in Technique.values]

    @property
    def relief_from(self) -> datetime.date:
        return self.starts_on + datetime.timedelta(days=self.window_days_min)


class GoalMeasure(models.TextChoices):
    PAIN = "pain", "Pain (0-10)"  # lower is better
    ODI = "odi", "Oswestry Disability Index (%)"  # lower is better
    NDI = "ndi", "Neck Disability Index (%)"  # lower is better
    PSFS = "psfs", "Patient-Specific Functional Scale (mean 0-10)"  # higher is better
    RANGE_OF_MOTION = "rom", "Range of motion (degrees)"  # higher is better
    ACTIVITY = "activity", "Activity (patient's own words)"  # met or not, judged with the patient


class Goal(ClinicScoped):
    """A measurable goal of the course: a measure, where the patient starts and where they aim to be."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="goals", db_constraint=False)
    description = models.CharField(
        max_length=300, help_text="e.g. Sit through a one-hour meeting without pain", validators=[validate_line]
    )
    measure = models.CharField(max_length=10, choices=GoalMeasure.choices)
    baseline = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    target = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    met_on = models.DateField(null=True, blank=True)

    class Meta(ClinicScoped.Meta):
        ordering = ["created_at"]
        constraints = [*ClinicScoped.Meta.constraints, ClinicForeignKey(field="plan", name="plans_goal_plan_clinic_fk")]

    def __str__(self) -> str:
        return self.description


class HomeExercise(ClinicScoped):
    """One stretch or exercise of the home program, with its hold time for the patient's timer."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="home_program", db_constraint=False)
    name = models.CharField(max_length=120, validators=[validate_line])
    muscle = models.CharField(max_length=60, blank=True, help_text="atlas muscle id")
    instructions = models.TextField(blank=True, max_length=PARAGRAPH, validators=text_validators(PARAGRAPH))
    hold_seconds = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(300)]
    )
    repetitions = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1), MaxValueValidator(30)])
    times_per_day = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    position = models.PositiveSmallIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta(ClinicScoped.Meta):
        ordering = ["position", "created_at"]
        constraints = [
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="plan", name="plans_homeexercise_plan_clinic_fk"),
        ]

    def __str__(self) -> str:
        return self.name
