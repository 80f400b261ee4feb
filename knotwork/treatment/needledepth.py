"""How deep a dry needle may go: against the needle's length everywhere, and against a safe depth over the lung.

Pure Python, no Django. The zones and their depths live in `data/needle_depth.yaml`, each with its source
(docs/clinical-sources.md#needle-depth-by-region). A depth past a zone's limit is a precaution the practitioner
confirms (the needle may have gone along a rib, onto bone or into a lifted muscle); a depth beyond the needle
itself, or under 1 mm, is impossible and refused.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data" / "needle_depth.yaml"
MIN_DEPTH_MM = 1


class NeedleDepthDataError(ValueError):
    pass


@dataclass(frozen=True)
class Zone:
    id: str
    label: str
    areas: frozenset[str]
    limit_mm: int
    slim_limit_mm: int
    advice: str
    sources: tuple[str, ...]

    def limit(self, *, slim: bool) -> int:
        return self.slim_limit_mm if slim else self.limit_mm


@dataclass(frozen=True)
class DepthRules:
    zones: tuple[Zone, ...]
    slim_bmi_below: float

    def zone_for(self, area: str) -> Zone | None:
        return next((zone for zone in self.zones if area in zone.areas), None)


def load_rules(raw: dict) -> DepthRules:
    sources = raw.get("sources") or {}
    zones, seen = [], set()
    for entry in raw["zones"]:
        where = f"zone {entry.get('id')!r}"
        missing = [key for key in entry["source"] if key not in sources]
        if missing:
            raise NeedleDepthDataError(f"{where}: sources not defined: {missing}")
        if not 0 < entry["slim_limit_mm"] <= entry["limit_mm"]:
            raise NeedleDepthDataError(f"{where}: the slim-build limit is positive and not above the usual one")
        overlap = seen & set(entry["areas"])
        if overlap:
            raise NeedleDepthDataError(f"{where}: areas already in another zone: {sorted(overlap)}")
        seen |= set(entry["areas"])
        zones.append(
            Zone(
                id=entry["id"],
                label=entry["label"],
                areas=frozenset(entry["areas"]),
                limit_mm=entry["limit_mm"],
                slim_limit_mm=entry["slim_limit_mm"],
                advice=entry["advice"],
                sources=tuple(entry["source"]),
            )
        )
    return DepthRules(tuple(zones), float(raw["slim_build"]["bmi_below"]))


@cache
def get_rules() -> DepthRules:
    with DATA.open(encoding="utf-8") as handle:
        return load_rules(yaml.safe_load(handle))


def body_mass_index(height_cm: object, weight_kg: object) -> float | None:
    """The body mass index from a height in cm and a weight in kg, or None when either is missing or not positive."""
    numbers = [v for v in (height_cm, weight_kg) if isinstance(v, int | float) and not isinstance(v, bool) and v > 0]
    if len(numbers) != 2:
        return None
    height, weight = float(numbers[0]), float(numbers[1])
    return weight / (height / 100) ** 2


def impossible(depth_mm: int, length_mm: int) -> str | None:
    """Why a recorded depth cannot be true for this needle, or None."""
    if depth_mm < MIN_DEPTH_MM:
        return f"A needling depth is at least {MIN_DEPTH_MM} mm: give the depth the needle reached."
    if depth_mm > length_mm:
        return (
            f"The depth ({depth_mm} mm) is beyond the needle's length ({length_mm} mm): check the depth and the needle."
        )
    return None


def over_limit(depth_mm: int, area: str, *, slim: bool, rules: DepthRules | None = None) -> str | None:
    """The precaution when a depth passes the safe depth of the area's zone, or None."""
    zone = (rules or get_rules()).zone_for(area)
    if zone is None or depth_mm <= zone.limit(slim=slim):
        return None
    build = "in a slim build" if slim else "in a usual build"
    return (
        f"{depth_mm} mm is deeper than {zone.limit(slim=slim)} mm, the safe depth {zone.label} {build} "
        f"(pneumothorax risk). {zone.advice} Confirm the depth to save it."
    )
