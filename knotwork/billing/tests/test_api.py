"""The billing API: invoices and payments read with an audit entry, a payment recorded, refusals as problem+json."""

import datetime
from decimal import Decimal

import pytest

from knotwork.audit.models import AuditEntry
from knotwork.billing import services
from knotwork.billing.tests.factories import fee_schedule
from knotwork.patients.tests.factories import PatientFactory


@pytest.fixture
def issued(clinic_a, owner, front_desk):
    fees = fee_schedule(clinic_a, owner)
    draft = services.draft_invoice(patient=PatientFactory(clinic=clinic_a), by=front_desk)
    services.add_invoice_line(invoice=draft, fee_item=fees["roller"], by=front_desk)
    return services.issue_invoice(invoice=draft, by=front_desk)


def test_invoices_are_listed_and_read_with_an_audit_entry(front_desk_client, issued, front_desk):
    listed = front_desk_client.get("/api/v1/billing/invoices").json()["items"]
    assert [(i["number"], i["total"], i["due"]) for i in listed] == [("INV-00001", "27.50", "27.50")]
    detail = front_desk_client.get(f"/api/v1/billing/invoices/{issued.public_id}").json()
    assert detail["lines"][0]["description"] == "Foam roller"
    assert AuditEntry.objects.filter(
        patient=issued.patient, actor_id=front_desk.pk, action=AuditEntry.Action.ACCESS
    ).exists()


def test_a_payment_is_recorded_and_read_back(front_desk_client, issued):
    made = front_desk_client.post(
        f"/api/v1/billing/invoices/{issued.public_id}/payments",
        {"method": "card", "amount": "10.00", "reference": "slip 9"},
        content_type="application/json",
    )
    assert made.status_code == 201
    assert made.json()["receipt_number"] == 1
    payments = front_desk_client.get("/api/v1/billing/payments").json()["items"]
    assert [(p["amount"], p["method"]) for p in payments] == [("10.00", "card")]
    due = front_desk_client.get(f"/api/v1/billing/invoices/{issued.public_id}").json()["due"]
    assert Decimal(due) == Decimal("17.50")


def test_paying_a_void_invoice_through_the_api_is_refused(front_desk_client, issued, front_desk):
    services.void_invoice(invoice=issued, reason="Twice", by=front_desk)
    refused = front_desk_client.post(
        f"/api/v1/billing/invoices/{issued.public_id}/payments", {"method": "cash"}, content_type="application/json"
    )
    assert refused.status_code in (409, 422)
    assert refused["Content-Type"] == "application/problem+json"
    assert "void" in refused.json()["detail"]


def test_a_practitioner_cannot_record_payments_or_see_other_visits(practitioner_client, issued):
    assert practitioner_client.get(f"/api/v1/billing/invoices/{issued.public_id}").status_code == 404
    assert practitioner_client.get("/api/v1/billing/invoices").json()["items"] == []


def test_invoices_and_payments_walk_in_cursor_pages_and_filter_by_updated_since(
    front_desk_client, clinic_a, owner, front_desk
):
    fees = fee_schedule(clinic_a, owner)
    invoices = []
    for _ in range(3):
        draft = services.draft_invoice(patient=PatientFactory(clinic=clinic_a), by=front_desk)
        services.add_invoice_line(invoice=draft, fee_item=fees["roller"], by=front_desk)
        invoices.append(services.issue_invoice(invoice=draft, by=front_desk))
    url = "/api/v1/billing/invoices"
    first = front_desk_client.get(url, {"limit": 2}).json()
    rest = front_desk_client.get(url, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [i["id"] for i in first["items"] + rest["items"]] == [str(i.public_id) for i in invoices]
    assert rest["next_cursor"] is None
    since = datetime.datetime.now(datetime.UTC)
    services.void_invoice(invoice=invoices[1], reason="Twice", by=front_desk)
    changed = front_desk_client.get(url, {"updated_since": since.isoformat()}).json()["items"]
    assert [(i["id"], i["status"]) for i in changed] == [(str(invoices[1].public_id), "void")]
    services.record_payment(invoice=invoices[0], method="cash", by=front_desk)
    paid = front_desk_client.get("/api/v1/billing/payments", {"updated_since": since.isoformat()}).json()
    assert [p["invoice"] for p in paid["items"]] == [str(invoices[0].public_id)]
    # The paid invoice changed too (what is due on it): a client polling invoices finds it.
    changed = front_desk_client.get(url, {"updated_since": since.isoformat()}).json()["items"]
    assert {i["id"] for i in changed} == {str(invoices[1].public_id), str(invoices[0].public_id)}
    assert front_desk_client.get("/api/v1/billing/payments", {"cursor": "edited"}).status_code == 422
