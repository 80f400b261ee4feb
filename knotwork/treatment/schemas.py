"""The treatment API's shapes: sessions, their points and holds, needling, other techniques, and the note."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import StringConstraints, model_validator

from knotwork.atlas.models import REGION_MAX_LENGTH, BodyView
from knotwork.core.api import Moment
from knotwork.core.validators import LINE, LONG_TEXT, NOTE_SECTION, Line, Text
from knotwork.scheduling.selectors import practitioner_name
from knotwork.treatment.models import (
    MAX_ELECTRODES,
    AdverseEvent,
    Answer,
    GlobalImpression,
    NeedleTechnique,
    NoteStatus,
    Release,
    SessionStatus,
    TechniqueKind,
    Tool,
    hold_seconds,
)

Side = Literal["right", "left"]
# A position on the body map; the atlas decides whether the region is one of its own (the service checks).
Coordinate = Annotated[float, Field(allow_inf_nan=False, ge=-10_000, le=10_000)]
MuscleId = Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Section = Annotated[Text, StringConstraints(max_length=NOTE_SECTION)]


# --- holds and points -----------------------------------------------------------------------


class HoldIn(Schema):
    client_id: UUID | None = Field(None, description="an id the device gives each hold, so a repeated save is ignored")
    started_at: Moment
    ended_at: Moment
    level: Decimal = Field(..., ge=0, le=100)
    measured: bool = False
    tool: Tool
    answer: Answer


class HoldOut(Schema):
    id: UUID = Field(..., alias="public_id")
    number: int
    started_at: datetime.datetime
    ended_at: datetime.datetime
    seconds: int
    level: Decimal
    measured: bool = Field(..., description="level is an algometer reading in kg/cm² (else the 0-10 scale)")
    tool: str
    answer: str
    suggested_level: Decimal | None
    followed_suggestion: bool | None


# What HoldOut reads of a hold's row: its fields by their source names (`seconds` is computed from the two times).
HOLD_COLUMNS = tuple(field.alias or name for name, field in HoldOut.model_fields.items() if name != "seconds")


class PointOut(Schema):
    id: UUID = Field(..., alias="public_id")
    muscle: str
    side: str
    region: str
    view: str
    x: float | None
    y: float | None
    released: str
    holds: list[HoldOut]

    @staticmethod
    def resolve_holds(obj) -> list:
        # The model orders holds by number; a prefetched session's holds are read without a query per point.
        if "holds" in getattr(obj, "_prefetched_objects_cache", {}):
            return list(obj.holds.all())
        # One point's holds (the answer to each hold the tablet saves): read as plain rows, not as models.
        rows = list(obj.holds.values(*HOLD_COLUMNS))
        for row in rows:
            row["seconds"] = hold_seconds(row["started_at"], row["ended_at"])
        return rows


class MapPositionIn(Schema):
    """Where on the body map; leave all four out for the muscle's usual site."""

    region: Annotated[str, StringConstraints(max_length=REGION_MAX_LENGTH)] = ""
    view: BodyView | Literal[""] = ""
    x: Coordinate | None = None
    y: Coordinate | None = None


class PointIn(MapPositionIn):
    muscle: MuscleId = Field(..., description="an atlas muscle id (see listMuscles)")
    side: Side


class ReleaseIn(Schema):
    reason: Release


# --- needling and other techniques ----------------------------------------------------------


class NeedlingIn(MapPositionIn):
    muscle: MuscleId
    side: Side
    diameter_mm: Decimal = Field(..., ge=Decimal("0.1"), le=Decimal("0.5"), max_digits=3, decimal_places=2)
    length_mm: int = Field(..., ge=10, le=125)
    technique: NeedleTechnique
    depth_mm: int = Field(..., ge=1, le=125)
    needles_in: int = Field(..., ge=0, le=1000)
    needles_out: int = Field(..., ge=0, le=1000, description="must equal needles_in")
    twitch_responses: int = Field(0, ge=0, le=1000)
    dwell_seconds: int = Field(0, ge=0, le=86_400)
    guided: bool = Field(False, description="ultrasound guided")
    clean_technique: Literal[True] = Field(..., description="the clean technique is confirmed (required)")
    adverse_event: AdverseEvent = AdverseEvent.NONE
    adverse_severity: Literal["", "mild", "moderate", "severe"] = ""
    follow_up: Line = Field("", max_length=LINE)


class NeedlingOut(Schema):
    id: UUID = Field(..., alias="public_id")
    muscle: str
    side: str
    region: str
    view: str
    x: float | None
    y: float | None
    diameter_mm: Decimal
    length_mm: int
    technique: str
    depth_mm: int
    safe_depth_mm: int | None = Field(..., description="the safe depth where the needle went, when over the lung")
    past_safe_depth: bool
    twitch_responses: int
    dwell_seconds: int
    guided: bool
    clean_technique: bool
    needles_in: int
    needles_out: int
    adverse_event: str
    adverse_severity: str
    follow_up: str
    created_at: datetime.datetime


class ElectrodeIn(Schema):
    region: Annotated[str, StringConstraints(min_length=1, max_length=REGION_MAX_LENGTH)]
    view: BodyView
    x: Coordinate
    y: Coordinate


class TechniqueIn(Schema):
    kind: TechniqueKind = Field(..., description="injection: physicians only")
    minutes: int = Field(..., ge=0, le=240)
    region: Line = Field("", max_length=200)
    attended: bool = Field(True, description="one-on-one the whole time (timed codes)")
    tens_frequency_hz: int | None = Field(None, ge=0, le=250)
    tens_pulse_us: int | None = Field(None, ge=0, le=500)
    tens_intensity_ma: int | None = Field(None, ge=0, le=100)
    muscle: Annotated[Line, StringConstraints(max_length=60)] = Field("", description="injections: atlas muscle id")
    electrodes: list[ElectrodeIn] = Field([], max_length=MAX_ELECTRODES, description="TENS pads on the body map")
    substance: Line = Field("", max_length=120, description="injections: what was injected")
    dose: Line = Field("", max_length=60, description="injections: amount and concentration")
    notes: Text = Field("", max_length=300)


class TechniqueOut(Schema):
    id: UUID = Field(..., alias="public_id")
    kind: str
    minutes: int
    region: str
    attended: bool
    tens_frequency_hz: int | None
    tens_pulse_us: int | None
    tens_intensity_ma: int | None
    muscle: str
    electrodes: list[dict]
    substance: str
    dose: str
    notes: str
    created_at: datetime.datetime


class OverrideIn(Schema):
    technique: Literal["manual_therapy", "dry_needling", "tens", "assisted_stretching", "heat_cold", "injection"] = (
        Field(..., description="the consent and screening technique the override lifts the block of")
    )
    reason: Text = Field(..., min_length=10, max_length=LONG_TEXT, description="the clinical reason")


class SessionOverrideOut(Schema):
    technique: str = Field(..., description="'all': the session started despite a missing screen or a red flag")
    cause: str
    reason: str
    created_at: datetime.datetime


# --- sessions -------------------------------------------------------------------------------


class SessionStartIn(Schema):
    pain_before: int = Field(..., ge=0, le=10)
    soreness_since_last: int | None = Field(None, ge=0, le=10)
    adverse_event_since: Line = Field("", max_length=500)
    override_reason: Text = Field(
        "", max_length=LONG_TEXT, description="needed when the patient has no safety screen or an open red flag"
    )


class SessionRangeOfMotionIn(Schema):
    movement: Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    side: Literal["", "right", "left"] = ""
    degrees: int = Field(..., ge=0, le=360)
    painful: bool = False


class SessionFinishIn(Schema):
    pain_after: int = Field(..., ge=0, le=10)
    global_impression: GlobalImpression | Literal[""] = ""
    range_of_motion: list[SessionRangeOfMotionIn] = Field([], max_length=50)


class SessionOut(Schema):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    chart_number: str
    plan: UUID | None = Field(..., description="the course the session belongs to")
    practitioner: UUID = Field(..., description="the practitioner's membership id")
    practitioner_name: str
    status: SessionStatus
    started_at: datetime.datetime = Field(..., alias="created_at")
    ended_at: datetime.datetime | None
    pain_before: int
    soreness_since_last: int | None
    adverse_event_since: str
    pain_after: int | None
    global_impression: str
    range_of_motion_after: list[dict]
    note: UUID | None = Field(..., description="the note's id once the session is finished")
    updated_at: datetime.datetime

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id

    @staticmethod
    def resolve_chart_number(obj) -> str:
        return obj.patient.chart_number

    @staticmethod
    def resolve_plan(obj) -> UUID | None:
        return obj.plan.public_id if obj.plan_id else None

    @staticmethod
    def resolve_practitioner(obj) -> UUID:
        return obj.practitioner.membership.public_id

    @staticmethod
    def resolve_practitioner_name(obj) -> str:
        return practitioner_name(obj.practitioner)

    @staticmethod
    def resolve_note(obj) -> UUID | None:
        if hasattr(obj, "note_public_id"):  # read with the session (treatment.selectors)
            return obj.note_public_id
        note = getattr(obj, "note", None)  # a session in progress has none (the reverse one-to-one raises)
        return note.public_id if note is not None else None


class SessionDetailOut(SessionOut):
    points: list[PointOut]
    needling: list[NeedlingOut]
    techniques: list[TechniqueOut]
    overrides: list[SessionOverrideOut]


# --- notes ----------------------------------------------------------------------------------


class RevisionOut(Schema):
    number: int
    kind: Literal["signed", "amendment"] = Field(..., description="signed: the text as signed; then amendments")
    title: str
    reason: str = Field(..., description="why the note was amended (empty for the signed text)")
    by: str = Field(..., description="who signed or amended")
    created_at: datetime.datetime
    subjective: str
    objective: str
    assessment: str
    plan: str

    @staticmethod
    def resolve_by(obj) -> str:
        return practitioner_name(obj.by)


class NoteOut(Schema):
    id: UUID = Field(..., alias="public_id")
    session: UUID
    patient: UUID
    chart_number: str
    status: NoteStatus
    version: int = Field(..., description="send it back to save or sign the draft (a changed note answers 409)")
    subjective: str = Field(..., description="the draft, or the text as signed; amendments are in revisions")
    objective: str
    assessment: str
    plan: str
    signed_at: datetime.datetime | None
    signed_by: str | None
    revisions: list[RevisionOut] = Field(..., description="the signed text, then each amendment, oldest first")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_session(obj) -> UUID:
        return obj.session.public_id

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id

    @staticmethod
    def resolve_chart_number(obj) -> str:
        return obj.patient.chart_number

    @staticmethod
    def resolve_signed_by(obj) -> str | None:
        return practitioner_name(obj.signed_by) if obj.signed_by_id else None

    @staticmethod
    def resolve_revisions(obj) -> list:
        return list(obj.revisions.all())


class NoteDraftIn(Schema):
    version: int = Field(..., ge=1, le=2_147_483_647, description="the version you read")
    subjective: Section | None = None
    objective: Section | None = None
    assessment: Section | None = None
    plan: Section | None = None


class NoteSignIn(Schema):
    version: int = Field(..., ge=1, le=2_147_483_647, description="the version you read and sign")


class NoteAmendIn(Schema):
    reason: Annotated[Line, StringConstraints(strip_whitespace=True, min_length=5, max_length=300)]
    subjective: Section | None = None
    objective: Section | None = None
    assessment: Section | None = None
    plan: Section | None = None

    @model_validator(mode="after")
    def changes_a_section(self):
        if all(getattr(self, name) is None for name in ("subjective", "objective", "assessment", "plan")):
            raise ValueError("Send at least one section (subjective, objective, assessment or plan) to amend.")
        return self
