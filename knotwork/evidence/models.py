"""The evidence settings of a clinic, and the figures the task worker precomputes per clinic and period."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from knotwork.core.models import ClinicScoped

DEFAULT_MINIMUM_COUNT = 10  # Knotwork default, no clinical source: "nobody is judged on three patients" (issue 17)
MIN_POOLED_CLINICS = 3  # pooled figures need this many opted-in clinics, so no clinic's own can be subtracted out


class EvidenceSettings(models.Model):
    """How the clinic's evidence page is shown and shared (one row per clinic, made on first use)."""

    clinic = models.OneToOneField("clinics.Clinic", on_delete=models.CASCADE, related_name="evidence_settings")
    minimum_count = models.PositiveSmallIntegerField(
        "smallest group shown",
        default=DEFAULT_MINIMUM_COUNT,
        validators=[MinValueValidator(5), MaxValueValidator(200)],
        help_text="A rate over fewer courses (or sessions) than this is not shown. Knotwork default 10.",
    )
    pooled = models.BooleanField(
        "share in pooled figures",
        default=False,
        help_text="Add this clinic's counts to the figures pooled across the clinics of this installation that "
        "opted in. Other clinics never see this clinic's figures on their own.",
    )
    refresh_requested_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "evidence settings"
        verbose_name_plural = "evidence settings"
        constraints = [models.UniqueConstraint(fields=["clinic", "id"], name="evidence_evidencesettings_clinic_key")]

    def __str__(self) -> str:
        return f"Evidence settings of {self.clinic}"


class EvidenceSummary(ClinicScoped):
    """One clinic's figures for one period, as counts (pooling adds counts; rates are worked out when shown).

    Aggregate only: no patient's name, id or date is stored here (practitioners are named: the funnel plot is theirs).
    """

    period = models.CharField(max_length=20)  # "all", "last-12-months" or a year ("2025")
    label = models.CharField(max_length=60)
    first_day = models.DateField(null=True, blank=True)
    last_day = models.DateField(null=True, blank=True)
    computed_at = models.DateTimeField()
    figures = models.JSONField(default=dict)

    class Meta(ClinicScoped.Meta):
        ordering = ["clinic", "period"]
        verbose_name_plural = "evidence summaries"
        constraints = [
            *ClinicScoped.Meta.constraints,
            models.UniqueConstraint("clinic", "period", name="one_evidence_summary_per_clinic_period"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.computed_at:%Y-%m-%d %H:%M})"
