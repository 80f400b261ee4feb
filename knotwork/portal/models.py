import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from knotwork.core.models import ClinicScoped


class LinkPurpose(models.TextChoices):
    INTAKE = "intake", "Intake form"  # the patient fills the intake before the visit
    CONSENT = "consent", "Consent form"  # the patient reads and signs one technique's consent
    CHECK_IN = "check_in", "Check-in after a session"  # one check-in (soreness, pain, new symptoms)
    CARE = "care", "Care page"  # reusable until it expires: appointments, questionnaires, diary, home program


REUSABLE_PURPOSES = {LinkPurpose.CARE}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class PatientLink(ClinicScoped):
    """A private, expiring link that lets one patient fill one form without an account.

    Only a hash of the token is stored: the link itself is shown once to staff (and emailed), so a copy of
    the database does not open anyone's forms.
    """

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="links")
    purpose = models.CharField(max_length=10, choices=LinkPurpose.choices)
    last_used_at = models.DateTimeField(null=True, blank=True, help_text="care pages: the patient's latest visit")
    technique = models.CharField(max_length=30, blank=True)
    intake = models.ForeignKey("assessment.Intake", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    check_in = models.ForeignKey(
        "followup.CheckIn", on_delete=models.PROTECT, null=True, blank=True, related_name="links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="empty when Knotwork sent it on its own (check-ins)",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link for {self.patient.chart_number}"

    @property
    def state(self) -> str:
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"
