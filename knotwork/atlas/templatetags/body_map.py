from django import template

from knotwork.atlas.bodymap import body_map_views
from knotwork.atlas.ranking import Referral
from knotwork.atlas.serializers import referral_explanation

register = template.Library()


@register.inclusion_tag("atlas/components/body_map.html")
def body_map(
    drawing=(),
    muscle=None,
    side="right",
    prefix="bm",
    caption="",
    interactive=False,
    views=("front", "back"),
    points=(),
    picker=False,
    point="",
):
    """Render the front and back body map with a pain drawing and/or one muscle's (or trigger point's) sites and
    zones; side may be "both"."""
    return {
        "views": body_map_views(drawing=drawing, muscle=muscle, side=side, views=views, points=points, point=point),
        "picker": picker,
        "prefix": prefix,
        "caption": caption,
        "interactive": interactive,
        "muscle": muscle,
        "side": side,
    }


QUALITY_LEGEND = (
    ("ache", "ache"),
    ("sharp", "sharp"),
    ("burning", "burning"),
    ("tingling", "tingling or numbness"),
    ("stiffness", "stiffness"),
)


@register.inclusion_tag("atlas/components/quality_legend.html")
def quality_legend():
    """How each pain quality is outlined on the body map (the fill shows the intensity)."""
    return {"quality_legend": QUALITY_LEGEND}


@register.inclusion_tag("atlas/components/referral_explanation.html")
def referral_why(referral: Referral, link: str = ""):
    """Why the atlas suggests a muscle: the drawn regions it explains (essential, spillover, over the point itself,
    next to its zone) and those it does not. `link` overrides where the muscle's name leads."""
    return {"why": referral_explanation(referral), "link": link}
