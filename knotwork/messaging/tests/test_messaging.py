import pytest
from django.core import mail
from django.test import override_settings

from knotwork.messaging.models import MessagePurpose, MessageStatus, PatientMessage
from knotwork.messaging.services import send_to_patient
from knotwork.patients.tests.factories import PatientFactory


class BrokenChannel:
    """A provider that is down."""

    name = "broken"

    def can_reach(self, patient) -> bool:
        return True

    def send(self, *, patient, subject: str, body: str) -> None:
        raise ConnectionError("provider down")


class PhoneOnlyChannel:
    """A text-message provider that reaches only patients with a phone number (sends nothing here)."""

    name = "sms"
    sent: list = []

    def can_reach(self, patient) -> bool:
        return bool(patient.phone)

    def send(self, *, patient, subject: str, body: str) -> None:
        PhoneOnlyChannel.sent.append(patient.pk)


@pytest.fixture
def patient(clinic_a):
    return PatientFactory(clinic=clinic_a, email="ada@example.org", phone="")


def test_a_message_is_emailed_and_recorded_without_its_text(patient):
    message = send_to_patient(
        patient=patient, subject="Reminder", body="Secret body", purpose=MessagePurpose.REMINDER, reference="abc"
    )
    assert (message.channel, message.status, message.reference) == ("email", MessageStatus.SENT, "abc")
    assert mail.outbox[0].to == ["ada@example.org"]
    stored = PatientMessage.objects.values().get()
    assert "Secret body" not in str(stored)
    assert stored["clinic_id"] == patient.clinic_id


def test_a_patient_no_channel_reaches_is_recorded_as_unreachable(clinic_a):
    patient = PatientFactory(clinic=clinic_a, email="", phone="")
    message = send_to_patient(patient=patient, subject="s", body="b", purpose=MessagePurpose.LINK)
    assert (message.channel, message.status) == ("", MessageStatus.UNREACHABLE)
    assert mail.outbox == []


@override_settings(PATIENT_MESSAGE_CHANNELS=["knotwork.messaging.tests.test_messaging.BrokenChannel"])
def test_a_failing_provider_is_recorded_as_failed_with_the_error_kind_only(patient):
    message = send_to_patient(patient=patient, subject="s", body="b", purpose=MessagePurpose.CHECK_IN)
    assert (message.channel, message.status, message.error) == ("broken", MessageStatus.FAILED, "ConnectionError")
    assert PatientMessage.objects.get().status == MessageStatus.FAILED


@override_settings(
    PATIENT_MESSAGE_CHANNELS=[
        "knotwork.messaging.tests.test_messaging.PhoneOnlyChannel",
        "knotwork.messaging.channels.EmailChannel",
    ]
)
def test_channels_are_tried_in_order_and_the_first_that_reaches_the_patient_sends(patient):
    PhoneOnlyChannel.sent = []
    message = send_to_patient(patient=patient, subject="s", body="b", purpose=MessagePurpose.REMINDER)
    assert message.channel == "email"
    assert PhoneOnlyChannel.sent == []
    patient.phone = "+441632960001"
    assert send_to_patient(patient=patient, subject="s", body="b", purpose=MessagePurpose.REMINDER).channel == "sms"
    assert PhoneOnlyChannel.sent == [patient.pk]


def test_the_record_keeps_the_table_the_follow_up_app_made():
    # Moving the model between apps moved no rows: the table keeps its name.
    assert PatientMessage._meta.db_table == "followup_patientmessage"
