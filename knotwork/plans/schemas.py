"""The plans API's shapes: a course of treatment, its goals, and what it holds (docs/api.md)."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import StringConstraints

from knotwork.assessment.models import Technique
from knotwork.core.validators import LINE, LONG_TEXT, Line, Text
from knotwork.plans.models import GoalMeasure, PlanStatus
from knotwork.scheduling.selectors import practitioner_name

GoalText = Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
# A goal's baseline and target: six digits with one decimal, as the model keeps them.
GoalNumber = Annotated[Decimal, Field(max_digits=6, decimal_places=1, allow_inf_nan=False)]


class GoalOut(Schema):
    id: UUID = Field(..., alias="public_id")
    description: str
    measure: GoalMeasure
    baseline: Decimal | None
    target: Decimal | None
    met_on: datetime.date | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class GoalIn(Schema):
    description: GoalText
    measure: GoalMeasure
    baseline: GoalNumber | None = None
    target: GoalNumber | None = None


class GoalMetIn(Schema):
    met_on: datetime.date | None = Field(None, description="the day the goal was met; empty for today")


class HomeExerciseOut(Schema):
    id: UUID = Field(..., alias="public_id")
    name: str
    muscle: str
    instructions: str
    hold_seconds: int
    repetitions: int
    times_per_day: int


class PlanSessionOut(Schema):
    """A session of the course, in brief (the session itself: getSession)."""

    id: UUID = Field(..., alias="public_id")
    status: str
    started_at: datetime.datetime = Field(..., alias="created_at")
    ended_at: datetime.datetime | None
    pain_before: int
    pain_after: int | None


class PlanAppointmentOut(Schema):
    """An appointment of the course, in brief (the appointment itself: the appointments operations)."""

    id: UUID = Field(..., alias="public_id")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: str
    appointment_type: str

    @staticmethod
    def resolve_appointment_type(obj) -> str:
        return obj.appointment_type.name


class PlanOut(Schema):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    chart_number: str
    practitioner: UUID = Field(..., description="the treating practitioner's membership id")
    practitioner_name: str
    diagnosis: UUID | None
    status: PlanStatus
    starts_on: datetime.date
    relief_from: datetime.date = Field(..., description="the day relief is expected from (start of the window)")
    ends_on: datetime.date = Field(..., description="the day relief is expected by (end of the window)")
    window_days_min: int
    window_days_max: int
    max_sessions: int
    techniques: list[str]
    notes: str
    limits_override: str = Field(..., description="why the clinic's limits were overridden; empty when they were not")
    end_reason: str
    ended_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

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
    def resolve_diagnosis(obj) -> UUID | None:
        return obj.diagnosis.public_id if obj.diagnosis_id else None


class PlanDetailOut(PlanOut):
    goals: list[GoalOut]
    home_program: list[HomeExerciseOut] = Field(..., description="the stretches given, without those removed")
    sessions: list[PlanSessionOut] = Field(..., description="the course's sessions, newest first")
    appointments: list[PlanAppointmentOut] = Field(..., description="the course's appointments, soonest first")


class PlanIn(Schema):
    starts_on: datetime.date
    techniques: list[Technique] = Field(..., min_length=1, max_length=len(Technique.values))
    practitioner: UUID | None = Field(None, description="the treating practitioner's membership id; empty: you")
    diagnosis: UUID | None = Field(None, description="one of the patient's diagnoses")
    window_days_min: int | None = Field(None, ge=1, le=365, description="empty: the clinic's setting")
    window_days_max: int | None = Field(None, ge=1, le=365, description="empty: the clinic's setting")
    max_sessions: int | None = Field(None, ge=1, le=100, description="empty: the clinic's setting")
    notes: Text = Field("", max_length=LONG_TEXT)
    goals: list[GoalIn] = Field([], max_length=20)
    override_reason: Line = Field(
        "", max_length=LINE, description="why the course goes beyond the clinic's limits, when it does"
    )


class PlanPatch(Schema):
    """Only the fields sent change."""

    starts_on: datetime.date | None = None
    techniques: list[Technique] | None = Field(None, min_length=1, max_length=len(Technique.values))
    window_days_min: int | None = Field(None, ge=1, le=365)
    window_days_max: int | None = Field(None, ge=1, le=365)
    max_sessions: int | None = Field(None, ge=1, le=100)
    notes: Text | None = Field(None, max_length=LONG_TEXT)
    override_reason: Line | None = Field(None, max_length=LINE)


class PlanEndIn(Schema):
    status: Literal["completed", "stopped"] = Field(..., description="completed: reviewed; stopped: ended early")
    reason: Line = Field("", max_length=LINE, description="needed when the course stops early")
    cancel_appointments: bool = Field(True, description="cancel the course's future appointments")
