"""The chart's billing card: the patient's balance, packages left, and visits waiting for an invoice."""

from django import template

from knotwork.billing import selectors
from knotwork.core import policy

register = template.Library()


@register.inclusion_tag("billing/components/chart_card.html", takes_context=True)
def billing_card(context, patient) -> dict:
    """A fixed number of queries whatever the patient's history (the chart's query-count test)."""
    user = context["request"].user
    money = policy.can(user, "record_payment", patient)
    return {
        "patient": patient,
        "packages": list(selectors.open_packages(patient)),
        "money": money,
        "account": selectors.patient_account(patient) if money else None,
        "visits": selectors.visits_to_invoice(patient) if money else [],
        # Each line names the invoice, its state and what it still asks: none of the rows an invoice joins.
        "invoices": list(
            selectors.list_invoices(user, patient=patient).select_related(None).order_by("-created_at")[:5]
        ),
    }


@register.inclusion_tag("billing/components/packages_left.html")
def packages_left(patient) -> dict:
    """What is left of the patient's prepaid packages, for the booking screen (one query)."""
    return {"packages": list(selectors.open_packages(patient))}
