from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from knotwork.clinics.models import ClinicSettings, Membership
from knotwork.core.models import clinic_id_of


def get_clinic_settings(user) -> ClinicSettings:
    return get_object_or_404(ClinicSettings.objects.select_related("clinic"), clinic_id=clinic_id_of(user))


def list_members(user) -> QuerySet[Membership]:
    clinic_id = clinic_id_of(user)
    if clinic_id is None:
        return Membership.objects.none()
    return Membership.objects.filter(clinic_id=clinic_id).select_related("user").order_by("-is_active", "user__email")


def get_member(user, public_id) -> Membership:
    return get_object_or_404(list_members(user), public_id=public_id)
