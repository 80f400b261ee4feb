"""Visitors submitting the same time at once on PostgreSQL, each through the public page in its own connection,
released together by a barrier."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from knotwork.booking.models import OnlineBooking
from knotwork.booking.tests.conftest import MONDAY
from knotwork.scheduling.models import Appointment
from knotwork.scheduling.tests.factories import at

THREADS = 6

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("now"),
]


def test_visitors_racing_for_one_time_get_one_booking_and_the_rest_are_told_it_was_taken(
    booking_settings, london, practitioner, first_visit
):
    starts_at = at(london, MONDAY, 10)
    url = reverse("booking:book", args=[london.public_id])
    barrier = threading.Barrier(THREADS)
    answers, lock = [], threading.Lock()

    def run(i):
        try:
            data = {
                "type": str(first_visit.public_id),
                "who": "any",
                "day": MONDAY.isoformat(),
                "time": f"{practitioner.membership.public_id}|{starts_at.astimezone(datetime.UTC).isoformat()}",
                "first_name": f"Visitor{i}",
                "last_name": "Racing",
                "date_of_birth": f"1980-01-{1 + i:02d}",
                "email": f"visitor{i}@example.com",
                "phone": "+447911123456",
            }
            client = Client(REMOTE_ADDR=f"10.0.0.{i + 1}")
            barrier.wait(timeout=10)
            response = client.post(url, data)
            with lock:
                answers.append((response.status_code, response.content.decode()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _ in answers] == [200] * THREADS
    assert sum('id="booked"' in text for _, text in answers) == 1
    assert sum("just taken" in text or "no longer free" in text for _, text in answers) == THREADS - 1
    assert Appointment.objects.count() == 1
    assert OnlineBooking.objects.count() == 1
