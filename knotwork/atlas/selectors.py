"""Reads of the atlas (static reference data: no patient data, no clinic scoping)."""

from dataclasses import dataclass
from functools import cache

from django.http import Http404

from knotwork.atlas import ranking
from knotwork.atlas.catalog import NERVE_QUALITIES, QUALITIES, Muscle, get_atlas


class UnknownRegions(ValueError):
    def __init__(self, region_ids: list[str]):
        self.region_ids = region_ids
        super().__init__("Unknown body region: " + ", ".join(region_ids))


@dataclass(frozen=True)
class DrawnRegion:
    region: str
    intensity: int
    quality: str


def list_muscles(*, query: str = "", region: str = "", group: str = "") -> list[Muscle]:
    """Muscles whose name matches the query and whose trigger points or referral zones touch the region."""
    atlas = get_atlas()
    words = query.lower().split()
    found = []
    for muscle in atlas.muscles.values():
        if words and not all(w in f"{muscle.name} {muscle.id}".lower() for w in words):
            continue
        if group and muscle.group != group:
            continue
        if region and not _touches(muscle, region):
            continue
        found.append(muscle)
    return sorted(found, key=lambda m: m.name.lower())


def _touches(muscle: Muscle, region: str) -> bool:
    for side in ("right", "left"):
        pattern = muscle.patterns[side]
        if region in pattern.essential or region in pattern.spillover:
            return True
        if any(site.region == region for site in muscle.sites[side]):
            return True
    return False


def get_muscle(muscle_id: str) -> Muscle:
    muscle = get_atlas().muscles.get(muscle_id)
    if muscle is None:
        raise Http404("No muscle with that id in the atlas.")
    return muscle


def check_regions(region_ids) -> None:
    unknown = sorted({r for r in region_ids if r not in get_atlas().regions})
    if unknown:
        raise UnknownRegions(unknown)


@cache
def _index() -> ranking.Index:
    atlas = get_atlas()
    return ranking.build_index(atlas.point_patterns(), atlas.neighbours)


def rank_referrals(drawing: dict[str, float], *, top: int | None = None) -> list[ranking.Referral]:
    """Rank the atlas's muscles by their trigger points' patterns (each side, or both) for region id -> intensity."""
    check_regions(drawing)
    return ranking.rank(drawing, _index(), top=top)


def nerve_signals(drawing: list[DrawnRegion]) -> list[DrawnRegion]:
    """Tingling or numbness drawn in an arm or a leg: a nerve may be involved."""
    regions = get_atlas().regions
    return [d for d in drawing if d.quality in NERVE_QUALITIES and regions[d.region].limb is not None]


def parse_drawn_region(text: str) -> DrawnRegion:
    """Read `REGION[:INTENSITY[:QUALITY]]`, e.g. `right-low-back:7:ache` (intensity 5 and ache by default)."""
    parts = text.strip().split(":")
    if len(parts) > 3 or not parts[0]:
        raise ValueError(f"{text!r} is not REGION[:INTENSITY[:QUALITY]]")
    region = parts[0].lower()
    intensity = 5
    if len(parts) > 1 and parts[1] != "":
        if not parts[1].isdigit() or not 0 <= int(parts[1]) <= 10:
            raise ValueError(f"{text!r}: intensity must be a whole number from 0 to 10")
        intensity = int(parts[1])
    quality = parts[2].lower() if len(parts) > 2 and parts[2] else "ache"
    if quality not in QUALITIES:
        raise ValueError(f"{text!r}: quality must be one of {', '.join(QUALITIES)}")
    return DrawnRegion(region, intensity, quality)
