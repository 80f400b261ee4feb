from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from knotwork.atlas import selectors
from knotwork.atlas.bodymap import zones_of
from knotwork.atlas.catalog import GROUPS, QUALITIES, get_atlas
from knotwork.atlas.forms import AddRegionForm, MuscleSearchForm
from knotwork.core.access import ClinicRequest, clinic_member

TOP = 10


@clinic_member()
def muscle_list(request: ClinicRequest):
    form = MuscleSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    muscles = selectors.list_muscles(
        query=filters.get("q", ""), region=filters.get("region", ""), group=filters.get("group", "")
    )
    groups = [(label, [m for m in muscles if m.group == key]) for key, label in GROUPS.items()]
    atlas = get_atlas()
    context = {
        "form": form,
        "groups": [(label, items) for label, items in groups if items],
        "found": len(muscles),
        "muscle_count": len(atlas.muscles),
        "site_count": atlas.site_count,
    }
    return render(request, "atlas/muscle_list.html", context)


@clinic_member()
def muscle_detail(request: ClinicRequest, muscle_id: str):
    muscle = selectors.get_muscle(muscle_id)
    side = request.GET.get("side", "right")
    if side not in ("right", "left", "both"):
        side = "right"
    atlas = get_atlas()
    point = request.GET.get("point", "")
    labels = {s.label for s in muscle.sites["right"]}
    if point not in labels:
        point = ""
    essential, spillover, _ = zones_of(muscle, side)
    context = {
        "muscle": muscle,
        "side": side,
        "other_side": "left" if side == "right" else "right",
        "essential": sorted(_plain(atlas.regions[r], side) for r in essential),
        "spillover": sorted(_plain(atlas.regions[r], side) for r in spillover),
        "sites": muscle.sites["right" if side == "both" else side],
        "trigger_points": point_patterns(muscle, side),
        "point": point,
        "regions": atlas.regions,
    }
    return render(request, "atlas/muscle_detail.html", context)


def _read_drawing(values: list[str]) -> tuple[list[selectors.DrawnRegion], list[str]]:
    drawing, problems = {}, []
    regions = get_atlas().regions
    for text in values:
        try:
            drawn = selectors.parse_drawn_region(text)
        except ValueError as error:
            problems.append(str(error))
            continue
        if drawn.region not in regions:
            problems.append(f"Unknown body region {drawn.region!r} was left out.")
            continue
        drawing[drawn.region] = drawn
    return list(drawing.values()), problems


def _drawing_query(drawing) -> list[tuple[str, str]]:
    return [("r", f"{d.region}:{d.intensity}:{d.quality}") for d in drawing]


@clinic_member()
def referral_differential(request: ClinicRequest):
    drawing, problems = _read_drawing(request.GET.getlist("r"))
    if "add_region" in request.GET:
        add_form = AddRegionForm(request.GET)
        if add_form.is_valid():
            data = add_form.cleaned_data
            added = selectors.DrawnRegion(data["add"], data["add_intensity"], data["add_quality"])
            drawing = [d for d in drawing if d.region != added.region] + [added]
            keep = [(k, request.GET[k]) for k in ("muscle", "side") if request.GET.get(k)]
            return redirect(f"{reverse('atlas:refer')}?{urlencode([*_drawing_query(drawing), *keep])}")
    else:
        add_form = AddRegionForm()
    results = selectors.rank_referrals({d.region: d.intensity for d in drawing}, top=TOP) if drawing else []
    atlas = get_atlas()
    muscle, side = None, request.GET.get("side", "right")
    if request.GET.get("muscle"):
        try:
            muscle = selectors.get_muscle(request.GET["muscle"])
        except Http404:
            problems.append("That muscle is not in the atlas.")
        if side not in ("right", "left", "both"):
            side = "right"
    query = _drawing_query(drawing)
    context = {
        "drawing": drawing,
        "drawing_rows": [
            (d, atlas.regions[d.region].label, urlencode([q for q in query if not q[1].startswith(d.region + ":")]))
            for d in drawing
        ],
        "problems": problems,
        "results": [
            {
                "referral": r,
                "muscle": atlas.muscles[r.muscle_id],
                "link": urlencode([*query, ("muscle", r.muscle_id), ("side", r.side)]),
            }
            for r in results
        ],
        "panel_points": point_patterns(muscle, side) if muscle else [],
        "nerve_signals": [(d, atlas.regions[d.region].label) for d in selectors.nerve_signals(drawing)],
        "muscle": muscle,
        "side": side,
        "add_form": add_form,
        "qualities": QUALITIES,
        "drawing_query": urlencode(query),
    }
    template = "atlas/referral.html"
    if request.htmx and request.htmx.target in ("referral-results", "muscle-panel"):
        template += "#results" if request.htmx.target == "referral-results" else "#panel"
    return render(request, template, context)


def point_patterns(muscle, side: str) -> list[dict]:
    """A muscle's trigger points on a side (the right one for "both") with their zones as plain labels."""
    regions = get_atlas().regions
    rows = []
    for site in muscle.sites["right" if side == "both" else side]:
        rows.append(
            {
                "label": site.label,
                "palpation": site.palpation,
                "own_pattern": site.own_pattern,
                "essential": sorted(_plain(regions[r], side) for r in site.pattern.essential),
                "spillover": sorted(_plain(regions[r], side) for r in site.pattern.spillover),
                "worst_part": sorted(_plain(regions[r], side) for r in site.pattern.core),
                "sources": site.sources,
            }
        )
    return rows


def _plain(region, side: str) -> str:
    """A region's label; for both sides, without the side (the same zone on each side)."""
    return region.name if side == "both" else region.label
