"""Questionnaire responses (every raw answer and the exact score) and the clinic's licensed questionnaire wording."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from knotwork.core.models import ClinicForeignKey, ClinicScoped
from knotwork.core.validators import LINE, PARAGRAPH, JSONTextValidator, validate_line, validate_text
from knotwork.outcomes import scoring


class Instrument(models.TextChoices):
    NPRS = "nprs", "Pain rating (NPRS 0-10)"
    ODI = "odi", "Oswestry Disability Index"
    NDI = "ndi", "Neck Disability Index"
    PSFS = "psfs", "Patient-Specific Functional Scale"


# The version stored with every response: scores of different item sets are never mixed
# (docs/clinical-sources.md#outcome-measures).
INSTRUMENT_VERSIONS: dict[str, str] = {
    Instrument.NPRS: "0-10",
    Instrument.ODI: "2.1a",
    Instrument.NDI: "Vernon-Mior 1991",
    Instrument.PSFS: "Stratford 1995",
}
LICENSED = (Instrument.ODI, Instrument.NDI)


class Occasion(models.TextChoices):
    INTAKE = "intake", "Intake"  # the baseline, before the first treatment
    SESSION = "session", "Session"  # at a treatment session
    CHECK_IN = "check_in", "Check-in"  # between sessions, usually from the patient's private link
    DISCHARGE = "discharge", "Discharge"  # at the end of the course
    OTHER = "other", "Other"


class QuestionnaireText(ClinicScoped):
    """The licensed wording of the ODI or NDI a clinic loaded; the newest upload per instrument is used."""

    instrument = models.CharField(max_length=4, choices=[(i.value, i.label) for i in LICENSED])
    version = models.CharField(max_length=40, validators=[validate_line])
    # Loaded from a file the owner uploads: the model refuses control characters in it like any typed text.
    sections = models.JSONField(
        help_text="[{name, statements: [6 strings]}], one per section in order",
        validators=[JSONTextValidator(max_items=20, max_text=PARAGRAPH)],
    )
    licence_note = models.CharField(
        max_length=500, blank=True, help_text="the clinic's licence or permission", validators=[validate_text]
    )
    filename = models.CharField(max_length=200, blank=True, validators=[validate_line])
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(ClinicScoped.Meta):
        ordering = ["instrument", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} wording, version {self.version}"


class QuestionnaireResponse(ClinicScoped):
    """One questionnaire a patient answered: every raw answer (None = skipped) and the score computed from them."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="questionnaires", db_constraint=False
    )
    instrument = models.CharField(max_length=4, choices=Instrument.choices)
    version = models.CharField(max_length=40)
    occasion = models.CharField(max_length=10, choices=Occasion.choices)
    session = models.ForeignKey(
        "treatment.TreatmentSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questionnaires",
        db_constraint=False,
    )
    plan = models.ForeignKey(
        "plans.TreatmentPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questionnaires",
        db_constraint=False,
    )
    answers = models.JSONField(help_text="one integer per item in order; null for a skipped item")
    activities = models.JSONField(
        default=list,
        blank=True,
        help_text="PSFS: the activity named for each rating",
        validators=[JSONTextValidator(max_items=10, max_text=LINE)],
    )
    wording = models.ForeignKey(
        QuestionnaireText,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="the clinic's licensed wording shown (ODI/NDI); empty when only section names were shown",
        db_constraint=False,
    )
    raw = models.DecimalField(max_digits=7, decimal_places=3)
    maximum = models.PositiveSmallIntegerField()
    percent = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    answered = models.PositiveSmallIntegerField()
    skipped = models.PositiveSmallIntegerField()
    taken_at = models.DateTimeField(default=timezone.now)
    via_link = models.BooleanField(default=False, help_text="answered by the patient through a private link")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(ClinicScoped.Meta):
        ordering = ["-taken_at", "-created_at"]
        indexes = [models.Index(fields=["patient", "instrument", "taken_at"])]
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.CheckConstraint(condition=models.Q(skipped__lte=4), name="questionnaire_skipped_plausible"),
            ClinicForeignKey(field="patient", name="outcomes_questionnaireresponse_patient_clinic_fk"),
            ClinicForeignKey(field="session", name="outcomes_questionnaireresponse_session_clinic_fk"),
            ClinicForeignKey(field="plan", name="outcomes_questionnaireresponse_plan_clinic_fk"),
            ClinicForeignKey(field="wording", name="outcomes_questionnaireresponse_wording_clinic_fk"),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} of {self.patient.chart_number} on {self.taken_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("outcomes:detail", args=[self.public_id])

    @property
    def score(self) -> scoring.Score:
        """The exact score, recomputed from the stored answers (the stored columns are for lists and queries)."""
        return scoring.score(self.instrument, list(self.answers))

    @property
    def value(self) -> float:
        """The number a chart plots: pain 0-10, ODI/NDI percent, PSFS mean."""
        if self.percent is not None:
            return float(self.percent)
        return float(self.raw)

    @property
    def display(self) -> str:
        result = self.score
        if self.instrument == Instrument.PSFS:
            return f"{scoring.round_half_up(result.raw)} / 10"
        if self.instrument == Instrument.NPRS:
            return f"{result.raw} / 10"
        if self.instrument == Instrument.NDI:
            return f"{result.percent_display} (raw {scoring.round_half_up(result.raw)} / 50)"
        return result.percent_display


# Section names (not the licensed statements): docs/clinical-sources.md#oswestry-disability-index and
# #neck-disability-index.
SECTION_NAMES = {
    Instrument.ODI: [
        "Pain intensity",
        "Personal care",
        "Lifting",
        "Walking",
        "Sitting",
        "Standing",
        "Sleeping",
        "Sex life (if applicable)",
        "Social life",
        "Travelling",
    ],
    Instrument.NDI: [
        "Pain intensity",
        "Personal care",
        "Lifting",
        "Reading",
        "Headaches",
        "Concentration",
        "Work",
        "Driving",
        "Sleeping",
        "Recreation",
    ],
}
