from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from knotwork.core import tokens
from knotwork.core.models import ClinicForeignKey, ClinicScoped


class LinkPurpose(models.TextChoices):
    INTAKE = "intake", "Intake form"  # the patient fills the intake before the visit
    CONSENT = "consent", "Consent form"  # the patient reads and signs one technique's consent
    CHECK_IN = "check_in", "Check-in after a session"  # one check-in (soreness, pain, new symptoms)
    CARE = "care", "Care page"  # reusable until it expires: appointments, questionnaires, diary, home program
    CONSENTS = "consents", "Consent forms"  # one page with every consent the patient still needs to sign


REUSABLE_PURPOSES = {LinkPurpose.CARE}


def link_token(link: "PatientLink") -> str:
    """The link's token: a keyed hash of its public id, so the task that emails it needs only the link's id.

    Nothing that holds the token is stored (not the task's arguments either): the database keeps the token's
    hash, and the token can be made again only with the installation's SECRET_KEY (see knotwork.core.tokens).
    """
    return tokens.derive_token("knotwork.portal.PatientLink", link.public_id)


def link_url(token: str) -> str:
    """The address the patient is sent; the only one with the token in it (it opens, then redirects)."""
    return settings.KNOTWORK_BASE_URL + reverse("portal:entry", args=[token])


class PatientLink(ClinicScoped):
    """A private, expiring link that lets one patient fill one form without an account.

    Only a hash of the token is stored: the link itself is shown once to staff (and emailed), so a copy of
    the database does not open anyone's forms.
    """

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="links", db_constraint=False)
    purpose = models.CharField(max_length=10, choices=LinkPurpose.choices)
    last_used_at = models.DateTimeField(null=True, blank=True, help_text="care pages: the patient's latest visit")
    technique = models.CharField(max_length=30, blank=True)
    techniques = models.JSONField(
        default=list, blank=True, help_text="consent forms: the techniques (assessment.Technique values) asked for"
    )
    intake = models.ForeignKey(
        "assessment.Intake", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_constraint=False
    )
    check_in = models.ForeignKey(
        "followup.CheckIn", on_delete=models.PROTECT, null=True, blank=True, related_name="links", db_constraint=False
    )
    token_hash = models.CharField(max_length=64, db_index=True)
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

    class Meta(ClinicScoped.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "token_hash"], name="portal_patientlink_token_hash_key"),
            *ClinicScoped.Meta.constraints,
            ClinicForeignKey(field="patient", name="portal_patientlink_patient_clinic_fk"),
            ClinicForeignKey(field="intake", name="portal_patientlink_intake_clinic_fk"),
            ClinicForeignKey(field="check_in", name="portal_patientlink_check_in_clinic_fk"),
        ]

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


# Opening private links with tokens that match none: at most this many per client address in the window.
LINK_GUESSES_ALLOWED = 20
LINK_GUESS_WINDOW = timedelta(minutes=10)


def hash_client_address(address: str) -> str:
    """A keyed hash of a client address: the guessing limit counts clients without keeping their addresses."""
    return salted_hmac("knotwork.portal.LinkLookupFailure", address, algorithm="sha256").hexdigest()


class LinkLookupFailure(models.Model):
    """One private-link address opened from a client that matched no link: guessing is limited per client.

    Not clinic data (no link matched, so no clinic is known): it holds a hash of the client's address and the
    time, never the token tried. Rows older than the window are deleted as new ones come in.
    """

    client = models.CharField(max_length=64)
    failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["client", "failed_at"], name="portal_guess_client_time"),
            models.Index(fields=["failed_at"], name="portal_guess_time"),
        ]

    def __str__(self) -> str:
        return f"Failed link lookup at {self.failed_at:%Y-%m-%d %H:%M}"
