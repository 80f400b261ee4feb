"""Plain-dict views of atlas objects, shared by the CLI, the API and the pages."""

from knotwork.atlas.catalog import get_atlas
from knotwork.atlas.ranking import Referral


def referral_dict(referral: Referral) -> dict:
    muscle = get_atlas().muscles[referral.muscle_id]
    return {
        "muscle": muscle.id,
        "name": muscle.name,
        "side": referral.side,
        "score": referral.score,
        "trigger_points": list(referral.trigger_points),
        "explained": list(referral.explained),
        "explained_essential": list(referral.explained_essential),
        "explained_spillover": list(referral.explained_spillover),
        "explained_site": list(referral.explained_site),
        "near": list(referral.near),
        "unexplained": list(referral.unexplained),
        "essential_not_drawn": list(referral.essential_not_drawn),
        "spillover_not_drawn": list(referral.spillover_not_drawn),
        "worst_part_drawn": referral.core_drawn,
        "summary": referral_summary(referral),
    }


def _labels(region_ids) -> list[str]:
    regions = get_atlas().regions
    return [regions[r].label for r in region_ids]


def _side_label(side: str) -> str:
    return "both sides" if side == "both" else side


def referral_summary(referral: Referral) -> str:
    """One plain sentence: how much of the drawing this suggestion explains."""
    drawn = len(referral.drawn_regions)
    explained = len(referral.explained)
    if explained == drawn:
        return f"Explains all {drawn} drawn regions." if drawn > 1 else "Explains the drawn region."
    return f"Explains {explained} of {drawn} drawn regions."


def referral_explanation(referral: Referral) -> dict:
    """What the differential shows for one suggestion: which drawn regions it explains and how, which it does not."""
    muscle = get_atlas().muscles[referral.muscle_id]
    return {
        "muscle": muscle,
        "side": referral.side,
        "side_label": _side_label(referral.side),
        "detail_side": referral.side,
        "trigger_points": list(referral.trigger_points),
        "summary": referral_summary(referral),
        "essential": _labels(referral.explained_essential),
        "spillover": _labels(referral.explained_spillover),
        "site": _labels(referral.explained_site),
        "near": _labels(referral.near),
        "unexplained": _labels(referral.unexplained),
        "worst_part_drawn": referral.core_drawn,
        "complete": not referral.unexplained and not referral.near,
    }


def trigger_point_dicts(muscle, side: str = "right") -> list[dict]:
    """Each trigger point of a muscle on a side with its own pattern (region ids) and sources."""
    return [
        {
            "label": site.label,
            "side": site.side,
            "region": site.region,
            "palpation": site.palpation,
            "essential": sorted(site.pattern.essential),
            "spillover": sorted(site.pattern.spillover),
            "worst_part": sorted(site.pattern.core),
            "own_pattern": site.own_pattern,
            "sources": [{"citation": c, "where": w} for c, w in site.sources],
        }
        for site in muscle.sites[side]
    ]


def muscle_summary_dict(muscle) -> dict:
    return {
        "id": muscle.id,
        "name": muscle.name,
        "group": muscle.group,
        "group_label": muscle.group_label,
        "site_count": len(muscle.sites["right"]),
        "certainty": muscle.certainty,
    }


def muscle_dict(muscle) -> dict:
    return {
        **muscle_summary_dict(muscle),
        "action": muscle.action,
        "laterality": muscle.laterality,
        "symptoms": list(muscle.symptoms),
        "activating_factors": list(muscle.activating_factors),
        "activators": list(muscle.activators),
        "differential": muscle.differential,
        "self_care": muscle.self_care,
        "needling_safety": muscle.needling_safety,
        "certainty_note": muscle.certainty_note,
        "sources": [{"citation": c, "where": w} for c, w in muscle.sources],
        "sites": [
            {k: getattr(site, k) for k in ("label", "side", "view", "region", "x", "y", "palpation")}
            for side in ("right", "left")
            for site in muscle.sites[side]
        ],
        "trigger_points": trigger_point_dicts(muscle, "right") + trigger_point_dicts(muscle, "left"),
        "referral": {
            side: {"essential": sorted(p.essential), "spillover": sorted(p.spillover)}
            for side, p in muscle.patterns.items()
        },
    }
