"""Calendar endpoints: list, book, cancel and move appointments; a practitioner's free slots.

A booking made with an API key is recorded as booked through the API (`source="api"`), as the calendar shows it.
"""

import datetime
from uuid import UUID

from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from knotwork.audit.services import record_view
from knotwork.patients.api import AuditedCursorPagination
from knotwork.patients.selectors import get_patient
from knotwork.scheduling import clock, selectors, services
from knotwork.scheduling.models import AppointmentSource
from knotwork.scheduling.schemas import (
    AppointmentFilter,
    AppointmentIn,
    AppointmentOut,
    CancelIn,
    FreeSlotsFilter,
    FreeSlotsOut,
    MoveIn,
)

router = Router(tags=["scheduling"])
LONGEST_SLOT_SEARCH = datetime.timedelta(days=31)
# Both ends of time the calendar knows: the list with no range asks for every appointment between them.
EARLIEST = datetime.datetime.combine(clock.FIRST_DAY, datetime.time(), tzinfo=datetime.UTC)
LATEST = datetime.datetime.combine(clock.LAST_DAY, datetime.time.max, tzinfo=datetime.UTC)


class AppointmentPages(AuditedCursorPagination):
    """A range (start..end) is a calendar's read: its pages follow the start time, so a page of a busy clinic's
    week is read from the start-time index and costs the same as a quiet one's. Without a range the list is the
    copy-in-step list of every other endpoint, oldest change first."""

    def order_field(self, params: dict) -> str:
        filters = params.get("filters")
        return "starts_at" if filters is not None and filters.start is not None else "updated_at"


@router.get(
    "/appointments",
    response=list[AppointmentOut],
    operation_id="listAppointments",
    summary="Appointments: overlapping start..end in start order, or all of them oldest change first; cursor pages",
)
@paginate(AppointmentPages)
def list_appointments(request, filters: Query[AppointmentFilter]):
    if (filters.start is None) != (filters.end is None):
        raise HttpError(422, "Give both start and end, or neither.")
    if filters.start is not None and filters.end is not None and filters.end <= filters.start:
        raise HttpError(422, "end must be after start")
    practitioner = selectors.get_practitioner(request.auth, filters.practitioner).user if filters.practitioner else None
    patient = get_patient(request.auth, filters.patient) if filters.patient else None
    return selectors.list_appointments(
        request.auth,
        start=filters.start or EARLIEST,
        end=filters.end or LATEST,
        practitioner=practitioner,
        patient=patient,
    ).select_related("practitioner__membership", "plan")


@router.post(
    "/appointments",
    response={201: AppointmentOut},
    operation_id="bookAppointment",
    summary="Book an appointment (with an API key it is recorded as booked through the API)",
)
def book_appointment(request, payload: AppointmentIn):
    appointment = services.book_appointment(
        patient=get_patient(request.auth, payload.patient),
        practitioner=selectors.get_practitioner(request.auth, payload.practitioner).user,
        appointment_type=selectors.get_appointment_type(request.auth, payload.appointment_type),
        starts_at=payload.starts_at,
        by=request.auth,
        notes=payload.notes,
        allow_outside_hours=payload.allow_outside_hours,
        source=AppointmentSource.API if getattr(request, "api_key", None) is not None else AppointmentSource.STAFF,
    )
    return Status(201, appointment)


@router.get(
    "/appointments/{uuid:appointment_id}",
    response=AppointmentOut,
    operation_id="getAppointment",
    summary="One appointment (the read is audited)",
)
def get_appointment(request, appointment_id: UUID):
    appointment = selectors.get_appointment(request.auth, appointment_id)
    record_view(instance=appointment, by=request.auth, shown_in="API")
    return appointment


@router.post(
    "/appointments/{uuid:appointment_id}/actions/cancel",
    response=AppointmentOut,
    operation_id="cancelAppointment",
    summary="Cancel an appointment",
)
def cancel_appointment(request, appointment_id: UUID, payload: CancelIn):
    appointment = selectors.get_appointment(request.auth, appointment_id)
    return services.cancel_appointment(appointment=appointment, by=request.auth, reason=payload.reason)


@router.post(
    "/appointments/{uuid:appointment_id}/actions/move",
    response=AppointmentOut,
    operation_id="moveAppointment",
    summary="Move an appointment",
)
def move_appointment(request, appointment_id: UUID, payload: MoveIn):
    appointment = selectors.get_appointment(request.auth, appointment_id)
    practitioner = selectors.get_practitioner(request.auth, payload.practitioner).user if payload.practitioner else None
    return services.move_appointment(
        appointment=appointment,
        starts_at=payload.starts_at,
        by=request.auth,
        practitioner=practitioner,
        allow_outside_hours=payload.allow_outside_hours,
    )


@router.get(
    "/practitioners/{uuid:practitioner_id}/free-slots",
    response=FreeSlotsOut,
    operation_id="listFreeSlots",
    summary="Start times a practitioner is free for an appointment type",
)
def free_slots(request, practitioner_id: UUID, filters: Query[FreeSlotsFilter]):
    member = selectors.get_practitioner(request.auth, practitioner_id)
    appointment_type = selectors.get_appointment_type(request.auth, filters.appointment_type)
    if filters.ends_on < filters.starts_on:
        raise HttpError(422, "to must not be before from")
    if not (filters.starts_on >= clock.FIRST_DAY and filters.ends_on <= clock.LAST_DAY):
        raise HttpError(422, "Ask for dates between 2000 and 2199")
    if filters.ends_on - filters.starts_on > LONGEST_SLOT_SEARCH:
        raise HttpError(422, "Ask for at most 31 days at a time")
    slots = selectors.list_free_slots(
        practitioner=member.user,
        appointment_type=appointment_type,
        starts_on=filters.starts_on,
        ends_on=filters.ends_on,
    )
    return {"time_zone": member.clinic.time_zone, "slots": slots}
