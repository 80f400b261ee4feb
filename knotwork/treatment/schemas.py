import datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema

from knotwork.treatment.models import Answer, Tool


class HoldIn(Schema):
    started_at: datetime.datetime
    ended_at: datetime.datetime
    level: Decimal = Field(..., ge=0, le=100)
    measured: bool = False
    tool: Tool
    answer: Answer


class HoldOut(Schema):
    number: int
    seconds: int
    level: Decimal
    tool: str
    answer: str
    suggested_level: Decimal | None
    followed_suggestion: bool | None


class PointOut(Schema):
    id: UUID = Field(..., alias="public_id")
    muscle: str
    side: str
    released: str
    holds: list[HoldOut]

    @staticmethod
    def resolve_holds(obj) -> list:
        return list(obj.holds.order_by("number"))
