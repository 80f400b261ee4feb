"""The one scoping mechanism for clinical data: every clinical row carries its clinic."""

import uuid
from typing import Self

from django.db import models


def clinic_id_of(user) -> int | None:
    """Return the clinic id of an active staff user, or None for anyone else."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    membership = getattr(user, "membership", None)
    if membership is None or not membership.is_active:
        return None
    return membership.clinic_id


class ClinicScopedQuerySet(models.QuerySet):
    def for_user(self, user) -> Self:
        """Rows of the user's clinic; nothing at all for a user without an active membership."""
        clinic_id = clinic_id_of(user)
        if clinic_id is None:
            return self.none()
        return self.filter(clinic_id=clinic_id)


class ClinicScoped(models.Model):
    """Base for every clinical model: a clinic key, a public UUID and timestamps."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+", editable=False)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClinicScopedQuerySet.as_manager()

    class Meta:
        abstract = True
