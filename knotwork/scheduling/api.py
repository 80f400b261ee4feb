"""Calendar endpoints: list, book, cancel and move appointments; a practitioner's free slots."""

import datetime
from uuid import UUID

from ninja import Query, Router, Status
from ninja.errors import HttpError

from knotwork.audit.services import record_views
from knotwork.patients.selectors import get_patient
from knotwork.scheduling import clock, selectors, services
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
LONGEST_LIST = datetime.timedelta(days=62)
LONGEST_SLOT_SEARCH = datetime.timedelta(days=31)


@router.get("/appointments", response=list[AppointmentOut], summary="Appointments overlapping a time range")
def list_appointments(request, filters: Query[AppointmentFilter]):
    if filters.end <= filters.start:
        raise HttpError(422, "end must be after start")
    if filters.end - filters.start > LONGEST_LIST:
        raise HttpError(422, "Ask for at most 62 days at a time")
    practitioner = selectors.get_practitioner(request.auth, filters.practitioner).user if filters.practitioner else None
    appointments = list(
        selectors.list_appointments(
            request.auth, start=filters.start, end=filters.end, practitioner=practitioner
        ).select_related("practitioner__membership", "plan")
    )
    record_views(instances=appointments, by=request.auth, shown_in="API")
    return appointments


@router.post("/appointments", response={201: AppointmentOut}, summary="Book an appointment")
def book_appointment(request, payload: AppointmentIn):
    appointment = services.book_appointment(
        patient=get_patient(request.auth, payload.patient),
        practitioner=selectors.get_practitioner(request.auth, payload.practitioner).user,
        appointment_type=selectors.get_appointment_type(request.auth, payload.appointment_type),
        starts_at=payload.starts_at,
        by=request.auth,
        notes=payload.notes,
        allow_outside_hours=payload.allow_outside_hours,
    )
    return Status(201, appointment)


@router.post(
    "/appointments/{uuid:appointment_id}/actions/cancel", response=AppointmentOut, summary="Cancel an appointment"
)
def cancel_appointment(request, appointment_id: UUID, payload: CancelIn):
    appointment = selectors.get_appointment(request.auth, appointment_id)
    return services.cancel_appointment(appointment=appointment, by=request.auth, reason=payload.reason)


@router.post("/appointments/{uuid:appointment_id}/actions/move", response=AppointmentOut, summary="Move an appointment")
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
