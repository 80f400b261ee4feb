"""The calendar's drag-and-drop and keyboard move, and the booking form's patient picker (both for the script)."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from knotwork.audit.services import record_views
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.errors import ClinicRuleError
from knotwork.scheduling import selectors, services
from knotwork.scheduling.forms import CalendarMoveForm, PatientSearchForm

PROBLEM = "application/problem+json"


def _problem(status: int, title: str, detail: str) -> JsonResponse:
    return JsonResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail}, status=status, content_type=PROBLEM
    )


@clinic_member()
@require_POST
def move(request: ClinicRequest, public_id):
    """Move an appointment to the date, time and practitioner posted (clinic time); JSON either way.

    A refusal (a clash, time off, outside working hours, a finished appointment) answers 409 with the reason in
    `detail`, a malformed post 422; the calendar puts the block back and reads the reason out."""
    appointment = selectors.get_appointment(request.user, public_id)
    form = CalendarMoveForm(request.POST, user=request.user, clinic=request.clinic)
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label if name in form.fields else 'Move'}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        ]
        return _problem(422, "Invalid input", " ".join(problems))
    data = form.cleaned_data
    try:
        appointment = services.move_appointment(
            appointment=appointment,
            starts_at=data["starts_at"],
            by=request.user,
            practitioner=data["practitioner"].user,
            allow_outside_hours=data["allow_outside_hours"],
        )
    except ClinicRuleError as error:
        return _problem(409, "Not moved", str(error))
    text = f"Moved to {services.local_when_text(appointment.starts_at, request.clinic)}"
    if appointment.practitioner_id != request.user.pk:
        text += f" with {selectors.practitioner_name(appointment.practitioner)}"
    messages.success(request, text + ".")
    return JsonResponse({"detail": text + "."})


@clinic_member(may="book_appointment")
@require_POST
def patient_search(request: ClinicRequest):
    """The patients matching what was typed in the booking form's picker, as options of its list box.

    The term travels in the post body, never in an address; every patient listed is recorded as viewed."""
    form = PatientSearchForm(request.POST)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    patients = selectors.search_patients_to_book(request.user, query)
    record_views(instances=patients, by=request.user, shown_in="booking patient picker")
    context = {"patients": patients, "query": query, "too_short": len(query) < 2, "form_errors": form.errors}
    return render(request, "scheduling/components/patient_options.html", context)
