"""Load and validate the atlas data files: body regions, body-map geometry and muscles.

The files under `data/` are the source of truth (each names its sources). This module turns them into
immutable objects once per process and refuses, with a message naming the entry, any file that breaks
the rules: unknown regions, a site drawn on a view its region is not on, a muscle without sites, an
essential zone or a source.

Referral patterns belong to trigger points: a site may carry its own `referral` (and `source`); a site
without one has the muscle's pattern. The muscle's pattern on a side is the union of its points' patterns.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"
SIDES = ("right", "left")
VIEWS = ("front", "back")
QUALITIES = ("ache", "sharp", "burning", "tingling", "numbness", "stiffness")
NERVE_QUALITIES = frozenset({"tingling", "numbness"})
SEED_ACTIVATING_FACTORS = frozenset(
    {"overload", "anxiety", "stress", "depression", "injury", "infection", "posture", "smoking"}
)
GROUPS = {
    "head-and-face": "Head and face",
    "jaw": "Jaw",
    "neck": "Neck",
    "shoulder": "Shoulder",
    "arm": "Arm",
    "forearm-and-hand": "Forearm and hand",
    "chest-and-abdomen": "Chest and abdomen",
    "back": "Back",
    "hip-and-buttock": "Hip and buttock",
    "thigh": "Thigh",
    "leg-and-foot": "Leg and foot",
}
MUSCLE_FIELDS = (
    "id",
    "name",
    "group",
    "action",
    "laterality",
    "sites",
    "referral",
    "symptoms",
    "activating_factors",
    "activators",
    "differential",
    "self_care",
    "needling_safety",
    "certainty",
    "source",
)


class AtlasDataError(ValueError):
    """An atlas data file breaks a rule; the message names the file, the entry and the rule."""


@dataclass(frozen=True)
class Region:
    id: str
    area: str
    side: str | None  # "right", "left" or None for a midline area
    views: tuple[str, ...]
    name: str
    limb: str | None

    @property
    def label(self) -> str:
        return f"{self.side} {self.name}" if self.side else self.name


@dataclass(frozen=True)
class Shape:
    region: str
    view: str
    path: str
    bbox: tuple[float, float, float, float]  # min x, min y, max x, max y


@dataclass(frozen=True)
class Pattern:
    """A referral pattern on one side of the body, as region ids: one trigger point's, or the muscle's union.

    `core` is the worst part of the pattern (a subset of `essential`, may be empty); `sites` the regions the
    trigger points themselves lie in (local pain over a point belongs to the muscle)."""

    muscle_id: str
    side: str
    essential: frozenset[str]
    spillover: frozenset[str]
    trigger_point: str = ""
    core: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Site:
    label: str
    side: str
    view: str
    region: str  # full region id
    x: float
    y: float
    palpation: str
    pattern: Pattern = field(compare=False)
    sources: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    own_pattern: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Muscle:
    id: str
    name: str
    group: str
    action: str
    laterality: str
    symptoms: tuple[str, ...]
    activating_factors: tuple[str, ...]
    activators: tuple[str, ...]
    differential: str
    self_care: str
    needling_safety: str
    certainty: str
    certainty_note: str
    sources: tuple[tuple[str, str], ...]  # (citation, where) pairs
    sites: dict[str, tuple[Site, ...]] = field(hash=False)
    patterns: dict[str, Pattern] = field(hash=False)

    @property
    def group_label(self) -> str:
        return GROUPS[self.group]

    def point_patterns(self, side: str) -> list[Pattern]:
        """One pattern per distinct trigger point pattern on that side (points sharing a pattern share a row)."""
        seen: dict[tuple, Pattern] = {}
        for site in self.sites[side]:
            key = (site.pattern.essential, site.pattern.spillover)
            if key in seen:
                first = seen[key]
                seen[key] = Pattern(
                    first.muscle_id,
                    side,
                    first.essential,
                    first.spillover,
                    f"{first.trigger_point}, {site.label}",
                    first.core | site.pattern.core,
                    first.sites | site.pattern.sites,
                )
            else:
                seen[key] = site.pattern
        return list(seen.values())


@dataclass(frozen=True)
class Atlas:
    regions: dict[str, Region]
    areas: dict[str, dict]
    shapes: dict[str, dict[str, Shape]]  # view -> region id -> shape
    outlines: dict[str, str]
    details: dict[str, tuple[str, ...]]
    viewbox: tuple[int, int, int, int]
    muscles: dict[str, Muscle]
    neighbours: dict[str, frozenset[str]] = field(default_factory=dict)  # region -> regions touching it

    @property
    def site_count(self) -> int:
        """Trigger point sites as the data file gives them (one side), the figure the atlas page shows."""
        return sum(len(m.sites["right"]) for m in self.muscles.values())

    def patterns(self) -> list[Pattern]:
        """The muscles' patterns, one per muscle and side (the union of its trigger points')."""
        return [m.patterns[side] for m in self.muscles.values() for side in SIDES]

    def point_patterns(self) -> list[Pattern]:
        """Every trigger point's own pattern, per side: what the ranking scores."""
        return [p for m in self.muscles.values() for side in SIDES for p in m.point_patterns(side)]


def _read(name: str) -> dict:
    with (DATA / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _region_ids_for(area: dict, side: str | None) -> str:
    return f"{side}-{area['id']}" if area["bilateral"] else area["id"]


def load_regions(raw: dict) -> tuple[dict[str, Region], dict[str, dict]]:
    areas = {a["id"]: a for a in raw["areas"]}
    regions = {}
    for area in raw["areas"]:
        views = VIEWS if area["view"] == "both" else (area["view"],)
        for side in SIDES if area["bilateral"] else (None,):
            region = Region(_region_ids_for(area, side), area["id"], side, views, area["name"], area.get("limb"))
            regions[region.id] = region
    return regions, areas


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _bbox(path: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in _NUMBER.findall(path)]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def load_geometry(raw: dict, regions: dict[str, Region]):
    shapes: dict[str, dict[str, Shape]] = {}
    outlines, details = {}, {}
    for view in VIEWS:
        spec = raw["views"][view]
        outlines[view] = spec["outline"]
        details[view] = tuple(spec.get("details", ()))
        shapes[view] = {}
        for region_id, path in spec["regions"].items():
            if region_id not in regions:
                raise AtlasDataError(f"body_map.yaml: {view} view draws unknown region {region_id!r}")
            if view not in regions[region_id].views:
                raise AtlasDataError(f"body_map.yaml: region {region_id!r} is not drawn on the {view} view")
            shapes[view][region_id] = Shape(region_id, view, path, _bbox(path))
    missing = [r for r in regions if not any(r in shapes[v] for v in VIEWS)]
    if missing:
        raise AtlasDataError(f"body_map.yaml: regions not drawn on any view: {missing}")
    return shapes, outlines, details, tuple(raw["viewbox"])


def region_neighbours(shapes: dict[str, dict[str, Shape]], regions: dict[str, Region]) -> dict[str, frozenset[str]]:
    """Regions that touch on a view (the body map's polygons tile the body, so touching shapes share corners).

    Only the same side or the midline counts: a region of the other side is never a neighbour."""
    found: dict[str, set[str]] = {r: set() for r in regions}
    for view_shapes in shapes.values():
        corners = {}
        for region_id, shape in view_shapes.items():
            numbers = [float(n) for n in _NUMBER.findall(shape.path)]
            corners[region_id] = {(round(x), round(y)) for x, y in zip(numbers[0::2], numbers[1::2], strict=False)}
        ids = sorted(corners)
        for i, first in enumerate(ids):
            near = {(x + dx, y + dy) for x, y in corners[first] for dx in (-1, 0, 1) for dy in (-1, 0, 1)}
            for second in ids[i + 1 :]:
                a, b = regions[first].side, regions[second].side
                if a and b and a != b:
                    continue
                if near & corners[second]:
                    found[first].add(second)
                    found[second].add(first)
    return {r: frozenset(n) for r, n in found.items()}


def _site_position(shape: Shape, side: str, fx: float, fy: float, midline: bool) -> tuple[float, float]:
    min_x, min_y, max_x, max_y = shape.bbox
    centre = 200.0
    # On the front view the patient's right is on the viewer's left; on the back view, on the right.
    toward_right = -1 if shape.view == "front" else 1
    outward = toward_right if side == "right" else -toward_right
    if midline:
        mid = (min_x + max_x) / 2
        x = mid + outward * fx * (max_x - min_x) / 2
    else:
        medial = max_x if abs(max_x - centre) < abs(min_x - centre) else min_x
        lateral = min_x if medial == max_x else max_x
        x = medial + fx * (lateral - medial)
    return round(x, 1), round(min_y + fy * (max_y - min_y), 1)


def _zone_regions(entries, side: str, areas: dict, where: str) -> frozenset[str]:
    other = "left" if side == "right" else "right"
    found = set()
    for entry in entries:
        area_id, _, qualifier = str(entry).partition("@")
        area = areas.get(area_id)
        if area is None:
            raise AtlasDataError(f"{where}: unknown body area {area_id!r}")
        if qualifier not in ("", "both", "opposite"):
            raise AtlasDataError(f"{where}: {entry!r} must be AREA, AREA@both or AREA@opposite")
        if not area["bilateral"]:
            found.add(area_id)
            continue
        sides = {"": (side,), "both": (side, other), "opposite": (other,)}[qualifier]
        found.update(f"{s}-{area_id}" for s in sides)
    return frozenset(found)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise AtlasDataError(message)


def _cite(refs, sources: dict, where: str) -> tuple[tuple[str, str], ...]:
    cited = []
    for ref in refs:
        key, place = (ref["key"], ref.get("where", "")) if isinstance(ref, dict) else (ref, "")
        _require(key in sources, f"{where}: source {key!r} is not defined in `sources`")
        cited.append((sources[key], place))
    return tuple(cited)


def _pattern(
    referral: dict, *, muscle_id: str, side: str, laterality: str, label: str, site_regions, areas, where: str
) -> Pattern:
    """One trigger point's pattern on one side, from its `referral` entry (essential, spillover, core)."""
    _require(bool(referral.get("essential")), f"{where}: the essential referral zone is empty")
    unknown_keys = set(referral) - {"essential", "spillover", "core"}
    _require(not unknown_keys, f"{where}: unknown referral keys {sorted(unknown_keys)}")
    pattern_side = side if laterality != "contralateral" else ("left" if side == "right" else "right")
    sides = [pattern_side] + (["left" if side == "right" else "right"] if laterality == "bilateral" else [])
    essential, spillover, core = set(), set(), set()
    for s in sides:
        essential |= _zone_regions(referral["essential"], s, areas, where)
        spillover |= _zone_regions(referral.get("spillover") or [], s, areas, where)
        core |= _zone_regions(referral.get("core") or [], s, areas, where)
    _require(core <= essential, f"{where}: the core of a pattern must be part of its essential zone")
    return Pattern(
        muscle_id, side, frozenset(essential), frozenset(spillover - essential), label, frozenset(core), site_regions
    )


def load_muscles(raw: dict, regions: dict[str, Region], areas: dict, shapes) -> dict[str, Muscle]:
    sources = raw.get("sources") or {}
    muscles: dict[str, Muscle] = {}
    for entry in raw["muscles"]:
        mid = entry.get("id", "?")
        where = f"muscles.yaml: {mid}"
        every_site_has_a_pattern = bool(entry.get("sites")) and all(
            isinstance(site, dict) and site.get("referral") for site in entry["sites"]
        )
        for name in MUSCLE_FIELDS:
            if name == "referral" and every_site_has_a_pattern:
                continue
            _require(entry.get(name) not in (None, "", []), f"{where}: {name} is missing or empty")
        _require(bool(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", mid)), f"{where}: id must be a lower-case slug")
        _require(mid not in muscles, f"{where}: the id is used twice")
        _require(entry["group"] in GROUPS, f"{where}: unknown group {entry['group']!r}")
        _require(entry["laterality"] in ("ipsilateral", "bilateral", "contralateral"), f"{where}: unknown laterality")
        _require(entry["certainty"] in ("checked", "general", "check"), f"{where}: unknown certainty")
        _require(
            entry["certainty"] != "check" or bool(entry.get("certainty_note")),
            f"{where}: certainty 'check' needs a certainty_note",
        )
        unknown_factors = set(entry["activating_factors"]) - SEED_ACTIVATING_FACTORS
        _require(not unknown_factors, f"{where}: activating factors outside the seed vocabulary: {unknown_factors}")
        if not every_site_has_a_pattern:
            _require(bool(entry["referral"].get("essential")), f"{where}: the essential referral zone is empty")
        cited = _cite(entry["source"], sources, where)
        labels = [site.get("label") for site in entry["sites"]]
        _require(len(set(labels)) == len(labels), f"{where}: two trigger point sites share a label")
        sites, patterns = {}, {}
        for side in SIDES:
            side_sites = []
            for site in entry["sites"]:
                area = areas.get(site["region"])
                _require(
                    area is not None, f"{where}: site {site.get('label')} is on unknown area {site.get('region')!r}"
                )
                region_id = _region_ids_for(area, side)
                shape = shapes.get(site["view"], {}).get(region_id)
                _require(
                    shape is not None,
                    f"{where}: site {site['label']} region {region_id} is not on the {site['view']} view",
                )
                fx, fy = site["pos"]
                _require(0 <= fx <= 1 and 0 <= fy <= 1, f"{where}: site {site['label']} pos must be within [0, 1]")
                x, y = _site_position(shape, side, fx, fy, midline=not area["bilateral"])
                site_where = f"{where}: site {site['label']}"
                pattern = _pattern(
                    site.get("referral") or entry["referral"],
                    muscle_id=mid,
                    side=side,
                    laterality=site.get("laterality", entry["laterality"]),
                    label=site["label"],
                    site_regions=frozenset({region_id}),
                    areas=areas,
                    where=site_where,
                )
                site_sources = _cite(site["source"], sources, site_where) if site.get("source") else cited
                side_sites.append(
                    Site(
                        site["label"],
                        side,
                        site["view"],
                        region_id,
                        x,
                        y,
                        site["palpation"],
                        pattern,
                        site_sources,
                        bool(site.get("referral")),
                    )
                )
            sites[side] = tuple(side_sites)
            essential = frozenset().union(*(s.pattern.essential for s in side_sites))
            spillover = frozenset().union(*(s.pattern.spillover for s in side_sites))
            core = frozenset().union(*(s.pattern.core for s in side_sites))
            patterns[side] = Pattern(
                mid, side, essential, spillover - essential, "", core, frozenset(s.region for s in side_sites)
            )
        muscles[mid] = Muscle(
            id=mid,
            name=entry["name"],
            group=entry["group"],
            action=entry["action"],
            laterality=entry["laterality"],
            symptoms=tuple(entry["symptoms"]),
            activating_factors=tuple(entry["activating_factors"]),
            activators=tuple(entry["activators"]),
            differential=entry["differential"],
            self_care=entry["self_care"],
            needling_safety=entry["needling_safety"],
            certainty=entry["certainty"],
            certainty_note=entry.get("certainty_note") or "",
            sources=cited,
            sites=sites,
            patterns=patterns,
        )
    return muscles


@cache
def get_atlas() -> Atlas:
    """The validated atlas, loaded once per process."""
    regions, areas = load_regions(_read("regions.yaml"))
    shapes, outlines, details, viewbox = load_geometry(_read("body_map.yaml"), regions)
    muscles = load_muscles(_read("muscles.yaml"), regions, areas, shapes)
    neighbours = region_neighbours(shapes, regions)
    return Atlas(regions, areas, shapes, outlines, details, viewbox, muscles, neighbours)
