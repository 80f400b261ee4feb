"""Real concurrent bookings on PostgreSQL: separate connections released together by a barrier."""

import threading

import pytest
from django.db import connection, connections

from knotwork.core.errors import ClinicRuleError
from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling.models import Appointment, AppointmentBlock
from knotwork.scheduling.tests.factories import MONDAY, at, book

THREADS = 8

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("now", "hours"),
]


def race(attempt) -> tuple[list, list]:
    barrier = threading.Barrier(THREADS)
    booked, refused, lock = [], [], threading.Lock()

    def run(i):
        try:
            barrier.wait(timeout=10)
            try:
                result = attempt(i)
            except ClinicRuleError as error:
                with lock:
                    refused.append(str(error))
            else:
                with lock:
                    booked.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return booked, refused


def test_concurrent_bookings_of_one_practitioner_at_one_time_let_exactly_one_through(london, practitioner, treatment):
    patients = [PatientFactory(clinic=london) for _ in range(THREADS)]
    starts = at(london, MONDAY, 10)
    booked, refused = race(lambda i: book(patients[i], practitioner, treatment, starts))
    assert len(booked) == 1
    assert len(refused) == THREADS - 1
    assert all("already has an appointment at 10:00" in message for message in refused), refused
    assert Appointment.objects.count() == 1
    assert AppointmentBlock.objects.count() == 9


def test_concurrent_bookings_of_one_patient_with_different_practitioners_let_exactly_one_through(
    london, patient, practitioner, owner, treatment
):
    people = [practitioner, owner]
    starts = at(london, MONDAY, 11)
    booked, refused = race(
        lambda i: book(patient, people[i % 2], treatment, starts + (i // 2) * treatment.duration / 9)
    )
    # Starts 0, 5, 10, 15 minutes apart with a 45-minute visit: every pair overlaps, so only one can stand.
    assert len(booked) == 1, refused
    assert len(refused) == THREADS - 1
    assert Appointment.objects.count() == 1


def test_concurrent_bookings_of_one_room_let_exactly_one_through(london, practitioner, owner, treatment):
    from knotwork.scheduling import services

    room = services.create_room(clinic=london, name="Room 1", by=owner)
    patients = [PatientFactory(clinic=london) for _ in range(THREADS)]
    people = [practitioner, owner]
    starts = at(london, MONDAY, 15)
    # Different practitioners and patients: only the room is shared, and only one booking may hold it.
    booked, refused = race(
        lambda i: book(patients[i], people[i % 2], treatment, starts + (i // 2) * treatment.duration / 9, room=room)
    )
    assert len(booked) == 1, refused
    assert len(refused) == THREADS - 1
    assert AppointmentBlock.objects.filter(room=room).count() == 9
