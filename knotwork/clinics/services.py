"""The one way to change clinics, their settings and memberships."""

from typing import TypedDict, Unpack

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from knotwork.clinics.models import Clinic, ClinicSettings, Membership, Role
from knotwork.core.arguments import refuse_unknown
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


class SettingsChanges(TypedDict, total=False):
    """What an owner may change on the settings page: the clinic's time zone and its ClinicSettings."""

    time_zone: str
    hold_seconds_min: int
    hold_seconds_max: int
    course_window_days_min: int
    course_window_days_max: int
    course_max_sessions: int
    plan_backdate_days_max: int
    follow_up_gap_days_min: int
    soreness_fade_hours_min: int
    soreness_fade_hours_max: int
    soreness_flag_threshold: int
    responder_points: int
    responder_percent: int
    odi_important_change: int
    ndi_important_change: int
    psfs_important_change: int
    reminder_hours_before: int
    patient_change_notice_hours: int
    session_timeout_minutes: int
    billing_method: str
    medicare_codes: bool


@transaction.atomic
def update_clinic_settings(*, clinic: Clinic, by: Actor, **changes: Unpack[SettingsChanges]) -> ClinicSettings:
    """Change the settings given; those left out keep their value."""
    require(by, "change_clinic_settings", clinic)
    refuse_unknown("update_clinic_settings", changes, SettingsChanges)
    clinic_settings = ClinicSettings.objects.select_for_update().get(clinic=clinic)
    if "time_zone" in changes and changes["time_zone"] != clinic.time_zone:  # an old name kept is not re-checked
        clinic.time_zone = changes["time_zone"]
        clinic.full_clean()
        clinic.save(update_fields=["time_zone"])
    for field, value in changes.items():
        if field != "time_zone":
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
    if isinstance(by, AbstractBaseUser) and membership.user_id == by.pk:
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
