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


class AtlasTriggerPointOut(Schema):
    label: str
    side: str
    region: str = Field(..., description="the region the point lies in")
    palpation: str
    essential: list[str] = Field(..., description="this point's essential referral zone (region ids)")
    spillover: list[str]
    worst_part: list[str] = Field(..., description="the worst part of the pattern, part of the essential zone")
    own_pattern: bool = Field(..., description="false when the point shares the muscle's pattern")
    sources: list[SourceOut]


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
    trigger_points: list[AtlasTriggerPointOut] = Field(..., description="each trigger point with its own pattern")
    referral: dict[str, ZonesOut] = Field(..., description="the muscle's pattern on each side: its points together")


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


class AtlasReferralOut(Schema):
    muscle: str
    name: str
    side: Literal["right", "left", "both"] = Field(..., description="both: the muscle on both sides")
    score: float = Field(..., description="for ordering only; see explained and unexplained for why")
    trigger_points: list[str] = Field(..., description="the muscle's trigger points whose patterns fit")
    explained: list[str] = Field(..., description="drawn regions explained: essential, spillover or the point's site")
    explained_essential: list[str]
    explained_spillover: list[str]
    explained_site: list[str] = Field(..., description="drawn regions over the trigger point itself")
    near: list[str] = Field(..., description="drawn regions next to the pattern's zone (partial credit)")
    unexplained: list[str] = Field(..., description="drawn regions this pattern does not explain")
    essential_not_drawn: list[str]
    spillover_not_drawn: list[str]
    worst_part_drawn: bool = Field(..., description="the worst part of the pattern is drawn")
    summary: str
