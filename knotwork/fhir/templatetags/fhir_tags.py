from django import template

from knotwork.fhir import policy

register = template.Library()


@register.simple_tag
def may_read_fhir(user) -> bool:
    """Whether to show "Export FHIR" (the endpoint asks the same policy before it answers)."""
    return policy.read_refusal(user) is None
