"""Who may call each billing service (rows for tests/test_policy_table.py): the front desk and the owner handle
money; the owner keeps the settings and the fee schedule; practitioners, Knotwork itself and patients do neither."""

from decimal import Decimal

from knotwork.billing import services
from knotwork.billing.models import FeeKind
from tests.policy_actors import FRONT_DESK, OWNER

MONEY = {OWNER, FRONT_DESK}


def _roller(w):
    return services.create_fee_item(
        clinic=w.clinic, kind=FeeKind.PRODUCT, name="Foam roller", price=Decimal("25.00"), by=w.owner
    )


def _draft(w):
    draft = services.draft_invoice(patient=w.patient, by=w.owner)
    services.add_invoice_line(invoice=draft, fee_item=_roller(w), by=w.owner)
    return draft


def _issued(w):
    return services.issue_invoice(invoice=_draft(w), by=w.owner)


def _overpaid(w):
    invoice = _issued(w)
    services.record_payment(invoice=invoice, method="cash", amount=Decimal("40"), by=w.owner)
    return invoice


def _package(w):
    return services.create_fee_item(
        clinic=w.clinic, kind=FeeKind.PACKAGE, name="Course of 5", price=Decimal("200"), sessions=5, by=w.owner
    )


ROWS = {
    "billing.services.setup.update_billing_settings": ({OWNER}, lambda w: {"clinic": w.clinic, "currency": "EUR"}),
    "billing.services.setup.set_practitioner_billing": (
        {OWNER},
        lambda w: {"practitioner": w.practitioner, "npi": "1234567893", "taxonomy": "225100000X"},
    ),
    "billing.services.fees.create_fee_item": (
        {OWNER},
        lambda w: {"clinic": w.clinic, "kind": "product", "name": "TENS unit", "price": Decimal("49.00")},
    ),
    "billing.services.fees.update_fee_item": ({OWNER}, lambda w: {"item": _roller(w), "price": Decimal("30")}),
    "billing.services.invoices.draft_invoice": (MONEY, lambda w: {"patient": w.patient}),
    "billing.services.invoices.draft_invoice_from_visit": (MONEY, lambda w: {"session": w.signed_note.session}),
    "billing.services.invoices.add_invoice_line": (
        MONEY,
        lambda w: {"invoice": services.draft_invoice(patient=w.patient, by=w.owner), "fee_item": _roller(w)},
    ),
    "billing.services.invoices.update_invoice_line": (
        MONEY,
        lambda w: {"line": _draft(w).lines.get(), "quantity": 2},
    ),
    "billing.services.invoices.remove_invoice_line": (MONEY, lambda w: {"line": _draft(w).lines.get()}),
    "billing.services.invoices.update_invoice": (MONEY, lambda w: {"invoice": _draft(w), "notes": "Paid at the desk"}),
    "billing.services.invoices.issue_invoice": (MONEY, lambda w: {"invoice": _draft(w)}),
    "billing.services.invoices.delete_draft": (MONEY, lambda w: {"invoice": _draft(w)}),
    "billing.services.invoices.void_invoice": (MONEY, lambda w: {"invoice": _issued(w), "reason": "Wrong patient"}),
    "billing.services.invoices.credit_invoice": (MONEY, lambda w: {"invoice": _issued(w), "reason": "Returned"}),
    "billing.services.invoices.sell_package": (MONEY, lambda w: {"patient": w.patient, "item": _package(w)}),
    "billing.services.payments.record_payment": (
        MONEY,
        lambda w: {"invoice": _issued(w), "method": "cash", "amount": Decimal("10")},
    ),
    "billing.services.payments.refund_payment": (
        MONEY,
        lambda w: {
            "patient": _overpaid(w).patient,
            "amount": Decimal("5"),
            "method": "cash",
            "reason": "Overpaid",
        },
    ),
}

NOT_SERVICES = {
    # A step of issue_invoice, credit_invoice and record_payment, which asked the policy already: takes the next
    # number of a series under the counter's row lock.
    "billing.services.invoices.next_number",
    # Pure read of a session's records (treatment's codes module; listed here with the billing that uses it).
    "treatment.services.codes.session_coding",
}
