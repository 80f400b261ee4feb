"""Working hours, time off and appointment types."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from knotwork.core import policy
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.errors import ClinicRuleError
from knotwork.scheduling import selectors, services
from knotwork.scheduling.forms import (
    AppointmentTypeForm,
    TimeOffForm,
    WorkingHoursForm,
)
from knotwork.scheduling.views.links import chosen_practitioner


def _may_edit_availability(request: ClinicRequest, member) -> bool:
    return policy.can(request.user, "set_working_hours", member.user)


@clinic_member()
@require_http_methods(["GET", "POST"])
def availability(request: ClinicRequest):
    """Weekly working hours and time off of one practitioner; your own, or anyone's for the owner."""
    clinic = request.clinic
    practitioners = list(selectors.list_practitioners(request.user))
    member = chosen_practitioner(practitioners, request.GET.get("practitioner"))
    if member is None:
        member = next((m for m in practitioners if m.user_id == request.user.pk), None) or (
            practitioners[0] if practitioners else None
        )
    if member is None:
        return render(request, "scheduling/availability.html", {"member": None, "practitioners": []})
    practitioner = member.user
    can_edit = _may_edit_availability(request, member)
    action = request.POST.get("action")
    hours = list(selectors.list_working_hours(request.user, practitioner=practitioner))
    hours_form = WorkingHoursForm(
        request.POST if action == "hours" else None, initial=WorkingHoursForm.initial_from(hours), prefix="wh"
    )
    off_form = TimeOffForm(request.POST if action == "time_off" else None, clinic=clinic, prefix="off")
    here = f"{reverse('scheduling:availability')}?{urlencode({'practitioner': str(member.public_id)})}"
    if request.method == "POST":
        if not can_edit:
            messages.error(
                request, "You can change your own working hours and time off; the owner can change anyone's."
            )
            return redirect(here)
        try:
            if action == "hours" and hours_form.is_valid():
                services.set_working_hours(
                    practitioner=practitioner, clinic=clinic, hours=hours_form.cleaned_data["hours"], by=request.user
                )
                messages.success(request, "Working hours saved.")
                return redirect(here)
            if action == "time_off" and off_form.is_valid():
                data = off_form.cleaned_data
                time_off = services.add_time_off(
                    practitioner=practitioner,
                    clinic=clinic,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    reason=data["reason"],
                    by=request.user,
                )
                messages.success(request, "Time off added.")
                clashing = selectors.clashes(
                    practitioner=practitioner, starts_at=time_off.starts_at, ends_at=time_off.ends_at
                ).count()
                if clashing:
                    messages.warning(
                        request,
                        f"{clashing} booked appointment(s) fall in this time off. Open the calendar to move them.",
                    )
                return redirect(here)
        except ClinicRuleError as problem:
            (hours_form if action == "hours" else off_form).add_error(None, str(problem))
    context = {
        "member": member,
        "practitioner_name": selectors.practitioner_name(practitioner),
        "practitioners": practitioners,
        "can_edit": can_edit,
        "hours": hours,
        "hours_form": hours_form,
        "off_form": off_form,
        "time_off": [
            (item, services.time_off_text(item, clinic))
            for item in selectors.list_time_off(request.user, practitioner=practitioner, since=timezone.now())
        ],
        "time_zone": clinic.time_zone,
    }
    return render(request, "scheduling/availability.html", context)


@clinic_member()
@require_POST
def time_off_delete(request: ClinicRequest, public_id):
    time_off = selectors.get_time_off(request.user, public_id)
    member = next(
        (m for m in selectors.list_practitioners(request.user) if m.user_id == time_off.practitioner_id), None
    )
    try:
        services.remove_time_off(time_off=time_off, by=request.user)
    except ClinicRuleError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Time off removed.")
    query = urlencode({"practitioner": str(member.public_id)}) if member else ""
    return redirect(f"{reverse('scheduling:availability')}?{query}")


@clinic_member(may="create_appointment_type")
@require_http_methods(["GET", "POST"])
def appointment_types(request: ClinicRequest):
    form = AppointmentTypeForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_appointment_type(
                clinic=request.clinic,
                name=form.cleaned_data["name"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                colour=form.cleaned_data["colour"],
                needs_room=form.cleaned_data["needs_room"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        except ClinicRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Appointment type added.")
            return redirect("scheduling:types")
    types = selectors.list_appointment_types(request.user)
    return render(request, "scheduling/appointmenttype_list.html", {"form": form, "types": types})


@clinic_member(may="update_appointment_type")
@require_http_methods(["GET", "POST"])
def appointment_type_edit(request: ClinicRequest, public_id):
    appointment_type = selectors.get_appointment_type(request.user, public_id)
    form = AppointmentTypeForm(request.POST or None, instance=appointment_type)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_appointment_type(appointment_type=appointment_type, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        except ClinicRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Appointment type saved. Booked appointments keep their length.")
            return redirect("scheduling:types")
    appointment_type.refresh_from_db()
    return render(request, "scheduling/appointmenttype_form.html", {"form": form, "type": appointment_type})
