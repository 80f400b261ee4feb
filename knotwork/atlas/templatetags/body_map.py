from django import template

from knotwork.atlas.bodymap import body_map_views

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
):
    """Render the front and back body map with a pain drawing and/or one muscle's sites and zones."""
    return {
        "views": body_map_views(drawing=drawing, muscle=muscle, side=side, views=views, points=points),
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
