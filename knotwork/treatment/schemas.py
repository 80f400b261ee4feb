from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema
from pydantic import AwareDatetime

from knotwork.treatment.models import Answer, Tool


class HoldIn(Schema):
    client_id: UUID | None = Field(None, description="an id the device gives each hold, so a repeated save is ignored")
    started_at: AwareDatetime
    ended_at: AwareDatetime
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
