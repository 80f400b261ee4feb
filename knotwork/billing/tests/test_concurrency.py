"""Gap-free invoice numbers under real concurrency on PostgreSQL: separate connections released together."""

import threading

import pytest
from django.db import connection, connections

from knotwork.billing import services
from knotwork.billing.models import Invoice, InvoiceCounter
from knotwork.billing.tests.factories import fee_schedule
from knotwork.patients.tests.factories import PatientFactory

THREADS = 8

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"),
    pytest.mark.django_db(transaction=True),
]


def test_two_people_issuing_at_the_same_moment_get_consecutive_numbers_without_gaps(clinic_a, owner, front_desk):
    fees = fee_schedule(clinic_a, owner)
    drafts = []
    for _ in range(THREADS):
        draft = services.draft_invoice(patient=PatientFactory(clinic=clinic_a), by=front_desk)
        services.add_invoice_line(invoice=draft, fee_item=fees["roller"], by=front_desk)
        drafts.append(draft)
    barrier = threading.Barrier(THREADS)
    numbers, errors, lock = [], [], threading.Lock()

    def run(i):
        try:
            barrier.wait(timeout=10)
            issued = services.issue_invoice(invoice=drafts[i], by=front_desk if i % 2 else owner)
            with lock:
                numbers.append(issued.sequence)
        except Exception as error:
            with lock:
                errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(numbers) == list(range(1, THREADS + 1))
    stored = sorted(Invoice.objects.filter(clinic=clinic_a).values_list("number", flat=True))
    assert stored == [f"INV-{n:05d}" for n in range(1, THREADS + 1)]
    assert InvoiceCounter.objects.get(clinic=clinic_a, kind="invoice").last == THREADS


def test_the_first_issue_of_a_new_clinic_races_safely_too(clinic_b, owner_b):
    """No counter row exists yet: every thread creates it at once (ON CONFLICT DO NOTHING), then one locks it."""
    fees = fee_schedule(clinic_b, owner_b)
    drafts = []
    for _ in range(4):
        draft = services.draft_invoice(patient=PatientFactory(clinic=clinic_b), by=owner_b)
        services.add_invoice_line(invoice=draft, fee_item=fees["roller"], by=owner_b)
        drafts.append(draft)
    barrier = threading.Barrier(4)
    numbers, lock = [], threading.Lock()

    def run(i):
        try:
            barrier.wait(timeout=10)
            issued = services.issue_invoice(invoice=drafts[i], by=owner_b)
            with lock:
                numbers.append(issued.sequence)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(numbers) == [1, 2, 3, 4]
