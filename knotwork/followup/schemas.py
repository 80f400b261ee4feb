"""What the follow-up API shows: check-ins with their answers, flags with their resolution, the pain diary."""

import datetime
from uuid import UUID

from django.utils import timezone
from ninja import Field, Schema

from knotwork.core.validators import Text
from knotwork.followup.models import CheckInStatus, FlagKind, FlagStatus, NeuroSymptom


def _public_id(related) -> UUID | None:
    return related.public_id if related is not None else None


class CheckInOut(Schema):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    session: UUID = Field(..., description="the treatment session it follows")
    plan: UUID | None = Field(None, description="the course the session belongs to")
    hours_after: int = Field(..., description="hours after the session it was due")
    is_last: bool = Field(..., description="the later check-in, where lasting soreness raises a flag")
    due_at: datetime.datetime
    status: CheckInStatus
    missed: bool = Field(..., description="not answered within a day of its time (its link has closed)")
    sent_at: datetime.datetime | None
    answered_at: datetime.datetime | None
    soreness: int | None = Field(None, description="0 to 10; null until answered")
    pain: int | None = Field(None, description="0 to 10; null until answered")
    neuro_symptoms: list[NeuroSymptom]
    adverse_event: str
    new_symptom: str
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id

    @staticmethod
    def resolve_session(obj) -> UUID:
        return obj.session.public_id

    @staticmethod
    def resolve_plan(obj) -> UUID | None:
        return _public_id(obj.plan)

    @staticmethod
    def resolve_missed(obj) -> bool:
        return obj.is_missed(timezone.now())

    @staticmethod
    def resolve_neuro_symptoms(obj) -> list[str]:
        return [value for value in obj.neuro_symptoms if value in NeuroSymptom.values]


class FlagOut(Schema):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    kind: FlagKind
    kind_label: str = Field(..., description="the kind in words")
    detail: str
    check_in: UUID | None = Field(None, description="the check-in whose answer raised it")
    plan: UUID | None = Field(None, description="the course it concerns")
    status: FlagStatus
    resolved_at: datetime.datetime | None
    resolution: str = Field(..., description="what the clinician did about it; empty while open")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_check_in(obj) -> UUID | None:
        return _public_id(obj.check_in)

    @staticmethod
    def resolve_plan(obj) -> UUID | None:
        return _public_id(obj.plan)


class FlagFilter(Schema):
    status: FlagStatus | None = Field(None, description="open or resolved; both when left out")


class FlagResolveIn(Schema):
    resolution: Text = Field(
        ..., min_length=1, max_length=1000, description="what was done (for example: phoned the patient, advised rest)"
    )


class DiaryEntryOut(Schema):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    recorded_on: datetime.date = Field(..., description="the day the patient wrote about")
    pain: int = Field(..., description="0 to 10")
    note: str
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id
