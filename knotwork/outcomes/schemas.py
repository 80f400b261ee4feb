import datetime
from typing import Annotated
from uuid import UUID

from ninja import Field, Schema
from pydantic import StringConstraints

from knotwork.core.validators import Line
from knotwork.outcomes.models import Instrument, Occasion
from knotwork.outcomes.services import ACTIVITY_MAX_LENGTH


class QuestionnaireIn(Schema):
    instrument: Instrument
    occasion: Occasion = Occasion.OTHER
    answers: list[int | None] = Field(
        ..., max_length=10, description="one whole number per item in order; null for a skipped item"
    )
    activities: list[Annotated[Line, StringConstraints(max_length=ACTIVITY_MAX_LENGTH)]] = Field(
        default_factory=list, max_length=5, description="PSFS only: the activity each rating is for"
    )
    session: UUID | None = Field(None, description="the treatment session it was taken at")
    plan: UUID | None = Field(None, description="the course (treatment plan) it belongs to")
    taken_at: datetime.datetime | None = Field(None, description="when it was answered; now when left out")


class ScoreOut(Schema):
    raw: float
    maximum: int
    percent: float | None
    band: str
    answered: int
    skipped: int


class QuestionnaireOut(Schema):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    instrument: Instrument
    version: str
    occasion: Occasion
    taken_at: datetime.datetime
    answers: list[int | None]
    activities: list[str]
    score: ScoreOut
    session: UUID | None
    plan: UUID | None
    via_link: bool

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id

    @staticmethod
    def resolve_score(obj) -> dict:
        return obj.score.as_dict()

    @staticmethod
    def resolve_session(obj) -> UUID | None:
        return obj.session.public_id if obj.session_id else None

    @staticmethod
    def resolve_plan(obj) -> UUID | None:
        return obj.plan.public_id if obj.plan_id else None


class QuestionnaireFilter(Schema):
    instrument: Instrument | None = Field(None, description="only this questionnaire")
