"""The one way to change clinics, their settings and memberships."""

from django.db import transaction
from django.utils import timezone

from knotwork.clinics.models import Clinic, ClinicSettings, Membership, Role
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require


@transaction.atomic
def create_clinic(*, name: str, phone: str = "", email: str = "", address: str = "", by: Actor) -> Clinic:
    require(by, "create_clinic")
    clinic = Clinic(name=name, phone=phone, email=email, address=address)
    clinic.full_clean()
    clinic.save()
    ClinicSettings.objects.create(clinic=clinic)
    return clinic


@transaction.atomic
def update_clinic_settings(*, clinic: Clinic, by: Actor, values: dict) -> ClinicSettings:
    require(by, "change_clinic_settings", clinic)
    clinic_settings = ClinicSettings.objects.select_for_update().get(clinic=clinic)
    values = dict(values)
    if "time_zone" in values:
        clinic.time_zone = values.pop("time_zone")
        clinic.full_clean()
        clinic.save(update_fields=["time_zone"])
    for field, value in values.items():
        setattr(clinic_settings, field, value)
    clinic_settings.full_clean()
    clinic_settings.save()
    return clinic_settings


@transaction.atomic
def add_member(*, clinic: Clinic, user, role: str, by: Actor) -> Membership:
    require(by, "add_member", clinic)
    membership = Membership(clinic=clinic, user=user, role=role)
    membership.full_clean()
    membership.save()
    _sync_admin_flag(membership)
    return membership


def _other_active_owners(membership: Membership) -> bool:
    return (
        Membership.objects.filter(clinic_id=membership.clinic_id, role=Role.OWNER, is_active=True)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def change_role(*, membership: Membership, role: str, by: Actor) -> Membership:
    require(by, "change_staff_role", membership)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.OWNER and role != Role.OWNER and not _other_active_owners(membership):
        raise ClinicRuleError("A clinic needs at least one active owner: make someone else an owner first.")
    membership.role = role
    membership.full_clean()
    membership.save()
    _sync_admin_flag(membership)
    return membership


@transaction.atomic
def deactivate_member(*, membership: Membership, by: Actor) -> Membership:
    require(by, "deactivate_staff", membership)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.user_id == by.pk:
        raise ClinicRuleError("You cannot deactivate your own account.")
    if membership.role == Role.OWNER and not _other_active_owners(membership):
        raise ClinicRuleError("A clinic needs at least one active owner.")
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save()
    user = membership.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    _sync_admin_flag(membership)
    return membership


@transaction.atomic
def reactivate_member(*, membership: Membership, by: Actor) -> Membership:
    require(by, "reactivate_staff", membership)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    membership.is_active = True
    membership.deactivated_at = None
    membership.save()
    user = membership.user
    user.is_active = True
    user.save(update_fields=["is_active"])
    _sync_admin_flag(membership)
    return membership


def _sync_admin_flag(membership: Membership) -> None:
    """Owners, and only active owners, may enter the (clinic-scoped) admin site."""
    user = membership.user
    wants_staff = membership.is_active and membership.role == Role.OWNER
    if user.is_staff != wants_staff and not user.is_superuser:
        user.is_staff = wants_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def set_physician(*, membership: Membership, is_physician: bool, by: Actor) -> Membership:
    """Mark a practitioner or owner as a physician, who alone may record injections."""
    require(by, "mark_physician", membership)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if is_physician and membership.role == Role.FRONT_DESK:
        raise ClinicRuleError("Front-desk staff cannot record injections.")
    membership.is_physician = is_physician
    membership.save(update_fields=["is_physician"])
    return membership
