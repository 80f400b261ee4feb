import datetime

import pytest
from django.core import mail
from django.test import override_settings

from knotwork.core.policy import SystemActor
from knotwork.messaging.models import PatientMessage
from knotwork.scheduling import services
from knotwork.scheduling.selectors import practitioner_name
from knotwork.scheduling.tasks import send_appointment_reminder
from knotwork.scheduling.tests.factories import MONDAY, at, book

SWEEP = SystemActor("test sweep")  # the task worker or `manage.py send_due_messages`

pytestmark = pytest.mark.usefixtures("now", "hours")
WEDNESDAY = MONDAY + datetime.timedelta(days=2)
DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def booked(london, patient, practitioner, treatment):
    london.phone = "+44 20 7946 0000"
    london.address = "1 Knot Street\nLondon"
    london.save()
    london.settings.reminder_hours_before = 24
    london.settings.save()
    return book(patient, practitioner, treatment, at(london, WEDNESDAY, 10))


def test_a_reminder_is_not_sent_before_it_is_due_and_only_once_when_due(booked, london, time_machine):
    due = at(london, WEDNESDAY, 10) - datetime.timedelta(hours=24)
    assert services.send_due_reminders(by=SWEEP, now=due - datetime.timedelta(minutes=1)) == 0
    assert mail.outbox == []
    time_machine.move_to(due, tick=False)
    assert services.send_due_reminders(by=SWEEP, now=due) == 1
    assert services.send_due_reminders(by=SWEEP, now=due + datetime.timedelta(minutes=5)) == 0
    send_appointment_reminder.call(appointment_id=booked.pk)  # a queued task arriving late does nothing
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [booked.patient.email]
    assert "Wednesday 4 March 2026 at 10:00 (Europe/London time)" in message.body
    assert london.name in message.body
    assert practitioner_name(booked.practitioner) in message.body
    assert "phone the clinic on +44 20 7946 0000" in message.body
    assert "Treatment" not in message.body
    assert booked.patient.last_name not in message.body
    record = PatientMessage.objects.get()
    assert (record.purpose, record.reference) == ("reminder", str(booked.public_id))
    booked.refresh_from_db()
    assert booked.reminder_sent_at == due


def test_no_reminder_for_a_cancelled_appointment(booked, london, practitioner):
    services.cancel_appointment(appointment=booked, by=practitioner, reason="Patient called")
    assert services.send_due_reminders(by=SWEEP, now=at(london, WEDNESDAY, 9)) == 0
    assert mail.outbox == []


def test_a_moved_appointment_is_reminded_for_its_new_time_only(booked, london, practitioner, time_machine):
    first_due = at(london, WEDNESDAY, 10) - datetime.timedelta(hours=24)
    time_machine.move_to(first_due, tick=False)
    assert services.send_due_reminders(by=SWEEP, now=first_due) == 1
    thursday = WEDNESDAY + datetime.timedelta(days=1)
    services.move_appointment(appointment=booked, starts_at=at(london, thursday, 10), by=practitioner)
    booked.refresh_from_db()
    assert booked.reminder_sent_at is None
    # The task queued for the old time runs and finds nothing due yet.
    assert (
        services.send_reminder(by=SWEEP, appointment_id=booked.pk, now=first_due + datetime.timedelta(minutes=1))
        is False
    )
    assert services.send_due_reminders(by=SWEEP, now=at(london, WEDNESDAY, 9, 59)) == 0
    assert services.send_due_reminders(by=SWEEP, now=at(london, WEDNESDAY, 10)) == 1
    assert "Thursday 5 March 2026 at 10:00" in mail.outbox[-1].body
    assert len(mail.outbox) == 2


def test_booking_queues_the_reminder_for_its_due_time_when_the_backend_can_defer(
    london, patient, practitioner, treatment, django_capture_on_commit_callbacks
):
    from django.tasks import default_task_backend

    with override_settings(TASKS=DUMMY_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            appointment = book(patient, practitioner, treatment, at(london, WEDNESDAY, 10))
        with django_capture_on_commit_callbacks(execute=True):
            services.move_appointment(appointment=appointment, starts_at=at(london, WEDNESDAY, 11), by=practitioner)
        results = default_task_backend.results
        assert [r.task.run_after for r in results] == [
            at(london, WEDNESDAY, 10) - datetime.timedelta(hours=24),
            at(london, WEDNESDAY, 11) - datetime.timedelta(hours=24),
        ]
        assert results[0].kwargs == {"appointment_id": appointment.pk}
        assert results[0].task.name == "send_appointment_reminder"


def test_the_immediate_backend_queues_nothing(
    london, patient, practitioner, treatment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        book(patient, practitioner, treatment, at(london, WEDNESDAY, 10))
    # Only the announcement of the booking (messages, waitlist) waits for the commit: no reminder is queued.
    assert [c.__qualname__ for c in callbacks] == ["_announce.<locals>.call"]
    assert not any("reminder" in message.subject.lower() for message in mail.outbox)
