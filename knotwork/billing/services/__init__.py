"""The one way to change billing records: settings and fees (`setup`, `fees`), invoices and credit notes
(`invoices`), payments, refunds and package sessions (`payments`)."""

from knotwork.billing.services.fees import create_fee_item, update_fee_item
from knotwork.billing.services.invoices import (
    add_invoice_line,
    credit_invoice,
    delete_draft,
    draft_invoice,
    draft_invoice_from_visit,
    issue_invoice,
    next_number,
    remove_invoice_line,
    sell_package,
    update_invoice,
    update_invoice_line,
    void_invoice,
)
from knotwork.billing.services.payments import record_payment, refund_payment
from knotwork.billing.services.setup import set_practitioner_billing, update_billing_settings

__all__ = [
    "add_invoice_line",
    "create_fee_item",
    "credit_invoice",
    "delete_draft",
    "draft_invoice",
    "draft_invoice_from_visit",
    "issue_invoice",
    "next_number",
    "record_payment",
    "refund_payment",
    "remove_invoice_line",
    "sell_package",
    "set_practitioner_billing",
    "update_billing_settings",
    "update_fee_item",
    "update_invoice",
    "update_invoice_line",
    "void_invoice",
]
