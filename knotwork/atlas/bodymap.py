"""The body map as template data: one entry per view, every region with its state for CSS to colour.

The same markup serves the live editor (static/js/body-map.js adds painting) and server-rendered maps in
pages and reports, so a drawing looks the same everywhere.
"""

from collections.abc import Iterable

from knotwork.atlas.catalog import VIEWS, Muscle, get_atlas
from knotwork.atlas.selectors import DrawnRegion

VIEW_LABELS = {"front": "Front", "back": "Back"}


def body_map_views(
    *,
    drawing: Iterable[DrawnRegion] = (),
    muscle: Muscle | None = None,
    side: str = "right",
    views: Iterable[str] = VIEWS,
    points: Iterable[dict] = (),
) -> list[dict]:
    """Template data per view. `points` are examination findings: dicts with view, x, y, label, active."""
    atlas = get_atlas()
    drawn = {d.region: d for d in drawing}
    essential = muscle.patterns[side].essential if muscle else frozenset()
    spillover = muscle.patterns[side].spillover if muscle else frozenset()
    sites = muscle.sites[side] if muscle else ()
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
