"""One row of every clinic-scoped billing model, for the clinic-isolation and read-audit URL walks."""

from decimal import Decimal

from knotwork.billing import services
from knotwork.billing.models import FeeKind


def records(patient, owner, marker) -> list:
    clinic = patient.clinic
    settings = services.update_billing_settings(clinic=clinic, invoice_footer=f"{marker} bank", by=owner)
    identifiers = services.set_practitioner_billing(practitioner=owner, npi="1234567893", credentials="DPT", by=owner)
    product = services.create_fee_item(
        clinic=clinic, kind=FeeKind.PRODUCT, name=f"{marker} roller", price=Decimal("25"), by=owner
    )
    course = services.create_fee_item(
        clinic=clinic, kind=FeeKind.PACKAGE, name=f"{marker} course", price=Decimal("200"), sessions=5, by=owner
    )
    session = patient.sessions.filter(status="signed").first()
    if session is not None:
        invoice = services.draft_invoice_from_visit(session=session, by=owner)
    else:
        invoice = services.draft_invoice(patient=patient, by=owner)
    services.add_invoice_line(invoice=invoice, fee_item=product, by=owner)
    invoice = services.issue_invoice(invoice=invoice, by=owner)
    payment = services.record_payment(invoice=invoice, method="cash", amount=Decimal("10"), by=owner)
    credit_note = services.credit_invoice(invoice=invoice, amount=Decimal("5"), reason=f"{marker} goodwill", by=owner)
    sale = services.sell_package(patient=patient, item=course, by=owner)
    return [
        settings,
        identifiers,
        product,
        course,
        invoice,
        *invoice.lines.all(),
        *invoice.diagnoses.all(),
        payment,
        credit_note,
        sale,
        *sale.packages_sold.all(),
    ]
