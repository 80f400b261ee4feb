"""Questionnaires for pages of lower floors (the session page links to recording one), without their importing us."""

from django import template

from knotwork.outcomes.models import Instrument

register = template.Library()


@register.simple_tag
def questionnaire_choices() -> list[tuple[str, str]]:
    """Every questionnaire Knotwork scores, as (code, label): `{% questionnaire_choices as choices %}`."""
    return list(Instrument.choices)
