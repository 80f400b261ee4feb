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
        "explained": list(referral.explained),
        "explained_essential": list(referral.explained_essential),
        "explained_spillover": list(referral.explained_spillover),
        "unexplained": list(referral.unexplained),
        "essential_not_drawn": list(referral.essential_not_drawn),
        "spillover_not_drawn": list(referral.spillover_not_drawn),
    }


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
        "sites": [vars(site) for side in ("right", "left") for site in muscle.sites[side]],
        "referral": {
            side: {"essential": sorted(p.essential), "spillover": sorted(p.spillover)}
            for side, p in muscle.patterns.items()
        },
    }
