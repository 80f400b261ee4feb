"""Rank muscles by how well their trigger points' referral patterns explain a pain drawing. Pure Python, no Django.

A pattern belongs to one trigger point on one side (a muscle whose points refer alike has one). For a drawing D
(region -> intensity 0-10) and a pattern with essential zone E, spillover zone S (S excludes E), the regions its
points lie in P, its worst part C (a subset of E, may be empty), and the regions touching its zone N:

    w(r)  = max(intensity(r), 1) / 10                       each drawn region's weight, 0.1 .. 1
    score = 1.0  * sum(w(r) for r in D & E)                  essential regions the pattern explains
          + 0.5  * sum(w(r) for r in D & S)                  spillover regions it explains
          + 0.5  * sum(w(r) for r in D & P - E - S)          pain over the trigger point itself
          + 0.25 * sum(w(r) for r in D & N - E - S - P)      a region next to the zone: partial credit
          + 0.25 * sum(w(r) for r in C), when all of C is drawn  the worst part of the pattern is drawn
          - 0.5  * sum(w(r) for r in the rest of D)          drawn regions it leaves unexplained
          - 0.5  * |E - D| / |E| * (0.5 if C and C <= D else 1)   its essential zone not drawn; half as much
                                                                  when the worst part of it is drawn

A muscle's suggestion on a side is its best pattern: one trigger point's, or all its points together (the
pattern of the whole muscle) when that explains the drawing better. When the drawing has regions on both sides
and the muscle on both sides explains it better than either side alone, the suggestion is the muscle on both
sides ("both") instead of two suggestions that each count the other side's regions as unexplained.

Order: higher score first; on equal scores a pattern on the drawn side before one on the other side, then the
tighter fit (fewer pattern regions left undrawn), then more essential matches, then by id so the order is
stable. A drawing whose regions are all on one side (and the midline) never has a muscle of the other side
first.

Properties (tested with hypothesis): drawing one more region that a pattern explains never lowers its score;
drawing a region it neither explains nor touches lowers it; a drawing equal to a trigger point's essential zone
ranks that muscle first, or level with patterns that share exactly that essential zone, or after a pattern whose
worst part the drawing contains (the classic muscle for a drawing of the worst part of its pattern comes first);
only patterns that explain at least one drawn region are returned.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

ESSENTIAL_WEIGHT = 1.0
SPILLOVER_WEIGHT = 0.5
SITE_WEIGHT = 0.5
NEIGHBOUR_WEIGHT = 0.25
UNEXPLAINED_PENALTY = 0.5
MISSING_ESSENTIAL_PENALTY = 0.5
CORE_WEIGHT = 0.25
CORE_DRAWN_FACTOR = 0.5
BOTH = "both"


class ReferralPattern(Protocol):
    """One trigger point's (or a whole muscle's) referral pattern on one side."""

    @property
    def muscle_id(self) -> str: ...
    @property
    def side(self) -> str: ...
    @property
    def essential(self) -> frozenset[str]: ...
    @property
    def spillover(self) -> frozenset[str]: ...
    @property
    def trigger_point(self) -> str: ...
    @property
    def core(self) -> frozenset[str]: ...
    @property
    def sites(self) -> frozenset[str]: ...


@dataclass(frozen=True)
class PatternLike:
    muscle_id: str
    side: str
    essential: frozenset[str]
    spillover: frozenset[str]
    trigger_point: str = ""
    core: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Referral:
    muscle_id: str
    side: str  # "right", "left" or "both"
    score: float
    explained_essential: tuple[str, ...]
    explained_spillover: tuple[str, ...]
    unexplained: tuple[str, ...]
    essential_not_drawn: tuple[str, ...]
    spillover_not_drawn: tuple[str, ...] = ()
    explained_site: tuple[str, ...] = ()  # drawn over the trigger point itself
    near: tuple[str, ...] = ()  # drawn next to the pattern's zone (partial credit)
    trigger_points: tuple[str, ...] = ()  # the points whose patterns explain the drawing
    core_drawn: bool = False  # the worst part of the pattern is drawn

    @property
    def explained(self) -> tuple[str, ...]:
        return tuple(sorted(self.explained_essential + self.explained_spillover + self.explained_site))

    @property
    def drawn_regions(self) -> tuple[str, ...]:
        return tuple(sorted(self.explained + self.near + self.unexplained))


def region_weight(intensity: float) -> float:
    return max(min(float(intensity), 10.0), 1.0) / 10.0


def side_of(region: str) -> str | None:
    """The side a region id names, or None for a midline region."""
    for side in ("right", "left"):
        if region.startswith(side + "-"):
            return side
    return None


def score_pattern(
    drawing: Mapping[str, float],
    pattern: ReferralPattern,
    neighbours: Mapping[str, frozenset[str]] | None = None,
) -> Referral:
    drawn = set(drawing)
    zone = pattern.essential | pattern.spillover
    essential = drawn & pattern.essential
    spillover = drawn & pattern.spillover
    site = (drawn & pattern.sites) - zone
    near = (
        {r for r in drawn - zone - site if neighbours.get(r, frozenset()) & (zone | pattern.sites)}
        if neighbours
        else set()
    )
    unexplained = drawn - zone - site - near
    missing = pattern.essential - drawn
    core_drawn = bool(pattern.core) and pattern.core <= drawn
    missing_share = len(missing) / len(pattern.essential) if pattern.essential else 0.0
    score = (
        ESSENTIAL_WEIGHT * sum(region_weight(drawing[r]) for r in essential)
        + SPILLOVER_WEIGHT * sum(region_weight(drawing[r]) for r in spillover)
        + SITE_WEIGHT * sum(region_weight(drawing[r]) for r in site)
        + NEIGHBOUR_WEIGHT * sum(region_weight(drawing[r]) for r in near)
        + (CORE_WEIGHT * sum(region_weight(drawing[r]) for r in pattern.core) if core_drawn else 0.0)
        - UNEXPLAINED_PENALTY * sum(region_weight(drawing[r]) for r in unexplained)
        - MISSING_ESSENTIAL_PENALTY * missing_share * (CORE_DRAWN_FACTOR if core_drawn else 1.0)
    )
    return Referral(
        muscle_id=pattern.muscle_id,
        side=pattern.side,
        score=round(score, 4),
        explained_essential=tuple(sorted(essential)),
        explained_spillover=tuple(sorted(spillover)),
        unexplained=tuple(sorted(unexplained)),
        essential_not_drawn=tuple(sorted(missing)),
        spillover_not_drawn=tuple(sorted(pattern.spillover - drawn)),
        explained_site=tuple(sorted(site)),
        near=tuple(sorted(near)),
        trigger_points=tuple(t for t in pattern.trigger_point.split(", ") if t),
        core_drawn=core_drawn,
    )


@dataclass
class Index:
    """The patterns by the regions they can explain or touch, and by muscle and side."""

    by_region: dict[str, list[ReferralPattern]] = field(default_factory=dict)
    by_muscle: dict[tuple[str, str], list[ReferralPattern]] = field(default_factory=dict)
    neighbours: Mapping[str, frozenset[str]] = field(default_factory=dict)


def build_index(patterns: Iterable[ReferralPattern], neighbours: Mapping[str, frozenset[str]] | None = None) -> Index:
    """Index trigger point patterns. A muscle with points that refer differently also gets its whole pattern
    (all its points together) as a candidate, marked by an empty `trigger_point`."""
    index = Index(neighbours=neighbours or {})
    for pattern in patterns:
        index.by_muscle.setdefault((pattern.muscle_id, pattern.side), []).append(pattern)
    for (muscle_id, side), points in list(index.by_muscle.items()):
        if len(points) > 1:
            whole = PatternLike(
                muscle_id,
                side,
                frozenset().union(*(p.essential for p in points)),
                frozenset().union(*(p.spillover for p in points)) - frozenset().union(*(p.essential for p in points)),
                "",
                frozenset().union(*(p.core for p in points)),
                frozenset().union(*(p.sites for p in points)),
            )
            points.append(whole)
    for points in index.by_muscle.values():
        for pattern in points:
            for region in pattern.essential | pattern.spillover | pattern.sites:
                index.by_region.setdefault(region, []).append(pattern)
    return index


def _order_key(referral: Referral, drawn_side: str | None) -> tuple:
    off_side = drawn_side is not None and referral.side not in (drawn_side, BOTH)
    return (
        -referral.score,
        off_side,
        len(referral.essential_not_drawn) + len(referral.spillover_not_drawn),
        -len(referral.explained_essential),
        referral.muscle_id,
        referral.side != drawn_side,
        referral.side,
    )


def _with_points(referral: Referral, points: list[ReferralPattern], drawing: Mapping[str, float]) -> Referral:
    """Name the trigger points of a whole-muscle pattern that explain part of the drawing."""
    if referral.trigger_points:
        return referral
    named = tuple(
        label
        for p in points
        if p.trigger_point and (p.essential | p.spillover | p.sites) & set(drawing)
        for label in p.trigger_point.split(", ")
    )
    return Referral(**{**referral.__dict__, "trigger_points": tuple(dict.fromkeys(named))})


def _best(referrals: list[Referral], drawn_side: str | None) -> Referral:
    return min(referrals, key=lambda r: _order_key(r, drawn_side))


def _both_sides(muscle_id: str, index: Index, drawing: Mapping[str, float], drawn_side: str | None) -> Referral | None:
    """The muscle on both sides: each right pattern joined with its mirror on the left."""
    right, left = index.by_muscle.get((muscle_id, "right"), []), index.by_muscle.get((muscle_id, "left"), [])
    joined = []
    for r_pattern, l_pattern in zip(right, left, strict=False):
        both = PatternLike(
            muscle_id,
            BOTH,
            r_pattern.essential | l_pattern.essential,
            (r_pattern.spillover | l_pattern.spillover) - (r_pattern.essential | l_pattern.essential),
            r_pattern.trigger_point,
            r_pattern.core | l_pattern.core,
            r_pattern.sites | l_pattern.sites,
        )
        result = score_pattern(drawing, both, index.neighbours)
        if result.explained:
            joined.append(_with_points(result, right, drawing))
    return _best(joined, drawn_side) if joined else None


def _alike(first: Referral, second: Referral) -> bool:
    """Two sides of a muscle that explain the same drawn regions in the same way, with the same score."""
    return (first.explained_essential, first.explained_spillover, first.explained_site, first.score) == (
        second.explained_essential,
        second.explained_spillover,
        second.explained_site,
        second.score,
    )


def rank(drawing: Mapping[str, float], index: Index, top: int | None = None) -> list[Referral]:
    """The muscles whose patterns explain at least one drawn region, best first, one suggestion per muscle and
    side (or one for both sides)."""
    sides = {side_of(r) for r in drawing} - {None}
    drawn_side = next(iter(sides)) if len(sides) == 1 else None
    candidates = {id(p): p for region in drawing for p in index.by_region.get(region, ())}
    per_muscle: dict[tuple[str, str], list[Referral]] = {}
    for pattern in candidates.values():
        result = score_pattern(drawing, pattern, index.neighbours)
        if result.explained:
            per_muscle.setdefault((pattern.muscle_id, pattern.side), []).append(result)
    best = {
        key: _with_points(_best(found, drawn_side), index.by_muscle[key], drawing) for key, found in per_muscle.items()
    }
    results = list(best.values())
    if len(sides) != 1:
        for muscle_id in sorted({m for m, _ in best}):
            both = _both_sides(muscle_id, index, drawing, drawn_side) if sides else None
            singles = [best[(muscle_id, s)] for s in ("right", "left") if (muscle_id, s) in best]
            explains_each_side = both is not None and {side_of(r) for r in both.explained} >= {"right", "left"}
            # Better than each side alone, or as good as both sides of a pattern that already crosses the midline.
            better = all(both.score > s.score for s in singles) if both else False
            level = both is not None and len(singles) == 2 and all(both.score >= s.score for s in singles)
            if both is not None and explains_each_side and (better or level):
                results = [r for r in results if r.muscle_id != muscle_id] + [both]
            elif len(singles) == 2 and _alike(*singles):
                # A pattern that crosses the midline, or a drawing on the midline only, is explained alike from
                # either side: one suggestion for both.
                kept = _best(singles, drawn_side)
                results = [r for r in results if r.muscle_id != muscle_id]
                results.append(Referral(**{**kept.__dict__, "side": BOTH}))
    results.sort(key=lambda r: _order_key(r, drawn_side))
    if drawn_side is not None:
        # A one-sided drawing never puts a muscle of the other side first, whatever a crossing pattern scores.
        first_on_side = next((n for n, r in enumerate(results) if r.side == drawn_side), None)
        if first_on_side:
            results.insert(0, results.pop(first_on_side))
    return results[:top] if top is not None else results
