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
    }
