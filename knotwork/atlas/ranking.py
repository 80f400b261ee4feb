"""Rank muscles by how well their referral patterns explain a pain drawing. Pure Python, no Django.

For a drawing D (region -> intensity 0-10) and one muscle's pattern on one side, with essential zone E
and spillover zone S (S excludes E):

    w(r)  = max(intensity(r), 1) / 10                       each drawn region's weight, 0.1 .. 1
    score = 1.0 * sum(w(r) for r in D & E)                   essential regions the pattern explains
          + 0.5 * sum(w(r) for r in D & S)                   spillover regions it explains
          - 0.5 * sum(w(r) for r in D - (E | S))             drawn regions it leaves unexplained
          - 0.5 * |E - D| / |E|                              share of its essential zone not drawn

Equal scores are ordered by fewer pattern regions left undrawn (essential and spillover together: the
tighter fit first), then by more essential matches, then by name, so the order is stable.

Properties (tested with hypothesis): drawing one more region that a pattern explains never lowers its
score; a drawing equal to a muscle's essential zone ranks that muscle first, or level with muscles that
share exactly the same essential zone and refer to no more regions; only patterns that explain at least
one drawn region are returned.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

ESSENTIAL_WEIGHT = 1.0
SPILLOVER_WEIGHT = 0.5
UNEXPLAINED_PENALTY = 0.5
MISSING_ESSENTIAL_PENALTY = 0.5


class ReferralPattern(Protocol):
    """One muscle's referral pattern on one side (the atlas's Pattern, or a PatternLike in tests)."""

    @property
    def muscle_id(self) -> str: ...
    @property
    def side(self) -> str: ...
    @property
    def essential(self) -> frozenset[str]: ...
    @property
    def spillover(self) -> frozenset[str]: ...


@dataclass(frozen=True)
class PatternLike:
    muscle_id: str
    side: str
    essential: frozenset[str]
    spillover: frozenset[str]


@dataclass(frozen=True)
class Referral:
    muscle_id: str
    side: str
    score: float
    explained_essential: tuple[str, ...]
    explained_spillover: tuple[str, ...]
    unexplained: tuple[str, ...]
    essential_not_drawn: tuple[str, ...]
    spillover_not_drawn: tuple[str, ...] = ()

    @property
    def explained(self) -> tuple[str, ...]:
        return tuple(sorted(self.explained_essential + self.explained_spillover))


def region_weight(intensity: float) -> float:
    return max(min(float(intensity), 10.0), 1.0) / 10.0


def score_pattern(drawing: Mapping[str, float], pattern: ReferralPattern) -> Referral:
    drawn = set(drawing)
    essential = drawn & pattern.essential
    spillover = drawn & pattern.spillover
    unexplained = drawn - pattern.essential - pattern.spillover
    missing = pattern.essential - drawn
    score = (
        ESSENTIAL_WEIGHT * sum(region_weight(drawing[r]) for r in essential)
        + SPILLOVER_WEIGHT * sum(region_weight(drawing[r]) for r in spillover)
        - UNEXPLAINED_PENALTY * sum(region_weight(drawing[r]) for r in unexplained)
        - MISSING_ESSENTIAL_PENALTY * len(missing) / len(pattern.essential)
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
    )


def build_index(patterns: Iterable[ReferralPattern]) -> dict[str, list[ReferralPattern]]:
    """Region id -> the patterns whose essential or spillover zone contains it."""
    index: dict[str, list[ReferralPattern]] = {}
    for pattern in patterns:
        for region in pattern.essential | pattern.spillover:
            index.setdefault(region, []).append(pattern)
    return index


def rank(
    drawing: Mapping[str, float], index: Mapping[str, list[ReferralPattern]], top: int | None = None
) -> list[Referral]:
    """The patterns that explain at least one drawn region, best first."""
    candidates = {id(p): p for region in drawing for p in index.get(region, ())}
    results = [score_pattern(drawing, p) for p in candidates.values()]
    results.sort(
        key=lambda r: (
            -r.score,
            len(r.essential_not_drawn) + len(r.spillover_not_drawn),
            -len(r.explained_essential),
            r.muscle_id,
            r.side,
        )
    )
    return results[:top] if top is not None else results
