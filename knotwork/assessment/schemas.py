"""The assessment API's shapes: intakes, safety screens, consents, examinations, trigger points and diagnoses."""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import StringConstraints

from knotwork.assessment import selectors
from knotwork.assessment.models import Side, Technique
from knotwork.atlas.catalog import get_atlas
from knotwork.atlas.models import REGION_MAX_LENGTH, BodyView
from knotwork.core.validators import LONG_TEXT, Line, Text

# A position on the body map, in the drawing's viewBox units; the endpoint checks it falls inside the drawing.
Coordinate = Annotated[float, Field(allow_inf_nan=False, ge=-10_000, le=10_000)]
MuscleId = Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
# ICD-10-CM as typed: with or without the dot, any case ("M79.18", "m7918").
CodeText = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=8, pattern=r"^[A-Za-z][0-9][0-9A-Za-z]\.?[0-9A-Za-z]{0,4}$"
    ),
]


def staff_name(user) -> str:
    return (user.get_full_name() or user.email) if user is not None else ""


# --- intake -------------------------------------------------------------------------------------


class DrawnRegionOut(Schema):
    region: str = Field(..., description="an atlas region id (see the atlas operations)")
    label: str = Field(..., description="the region in words, e.g. 'right upper trapezius area'")
    intensity: int = Field(..., description="0 to 10")
    quality: str


class IntakeOut(Schema):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    status: Literal["draft", "submitted"]
    filled_by_patient: bool = Field(..., description="filled in by the patient through their private link")
    chief_complaint: str
    complaint_area: str
    onset_date: datetime.date | None
    onset_description: str
    better_with: str
    worse_with: str
    pain_now: int | None = Field(..., description="0 to 10")
    pain_best: int | None
    pain_worst: int | None
    drawing: list[DrawnRegionOut] = Field(..., description="the pain drawing: the regions marked")
    tingling_numbness: bool
    weakness: bool
    activating_factors: list[str]
    perpetuating_factors: list[str] = Field(..., description="ids of the perpetuating factors the patient reports")
    sleep: str
    goals: str
    medications: str
    answers: dict[str, Any] = Field(
        ..., description="the safety screen's questions answered, by question id (yes/no as true/false, numbers, text)"
    )
    needs_correction: dict[str, str] = Field(
        ..., description="a draft's answers that did not validate, as typed, kept until corrected"
    )
    submitted_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id

    @staticmethod
    def resolve_drawing(obj) -> list[dict]:
        regions = get_atlas().regions
        return [
            {
                "region": mark.get("region", ""),
                "label": regions[mark["region"]].label if mark.get("region") in regions else mark.get("region", ""),
                "intensity": mark.get("intensity", 0),
                "quality": mark.get("quality", ""),
            }
            for mark in obj.drawing
        ]


# --- safety screen ------------------------------------------------------------------------------


class OverrideOut(Schema):
    reason: str
    by: str
    at: datetime.datetime = Field(..., alias="created_at")

    @staticmethod
    def resolve_by(obj) -> str:
        return staff_name(obj.by)


class ScreenFindingOut(Schema):
    rule: str = Field(..., description="the screening rule's id")
    kind: Literal["red_flag", "contraindication", "precaution"]
    technique: str = Field(..., description="the technique it speaks to ('all' for every treatment)")
    message: str
    action: str
    referral: str = Field(..., description="for a red flag: how soon (emergency, same_day, urgent, routine)")
    because: list[str] = Field(..., description="the answers that made it fire")
    override: OverrideOut | None = Field(..., description="a practitioner's documented decision to proceed")


class TechniqueStatusOut(Schema):
    technique: Technique
    status: Literal["unscreened", "hold", "contraindicated", "precaution", "ok"] = Field(
        ..., description="what the screen says of the technique, overrides applied"
    )


class ReferralOut(Schema):
    id: UUID = Field(..., alias="public_id")
    kind: str
    urgency: str
    status: str
    what: str
    to_whom: str
    sent_on: datetime.date | None
    result_on: datetime.date | None


class SafetyScreenOut(Schema):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    intake: UUID
    status: Literal["hold", "precautions", "clear"] = Field(
        ..., description="hold: a red flag (no treatment until referred or overridden); precautions; clear"
    )
    areas: list[str] = Field(..., description="the complaint areas the rules were run for")
    findings: list[ScreenFindingOut]
    techniques: list[TechniqueStatusOut]
    referrals: list[ReferralOut] = Field(..., description="the medical referrals the red flags raised")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id

    @staticmethod
    def resolve_intake(obj) -> UUID:
        return obj.intake.public_id

    @staticmethod
    def resolve_findings(obj) -> list[dict]:
        overrides = {o.rule_id: o for o in obj.overrides.all()}
        return [
            {
                **{key: finding.get(key, "") for key in ("rule", "kind", "technique", "message", "action", "referral")},
                "because": list(finding.get("because", [])),
                "override": overrides.get(finding["rule"]),
            }
            for finding in obj.findings
        ]

    @staticmethod
    def resolve_techniques(obj) -> list[dict]:
        return [
            {"technique": technique, "status": selectors.technique_status(obj, technique)}
            for technique in Technique.values
        ]

    @staticmethod
    def resolve_referrals(obj) -> list:
        return list(obj.referrals.all())


# --- consent ------------------------------------------------------------------------------------


class ConsentOut(Schema):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    technique: Technique
    form_title: str
    form_version: int = Field(..., description="the version of the clinic's consent text that was signed")
    body_hash: str = Field(..., description="SHA-256 of the exact text signed")
    signed_name: str
    signed_at: datetime.datetime = Field(..., alias="created_at")
    signed_via_link: bool = Field(..., description="signed by the patient through their private link")
    witnessed_by: str = Field(..., description="the staff member present; empty when signed through a link")
    withdrawn: bool
    withdrawn_at: datetime.datetime | None
    withdrawn_reason: str
    updated_at: datetime.datetime

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id

    @staticmethod
    def resolve_form_title(obj) -> str:
        return obj.version.form.title

    @staticmethod
    def resolve_form_version(obj) -> int:
        return obj.version.number

    @staticmethod
    def resolve_witnessed_by(obj) -> str:
        return staff_name(obj.witnessed_by)

    @staticmethod
    def resolve_withdrawn(obj) -> bool:
        return obj.withdrawn_at is not None


# --- examination entries ------------------------------------------------------------------------


class ConsensusOut(Schema):
    name: str = Field(..., description="the consensus the criteria come from")
    met: list[str]
    missing: list[str]
    minimum: int
    meets: bool = Field(..., description="at least `minimum` criteria met (criteria, never a diagnosis)")


class RemovedMixin(Schema):
    removed: bool = Field(..., description="removed (with its reason); it no longer counts in the record")
    removed_at: datetime.datetime | None
    removed_reason: str

    @staticmethod
    def resolve_removed(obj) -> bool:
        return obj.removed_at is not None


class TriggerPointOut(RemovedMixin):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    examination: UUID
    muscle: str = Field(..., description="an atlas muscle id")
    muscle_name: str
    side: Side
    region: str
    view: BodyView
    x: float
    y: float
    taut_band: bool
    spot_tenderness: bool
    referred_pain: bool
    pain_recognised: bool = Field(..., description="the patient recognises the pain (an active point)")
    twitch_response: bool
    painful_stretch: bool
    weakness: bool
    palpation_pain: int | None
    ppt_value: Decimal | None = Field(..., description="pressure pain threshold as read, in ppt_unit")
    ppt_unit: str
    ppt_kpa: Decimal | None = Field(..., description="the threshold in kPa (1 cm² tip)")
    notes: str
    consensus: ConsensusOut
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id

    @staticmethod
    def resolve_examination(obj) -> UUID:
        return obj.examination.public_id

    @staticmethod
    def resolve_muscle_name(obj) -> str:
        muscle = get_atlas().muscles.get(obj.muscle)
        return muscle.name if muscle else obj.muscle

    @staticmethod
    def resolve_consensus(obj) -> dict:
        result = obj.consensus
        return {
            "name": result.name,
            "met": [c.label for c in result.met],
            "missing": [c.label for c in result.missing],
            "minimum": result.minimum,
            "meets": result.meets,
        }


class RangeOfMotionOut(Schema):
    id: UUID = Field(..., alias="public_id")
    movement: str
    side: str = Field(..., description="right, left, or empty when not sided")
    degrees: int
    painful: bool = Field(..., description="pain on movement")
    created_at: datetime.datetime


class DiagnosisOut(RemovedMixin):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    examination: UUID
    code: str = Field(..., description="ICD-10-CM")
    description: str
    is_primary: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id

    @staticmethod
    def resolve_examination(obj) -> UUID:
        return obj.examination.public_id


class ExaminationOut(Schema):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    intake: UUID | None = Field(..., description="the intake it followed")
    examined_by: str
    notes: str
    perpetuating_factors: list[str] = Field(..., description="ids of the perpetuating factors found or suspected")
    closed: bool = Field(..., description="closed: part of the record, no entry of it changes again")
    closed_at: datetime.datetime | None
    closed_by: str
    trigger_points: list[TriggerPointOut] = Field(..., description="the findings that stand")
    range_of_motion: list[RangeOfMotionOut]
    diagnoses: list[DiagnosisOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id

    @staticmethod
    def resolve_intake(obj) -> UUID | None:
        return obj.intake.public_id if obj.intake_id else None

    @staticmethod
    def resolve_examined_by(obj) -> str:
        return staff_name(obj.examined_by)

    @staticmethod
    def resolve_closed(obj) -> bool:
        return obj.closed_at is not None

    @staticmethod
    def resolve_closed_by(obj) -> str:
        return staff_name(obj.closed_by)

    @staticmethod
    def resolve_trigger_points(obj) -> list:
        # Prefetched: the entry's own examination is this one, so no query per entry.
        points = list(obj.trigger_points.all())
        for point in points:
            point.examination, point.patient = obj, obj.patient
        return points

    @staticmethod
    def resolve_range_of_motion(obj) -> list:
        return list(obj.range_of_motion.all())

    @staticmethod
    def resolve_diagnoses(obj) -> list:
        diagnoses = list(obj.diagnoses.all())
        for diagnosis in diagnoses:
            diagnosis.examination, diagnosis.patient = obj, obj.patient
        return diagnoses


# --- writes -------------------------------------------------------------------------------------


class TriggerPointIn(Schema):
    muscle: MuscleId = Field(..., description="an atlas muscle id (see listMuscles)")
    side: Side
    region: Annotated[str, StringConstraints(min_length=1, max_length=REGION_MAX_LENGTH)] = Field(
        ..., description="the atlas region the point is in"
    )
    view: BodyView | None = Field(None, description="front or back; empty: the view the region is drawn on")
    x: Coordinate | None = Field(None, description="where on the drawing; leave x and y out for the region's middle")
    y: Coordinate | None = None
    taut_band: bool = False
    spot_tenderness: bool = Field(False, description="hypersensitive spot in the band")
    referred_pain: bool = Field(False, description="referred pain or sensation")
    pain_recognised: bool = Field(False, description="the patient recognises the pain")
    twitch_response: bool = False
    painful_stretch: bool = False
    weakness: bool = False
    palpation_pain: int | None = Field(None, ge=0, le=10)
    ppt_value: Decimal | None = Field(
        None, gt=0, max_digits=7, decimal_places=2, description="pressure pain threshold, in ppt_unit"
    )
    ppt_unit: Literal["", "kg_cm2", "kpa", "n_cm2"] = Field("", description="kg/cm², kPa or N/cm²")
    notes: Text = Field("", max_length=LONG_TEXT)


class TriggerPointPatch(Schema):
    """Only the fields sent change; palpation_pain and ppt_value may be sent as null to clear them."""

    muscle: MuscleId | None = None
    side: Side | None = None
    region: Annotated[str, StringConstraints(min_length=1, max_length=REGION_MAX_LENGTH)] | None = Field(
        None, description="a new region without view, x and y puts the point at its middle"
    )
    view: BodyView | None = None
    x: Coordinate | None = None
    y: Coordinate | None = None
    taut_band: bool | None = None
    spot_tenderness: bool | None = None
    referred_pain: bool | None = None
    pain_recognised: bool | None = None
    twitch_response: bool | None = None
    painful_stretch: bool | None = None
    weakness: bool | None = None
    palpation_pain: int | None = Field(None, ge=0, le=10)
    ppt_value: Decimal | None = Field(None, gt=0, max_digits=7, decimal_places=2)
    ppt_unit: Literal["", "kg_cm2", "kpa", "n_cm2"] | None = None
    notes: Text | None = Field(None, max_length=LONG_TEXT)
    reason: Text = Field("", max_length=LONG_TEXT, description="why it is corrected (kept with its history)")


class DiagnosisIn(Schema):
    code: CodeText = Field(
        ...,
        description="an ICD-10-CM code of the clinic's list (M79.18 or m7918), valid on the examination's day; "
        "find one with searchIcd10Codes",
    )
    is_primary: bool = Field(False, description="the first diagnosis of an examination is primary anyway")


class RangeOfMotionIn(Schema):
    movement: Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)] = Field(
        ..., description="the movement measured, e.g. 'Cervical rotation'"
    )
    degrees: int = Field(..., ge=0, le=360, description="degrees from the starting position")
    side: Literal["right", "left", ""] = Field("", description="right, left, or empty when not sided")
    painful: bool = Field(False, description="pain on movement")


class PerpetuatingFactorsIn(Schema):
    perpetuating_factors: list[Annotated[str, StringConstraints(max_length=60)]] = Field(
        ..., max_length=100, description="ids of the perpetuating factors found or suspected (replaces the list)"
    )


class RemovalIn(Schema):
    reason: Text = Field(..., min_length=3, max_length=LONG_TEXT, description="why it is removed; kept with it")
