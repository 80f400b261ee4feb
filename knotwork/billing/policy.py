"""Who handles money: the front desk and the owner draft, issue, correct and take payment; practitioners see the
invoices of their own visits; the owner keeps the fee schedule and the billing settings and reads the business
reports."""

from knotwork.clinics.models import Role
from knotwork.clinics.policy import OWNER, STAFF, rule
from knotwork.core.policy import Rule, register

MONEY = frozenset({Role.OWNER, Role.FRONT_DESK})
MONEY_WHO = "the front desk or the owner"


def money(action: str, doing: str) -> Rule:
    return Rule(action=action, doing=doing, roles=MONEY, who=MONEY_WHO)


def _own_invoice(by, invoice) -> str | None:
    """A practitioner sees the invoices of their own visits; the front desk and the owner see every one."""
    if invoice is None or by.membership.role != Role.PRACTITIONER:
        return None
    if getattr(invoice, "practitioner_id", None) == by.pk:
        return None
    return "A practitioner sees the invoices of their own visits; the front desk and the owner see every one."


register(
    rule("change_billing_settings", "change the billing settings", OWNER),
    rule("change_fee_schedule", "change the fee schedule", OWNER),
    money("draft_invoice", "draft an invoice"),
    money("edit_invoice", "change a draft invoice"),
    money("issue_invoice", "issue an invoice"),
    money("void_invoice", "void an invoice"),
    money("credit_invoice", "write a credit note"),
    money("record_payment", "record a payment"),
    money("refund_payment", "give a refund"),
    money("sell_package", "sell a package"),
    rule(
        "see_invoice",
        "see an invoice",
        STAFF,
        condition=_own_invoice,
        condition_text="practitioners: their own visits' invoices",
    ),
    rule("see_business_reports", "see the business reports", OWNER),
)
