import datetime
from uuid import UUID

from ninja import Field, Schema

from knotwork.core.api import Moment
from knotwork.core.validators import Line, Text
from knotwork.scheduling.models import AppointmentStatus
from knotwork.scheduling.selectors import practitioner_name


class AppointmentTypeOut(Schema):
    id: UUID = Field(..., alias="public_id")
    name: str
    duration_minutes: int


class AppointmentOut(Schema):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    chart_number: str
    practitioner: UUID = Field(..., description="the practitioner's membership id")
    practitioner_name: str
    appointment_type: AppointmentTypeOut
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: AppointmentStatus
    outside_hours: bool
    notes: str
    cancel_reason: str
    plan: UUID | None

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id

    @staticmethod
    def resolve_chart_number(obj) -> str:
        return obj.patient.chart_number

    @staticmethod
    def resolve_practitioner(obj) -> UUID:
        return obj.practitioner.membership.public_id

    @staticmethod
    def resolve_practitioner_name(obj) -> str:
        return practitioner_name(obj.practitioner)

    @staticmethod
    def resolve_plan(obj) -> UUID | None:
        return obj.plan.public_id if obj.plan_id else None


class AppointmentFilter(Schema):
    start: Moment | None = Field(
        None, description="with end: only appointments overlapping [start, end); all when both are left out"
    )
    end: Moment | None = Field(None, description="with start")
    practitioner: UUID | None = Field(None, description="membership id; all practitioners when left out")
    patient: UUID | None = Field(None, description="one patient's appointments; every patient's when left out")


class AppointmentIn(Schema):
    patient: UUID
    practitioner: UUID = Field(..., description="the practitioner's membership id")
    appointment_type: UUID
    starts_at: Moment = Field(..., description="on a 5-minute mark; any UTC offset")
    notes: Text = Field("", max_length=500)
    allow_outside_hours: bool = False


class MoveIn(Schema):
    starts_at: Moment
    practitioner: UUID | None = Field(None, description="membership id; the same practitioner when left out")
    allow_outside_hours: bool = False


class CancelIn(Schema):
    reason: Line = Field(..., min_length=1, max_length=300)


class FreeSlotsFilter(Schema):
    appointment_type: UUID = Field(..., alias="type")
    starts_on: datetime.date = Field(..., alias="from", description="first local date, inclusive")
    ends_on: datetime.date = Field(..., alias="to", description="last local date, inclusive")


class FreeSlotsOut(Schema):
    time_zone: str
    slots: list[datetime.datetime]
