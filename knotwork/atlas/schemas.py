from typing import Literal

from ninja import Field, Schema

from knotwork.atlas.catalog import GROUPS


class SiteOut(Schema):
    label: str
    side: str
    view: str
    region: str
    x: float = Field(..., description="x in the view's coordinates (viewBox 0 0 400 1000)")
    y: float
    palpation: str


class ZonesOut(Schema):
    essential: list[str]
    spillover: list[str]


class SourceOut(Schema):
    citation: str
    where: str


class MuscleSummaryOut(Schema):
    id: str
    name: str
    group: str
    group_label: str
    site_count: int
    certainty: str


class MuscleOut(MuscleSummaryOut):
    action: str
    laterality: str
    symptoms: list[str]
    activating_factors: list[str]
    activators: list[str]
    differential: str
    self_care: str
    needling_safety: str
    certainty_note: str
    sources: list[SourceOut]
    sites: list[SiteOut]
    referral: dict[str, ZonesOut] = Field(..., description="the pattern of a trigger point on each side")


class MuscleFilter(Schema):
    q: str = Field("", max_length=100, description="words of the muscle's name")
    region: str = Field("", max_length=40, description="a region id its trigger points or referral zones touch")
    group: Literal[*GROUPS] | Literal[""] = Field("", description="part of the body")


class ReferralQuery(Schema):
    region: list[str] = Field(
        ...,
        min_length=1,
        max_length=155,
        description="drawn region ids, repeated; optionally REGION:INTENSITY (0-10), e.g. right-low-back:7",
    )
    top: int = Field(10, ge=1, le=210)


class ReferralOut(Schema):
    muscle: str
    name: str
    side: str
    score: float
    explained: list[str]
    explained_essential: list[str]
    explained_spillover: list[str]
    unexplained: list[str] = Field(..., description="drawn regions this pattern does not explain")
    essential_not_drawn: list[str]
    spillover_not_drawn: list[str]
