"""Text messages: sent through a gateway on loopback to patients who agreed, retried with backoff, stopped by STOP."""

import base64
import datetime
import hashlib
import hmac
import http.server
import json
import logging
import threading
import urllib.parse

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from knotwork.core.policy import SystemActor
from knotwork.messaging.models import MessageStatus, OutboundText, PatientMessage, TextConsent
from knotwork.messaging.services import TEXT_BACKOFF, record_text_consent, send_due_texts, send_to_patient
from knotwork.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
SWEEP = SystemActor("test sweep")
TOKEN = "test-auth-token"


class FakeGateway(http.server.BaseHTTPRequestHandler):
    """Twilio's Messages endpoint as far as Knotwork uses it; answers with `status` (set by the test)."""

    received: list[dict] = []
    status = 201

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        fields = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        FakeGateway.received.append({"path": self.path, "auth": self.headers["Authorization"], **fields})
        body = json.dumps({"sid": f"SM{len(FakeGateway.received):04d}"}).encode()
        self.send_response(FakeGateway.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    FakeGateway.received, FakeGateway.status = [], 201
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with override_settings(
        SMS_PROVIDER="twilio",
        SMS_API_BASE=f"http://127.0.0.1:{server.server_address[1]}",
        SMS_ACCOUNT_SID="AC123",
        SMS_AUTH_TOKEN=TOKEN,
        SMS_FROM="+15005550006",
    ):
        yield FakeGateway
    server.shutdown()
    server.server_close()


@pytest.fixture
def patient(clinic_a, practitioner):
    patient = PatientFactory(clinic=clinic_a, email="ada@example.org", phone="+13035550123")
    record_text_consent(patient=patient, phone="+13035550123", by=practitioner)
    return patient


def _send(patient, body="Your visit is tomorrow at 10:00. Reply STOP to stop texts."):
    return send_to_patient(patient=patient, subject="Knotwork", body=body, purpose="reminder", reference="r1")


def test_a_patient_who_agreed_gets_the_text_as_well_as_the_email(gateway, patient, caplog):
    caplog.set_level(logging.DEBUG)
    message = _send(patient)
    assert message.status == MessageStatus.SENT
    assert len(mail.outbox) == 1
    [text] = gateway.received
    assert text["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
    assert text["To"] == "+13035550123"
    assert text["From"] == "+15005550006"
    assert "tomorrow at 10:00" in text["Body"]
    assert text["auth"] == "Basic " + base64.b64encode(f"AC123:{TOKEN}".encode()).decode()
    assert set(PatientMessage.objects.values_list("channel", "status")) == {("email", "sent"), ("sms", "sent")}
    assert "tomorrow" not in caplog.text


def test_no_agreement_no_text(gateway, clinic_a):
    patient = PatientFactory(clinic=clinic_a, email="bo@example.org", phone="+13035550124")
    _send(patient)
    assert gateway.received == []
    assert list(PatientMessage.objects.values_list("channel", flat=True)) == ["email"]


def test_a_refused_text_is_kept_encrypted_and_tried_again_with_backoff(gateway, patient):
    gateway.status = 500
    _send(patient, body="Secret-ish words")
    text = PatientMessage.objects.get(channel="sms")
    assert text.status == MessageStatus.RETRYING
    outbound = OutboundText.objects.get(message=text)
    assert b"Secret-ish" not in bytes(outbound.body_encrypted)
    first_try = outbound.next_attempt_at
    assert send_due_texts(now=first_try - datetime.timedelta(seconds=1), by=SWEEP) == 0
    assert send_due_texts(now=first_try, by=SWEEP) == 0  # still down
    outbound.refresh_from_db()
    assert outbound.next_attempt_at == first_try + TEXT_BACKOFF[1]
    gateway.status = 201
    assert send_due_texts(now=outbound.next_attempt_at, by=SWEEP) == 1
    text.refresh_from_db()
    outbound.refresh_from_db()
    assert text.status == MessageStatus.SENT
    assert bytes(outbound.body_encrypted) == b""
    assert gateway.received[-1]["Body"].endswith("Secret-ish words")


def test_after_the_last_try_the_text_is_failed_and_the_front_desk_sees_it(gateway, patient, front_desk_client):
    gateway.status = 503
    _send(patient)
    at = timezone.now()
    for _ in range(len(TEXT_BACKOFF) + 1):
        at += datetime.timedelta(hours=7)
        send_due_texts(now=at, by=SWEEP)
    text = PatientMessage.objects.get(channel="sms")
    assert text.status == MessageStatus.FAILED
    assert bytes(OutboundText.objects.get(message=text).body_encrypted) == b""
    today = front_desk_client.get(reverse("followup:dashboard")).content.decode()
    assert "Messages not delivered" in today
    assert patient.display_name in today


def _signed(params: dict) -> str:
    url = settings.KNOTWORK_BASE_URL + reverse("messaging:inbound_text")
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    return base64.b64encode(hmac.new(TOKEN.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def test_a_stop_reply_ends_texts_to_that_number(gateway, patient):
    params = {"From": "+13035550123", "To": "+15005550006", "Body": " stop "}
    answer = Client().post(reverse("messaging:inbound_text"), params, HTTP_X_TWILIO_SIGNATURE=_signed(params))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/xml"
    consent = TextConsent.objects.get(patient=patient)
    assert consent.withdrawn_via == "stop"
    _send(patient)
    assert gateway.received == []


def test_an_unsigned_or_forged_reply_changes_nothing(gateway, patient):
    params = {"From": "+13035550123", "Body": "STOP"}
    assert Client().post(reverse("messaging:inbound_text"), params).status_code == 403
    forged = Client().post(reverse("messaging:inbound_text"), params, HTTP_X_TWILIO_SIGNATURE="Zm9yZ2Vk")
    assert forged.status_code == 403
    assert TextConsent.objects.get(patient=patient).withdrawn_at is None


def test_other_replies_are_not_consent_changes(gateway, patient):
    params = {"From": "+13035550123", "Body": "See you then"}
    Client().post(reverse("messaging:inbound_text"), params, HTTP_X_TWILIO_SIGNATURE=_signed(params))
    assert TextConsent.objects.get(patient=patient).withdrawn_at is None


def test_staff_record_and_stop_texts_on_the_chart(practitioner_client, clinic_a):
    patient = PatientFactory(clinic=clinic_a, phone="+13035550125")
    url = reverse("chart:text_consent", args=[patient.public_id])
    practitioner_client.post(url, {"texts": "agree"})
    consent = TextConsent.objects.get(patient=patient, withdrawn_at=None)
    assert consent.phone == "+13035550125"
    assert consent.source == "front_desk"
    chart = practitioner_client.get(reverse("chart:patient", args=[patient.public_id])).content.decode()
    assert "Stop texts" in chart
    practitioner_client.post(url, {"texts": "stop"})
    assert not TextConsent.objects.filter(patient=patient, withdrawn_at=None).exists()


def test_no_mobile_number_no_agreement(practitioner_client, clinic_a):
    patient = PatientFactory(clinic=clinic_a, phone="")
    response = practitioner_client.post(reverse("chart:text_consent", args=[patient.public_id]), {"texts": "agree"})
    assert response.status_code == 302
    assert not TextConsent.objects.filter(patient=patient).exists()


@override_settings(SMS_PROVIDER="console")
def test_the_console_gateway_logs_that_a_text_went_never_what_it_said(patient, caplog):
    caplog.set_level(logging.INFO)
    _send(patient, body="Private words about the visit")
    assert "…23" in caplog.text
    assert "Private words" not in caplog.text
