import uuid
from datetime import timedelta

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from knotwork.clinics.models import Role
from knotwork.core import tokens
from knotwork.core.validators import validate_line

INVITATION_VALID_FOR = timedelta(days=7)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A staff user who signs in with an email address."""

    username = None
    email = models.EmailField("email address", unique=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # When the last "your sign-in was locked" email went out: one per cool-off, however many addresses lock.
    lockout_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


def _token() -> str:
    # Named by migration 0001 (the plain-text column it made); invitations now keep only a hash (token_hash).
    return tokens.new_token()


def _expiry():
    return timezone.now() + INVITATION_VALID_FOR


def invitation_token(invitation: "Invitation") -> str:
    """The invitation's token: a keyed hash of its public id, so the task that emails it needs only its id.

    The database keeps the token's hash only; the token can be made again only with SECRET_KEY (knotwork.core.tokens).
    """
    return tokens.derive_token("knotwork.accounts.Invitation", invitation.public_id)


class Invitation(models.Model):
    """An owner's invitation for a new staff member to join the clinic with a role.

    Only a hash of the token is stored, so a copy of the database lets nobody join a clinic.
    """

    public_id = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, db_index=True, editable=False)
    invited_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "token_hash"], name="accounts_invitation_token_hash_key"),
            models.UniqueConstraint(fields=["clinic", "public_id"], name="accounts_invitation_public_id_key"),
            models.UniqueConstraint(fields=["clinic", "id"], name="accounts_invitation_clinic_key"),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} ({self.get_role_display()})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class CodeFailure(models.Model):
    """One wrong authenticator code for an account, from any address.

    The lockout of django-axes counts per address and account; this count spans every address, so someone who has
    the password cannot go on guessing codes from many addresses (`CODE_FAILURE_ACCOUNT_LIMIT` per cool-off).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="code_failures")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"wrong code for user {self.user_id} at {self.at:%Y-%m-%d %H:%M}"


class ApiScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


# The parts of the API a key may be limited to: the first segment of the address after /api/v1/.
API_RESOURCES = {
    "patients": "Patients (and their questionnaires and diary)",
    "appointments": "Appointments and availability",
    "assessment": "Intakes, safety screens, consents, examinations and diagnoses",
    "plans": "Treatment plans, goals and courses",
    "treatment": "Sessions, holds and notes",
    "followup": "Check-ins after sessions and follow-up flags",
    "atlas": "The muscle atlas and the referral ranking",
    "codes": "Code search (ICD-10-CM)",
    "billing": "Invoices and payments",
    "documents": "Documents",
    "fhir": "FHIR R4 (/fhir/r4/)",
}
API_KEY_ROLES = ("practitioner", "front_desk")  # never owner: an owner's powers stay behind a second factor


class ApiKey(models.Model):
    """An integration's key to the JSON API of one clinic, acting as its own named user with one role.

    The key is shown once when it is made; the database keeps its SHA-256 only (knotwork.core.tokens) and its
    first characters (`prefix`) to look it up and to name it in the audit trail. Every call with the key goes
    through the same services and policy as the browser, as the key's own user: the policy, the audit trail and
    a signed note all name the key, never a person who did not act.
    """

    public_id = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="api_keys")
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="api_key", editable=False)
    name = models.CharField(max_length=100, validators=[validate_line])
    scope = models.CharField(max_length=5, choices=ApiScope.choices, default=ApiScope.READ)
    resources = models.JSONField(
        default=list, blank=True, help_text="the parts of the API the key may use; empty for all of them"
    )
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, db_index=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "key_hash"], name="accounts_apikey_key_hash_key"),
            models.UniqueConstraint(fields=["clinic", "public_id"], name="accounts_apikey_public_id_key"),
            models.UniqueConstraint("clinic", "name", name="api_key_name_unique_per_clinic"),
            models.UniqueConstraint(fields=["clinic", "id"], name="accounts_apikey_clinic_key"),
        ]

    def __str__(self) -> str:
        return f"API key “{self.name}” ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, resource: str) -> bool:
        return not self.resources or resource in self.resources
