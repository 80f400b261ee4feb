"""The body map as template data: one entry per view, every region with its state for CSS to colour.

The same markup serves the live editor (static/js/body-map.js adds painting) and server-rendered maps in
pages and reports, so a drawing looks the same everywhere.
"""

from collections.abc import Iterable

from knotwork.atlas.catalog import VIEWS, Muscle, get_atlas
from knotwork.atlas.selectors import DrawnRegion

VIEW_LABELS = {"front": "Front", "back": "Back"}


def zones_of(muscle: Muscle, side: str, point: str = ""):
    """Essential and spillover regions and the sites of a muscle on a side ("both" joins the two), or of one of
    its trigger points when `point` names it."""
    sides = ("right", "left") if side == "both" else (side if side in ("right", "left") else "right",)
    sites = tuple(s for sd in sides for s in muscle.sites[sd] if not point or s.label == point)
    if not sites:  # an unknown point label shows the whole muscle
        sites = tuple(s for sd in sides for s in muscle.sites[sd])
    essential = frozenset().union(*(s.pattern.essential for s in sites))
    spillover = frozenset().union(*(s.pattern.spillover for s in sites)) - essential
    return essential, spillover, sites


def body_map_views(
    *,
    drawing: Iterable[DrawnRegion] = (),
    muscle: Muscle | None = None,
    side: str = "right",
    views: Iterable[str] = VIEWS,
    points: Iterable[dict] = (),
    point: str = "",
) -> list[dict]:
    """Template data per view. `points` are examination findings: dicts with view, x, y, label, active.

    `side` is "right", "left" or "both"; `point` limits the zones and dots to one trigger point (its label)."""
    atlas = get_atlas()
    drawn = {d.region: d for d in drawing}
    essential, spillover, sites = zones_of(muscle, side, point) if muscle else (frozenset(), frozenset(), ())
    result = []
    for view in views:
        regions = []
        for region_id, shape in atlas.shapes[view].items():
            region = atlas.regions[region_id]
            mark = drawn.get(region_id)
            zone = "essential" if region_id in essential else "spillover" if region_id in spillover else ""
            regions.append(
                {
                    "id": region_id,
                    "label": region.label,
                    "path": shape.path,
                    "intensity": mark.intensity if mark else None,
                    "quality": mark.quality if mark else "",
                    "zone": zone,
                }
            )
        result.append(
            {
                "view": view,
                "label": VIEW_LABELS[view],
                "outline": atlas.outlines[view],
                "details": atlas.details[view],
                "regions": regions,
                "sites": [s for s in sites if s.view == view],
                "points": [p for p in points if p["view"] == view],
                "viewbox": " ".join(str(n) for n in atlas.viewbox),
            }
        )
    return result
