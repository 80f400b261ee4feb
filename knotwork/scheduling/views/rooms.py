"""The clinic's rooms and shared resources (the owner keeps the list)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.errors import ClinicRuleError
from knotwork.scheduling import selectors, services
from knotwork.scheduling.forms import RoomForm


@clinic_member(may="create_room")
@require_http_methods(["GET", "POST"])
def rooms(request: ClinicRequest):
    form = RoomForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_room(clinic=request.clinic, name=form.cleaned_data["name"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        except ClinicRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Room added.")
            return redirect("scheduling:rooms")
    context = {"form": form, "rooms": selectors.list_rooms(request.user)}
    return render(request, "scheduling/room_list.html", context)


@clinic_member(may="update_room")
@require_http_methods(["GET", "POST"])
def room_edit(request: ClinicRequest, public_id):
    room = selectors.get_room(request.user, public_id)
    form = RoomForm(request.POST or None, instance=room)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_room(room=room, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        except ClinicRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Room saved. Appointments already booked in it keep it.")
            return redirect("scheduling:rooms")
    room.refresh_from_db()
    return render(request, "scheduling/room_form.html", {"form": form, "room": room})
