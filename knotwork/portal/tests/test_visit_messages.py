"""The patient hears when a visit is booked, moved or cancelled: in the clinic's words, with a calendar file and
the links to the care page and the forms still to fill."""

import datetime

import pytest
from django.core import mail
from django.test import override_settings

from knotwork.core.policy import SystemActor
from knotwork.messaging import services as messaging
from knotwork.messaging.models import MessageStatus, PatientMessage
from knotwork.patients.tests.factories import PatientFactory
from knotwork.portal import services as portal
from knotwork.portal.models import LinkPurpose, PatientLink
from knotwork.portal.tests.conftest import links_in, open_link
from knotwork.scheduling import services as scheduling
from knotwork.treatment.tests.test_session import screened

pytestmark = pytest.mark.django_db


def visit_emails():
    return [m for m in mail.outbox if "appointment" in m.subject.lower()]


def test_a_booking_is_confirmed_with_a_calendar_file_and_the_links_to_fill_the_forms(
    calendar, front_desk, patient_client, django_capture_on_commit_callbacks
):
    patient = PatientFactory(clinic=calendar.clinic, first_name="Robin", email="robin@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        appointment = calendar.book(patient, 2, 10, by=front_desk)
    [email] = mail.outbox  # one message, not one per link
    assert email.to == ["robin@example.org"]
    assert email.subject == (
        f"[{calendar.clinic.name}] Your appointment on Wednesday 4 March 2026 at 10:00 (Europe/London time)"
    )
    assert email.body.startswith("Hello Robin,")
    assert patient.last_name not in email.body
    [(name, content, mimetype)] = email.attachments
    assert (name, mimetype) == ("appointment-20260304-1000.ics", "text/calendar")
    assert "BEGIN:VCALENDAR" in content
    assert f"{appointment.public_id}@knotwork" in content
    assert "+44 20 7946 0000" in email.body
    # The care page, the intake form and the consent forms, each a private link of its own.
    purposes = {link.purpose for link in PatientLink.objects.filter(patient=patient)}
    assert purposes == {LinkPurpose.CARE, LinkPurpose.INTAKE, LinkPurpose.CONSENTS}
    intake, consents, care = links_in(email.body)  # in the order of the default words
    assert "intake form" in email.body
    assert "consent forms" in email.body
    assert "Your appointments" in open_link(patient_client, care).text
    assert "Your consent forms" in open_link(patient_client, consents).text
    intake_page = open_link(patient_client, intake)
    assert intake_page.status_code == 200
    record = PatientMessage.objects.get(patient=patient)
    assert (record.purpose, record.status, record.reference) == ("booking", "sent", str(appointment.public_id))


def test_a_patient_with_the_intake_and_consents_done_gets_only_the_care_page(
    calendar, practitioner, django_capture_on_commit_callbacks
):
    patient = screened(calendar.clinic, practitioner)  # intake submitted, manual therapy consented
    with django_capture_on_commit_callbacks(execute=True):
        calendar.book(patient, 2, 10, by=practitioner)
    [email] = mail.outbox
    assert len(links_in(email.body)) == 1
    assert "intake form" not in email.body
    assert "consent forms" not in email.body


def test_an_open_care_link_is_reused_not_replaced(calendar, practitioner, django_capture_on_commit_callbacks):
    patient = screened(calendar.clinic, practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        calendar.book(patient, 2, 10, by=practitioner)
        calendar.book(patient, 3, 10, by=practitioner)
    first, second = mail.outbox
    assert links_in(first.body) == links_in(second.body)
    assert PatientLink.objects.filter(patient=patient, purpose=LinkPurpose.CARE).count() == 1


def test_a_move_says_the_new_and_the_old_time_with_a_new_calendar_file(
    calendar, practitioner, django_capture_on_commit_callbacks
):
    patient = screened(calendar.clinic, practitioner)
    appointment = calendar.book(patient, 2, 10, by=practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.move_appointment(appointment=appointment, starts_at=calendar.at(3, 14), by=practitioner)
    [email] = mail.outbox
    assert "moved to Thursday 5 March 2026 at 14:00" in email.subject
    assert "Before: Wednesday 4 March 2026 at 10:00" in email.body
    [(name, _content, _type)] = email.attachments
    assert name == "appointment-20260305-1400.ics"


def test_a_cancellation_is_said_without_a_calendar_file(calendar, practitioner, django_capture_on_commit_callbacks):
    patient = screened(calendar.clinic, practitioner)
    appointment = calendar.book(patient, 2, 10, by=practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.cancel_appointment(appointment=appointment, reason="Clinic closed", by=practitioner)
    [email] = mail.outbox
    assert "is cancelled" in email.subject
    assert "Clinic closed" not in email.body  # the clinic's reason stays in the clinic
    assert email.attachments == []


def test_the_clinics_own_words_are_used(calendar, owner, practitioner, django_capture_on_commit_callbacks):
    messaging.save_message_template(
        clinic=calendar.clinic,
        kind="confirmation",
        subject="Booked: {{when}}",
        body="Hi {{patient_first_name}}, {{practitioner}} sees you {{when}}.\nCare page: {{care_link}}",
        by=owner,
    )
    patient = screened(calendar.clinic, practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        calendar.book(patient, 2, 10, by=practitioner)
    [email] = mail.outbox
    assert email.subject == "Booked: Wednesday 4 March 2026 at 10:00 (Europe/London time)"
    assert email.body.startswith(f"Hi {patient.first_name}, ")


def test_a_patient_no_channel_reaches_gets_no_links_and_the_attempt_is_recorded(
    calendar, practitioner, django_capture_on_commit_callbacks
):
    patient = PatientFactory(clinic=calendar.clinic, email="")
    with django_capture_on_commit_callbacks(execute=True):
        calendar.book(patient, 2, 10, by=practitioner)
    assert mail.outbox == []
    assert not PatientLink.objects.filter(patient=patient).exists()
    assert PatientMessage.objects.get(patient=patient).status == MessageStatus.UNREACHABLE


@override_settings(SMS_PROVIDER="console")
def test_a_patient_who_agreed_to_texts_also_gets_a_text(calendar, practitioner, django_capture_on_commit_callbacks):
    patient = screened(calendar.clinic, practitioner)
    messaging.record_text_consent(patient=patient, phone="+447700900123", by=practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        calendar.book(patient, 2, 10, by=practitioner)
    channels = set(PatientMessage.objects.filter(patient=patient).values_list("channel", "status"))
    assert channels == {("email", "sent"), ("sms", "sent")}
    assert len(mail.outbox[0].attachments) == 1


def test_the_reminder_uses_the_clinics_words(calendar, owner, practitioner):
    messaging.save_message_template(
        clinic=calendar.clinic,
        kind="reminder",
        subject="Tomorrow: {{when}}",
        body="{{patient_first_name}}, see {{practitioner}} {{when}}. Call {{clinic_phone}} to change it.",
        by=owner,
    )
    patient = screened(calendar.clinic, practitioner)
    appointment = calendar.book(patient, 2, 10, by=practitioner)
    due = appointment.starts_at - datetime.timedelta(hours=2)
    assert scheduling.send_reminder(appointment_id=appointment.pk, by=SystemActor("test sweep"), now=due)
    [email] = mail.outbox
    assert email.subject == "Tomorrow: Wednesday 4 March 2026 at 10:00 (Europe/London time)"
    assert "Call +44 20 7946 0000 to change it." in email.body


def test_knotwork_sends_the_message_of_an_online_booking(calendar, practitioner):
    """Online booking and the waitlist act as Knotwork: the message goes with the care and consent links; the
    intake link needs an intake opened, which only staff may do (assessment's `start_intake` rule)."""
    patient = PatientFactory(clinic=calendar.clinic, email="new@example.org")
    appointment = calendar.book(patient, 2, 10, by=practitioner)
    message = portal.send_visit_message(appointment=appointment, change="booked", by=SystemActor("online booking"))
    assert message.status == MessageStatus.SENT
    [email] = mail.outbox
    assert "consent forms" in email.body
    purposes = set(PatientLink.objects.filter(patient=patient).values_list("purpose", flat=True))
    assert LinkPurpose.CARE in purposes
    assert LinkPurpose.CONSENTS in purposes


def test_a_message_for_a_visit_cancelled_since_is_not_sent(calendar, practitioner):
    patient = screened(calendar.clinic, practitioner)
    appointment = calendar.book(patient, 2, 10, by=practitioner)
    scheduling.cancel_appointment(appointment=appointment, reason="Changed plans", by=practitioner)
    assert portal.send_visit_message(appointment=appointment, change="booked", by=practitioner) is None
    assert mail.outbox == []
