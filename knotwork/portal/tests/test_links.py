import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from knotwork.assessment.models import Consent, Intake, IntakeStatus
from knotwork.patients.tests.factories import PatientFactory
from knotwork.portal.models import PatientLink
from knotwork.portal.services import create_patient_link


@pytest.fixture
def patient(clinic_a):
    return PatientFactory(clinic=clinic_a, email="ada@example.org")


def test_staff_create_a_link_that_is_emailed_and_shown_once(
    practitioner_client, patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = practitioner_client.post(
            reverse("portal:link_create", args=[patient.public_id]), {"purpose": "intake"}, follow=True
        )
    assert "/p/" in response.text
    assert mail.outbox[0].to == ["ada@example.org"]
    token = mail.outbox[0].body.split("/p/")[1].split("/")[0]
    assert token not in PatientLink.objects.get().token_hash  # only a hash is stored


def test_the_link_opens_only_that_patients_form_without_an_account(client, patient, practitioner):
    _link, token = create_patient_link(patient=patient, purpose="intake", by=practitioner, send_email=False)
    page = client.get(reverse("portal:entry", args=[token]))
    assert page.status_code == 200
    assert "Before your visit" in page.text
    assert patient.clinic.name in page.text
    assert patient.last_name not in page.text  # nothing beyond what the patient needs
    assert "<nav" not in page.text


def test_a_wrong_token_is_404_and_a_replaced_link_is_closed(client, patient, practitioner):
    assert client.get(reverse("portal:entry", args=["not-a-token"])).status_code == 404
    _, first = create_patient_link(patient=patient, purpose="intake", by=practitioner, send_email=False)
    create_patient_link(patient=patient, purpose="intake", by=practitioner, send_email=False)
    replaced = client.get(reverse("portal:entry", args=[first]))
    assert replaced.status_code == 410
    assert "replaced this link" in replaced.text


def test_an_expired_link_is_closed(client, patient, practitioner):
    with time_machine.travel(datetime.datetime(2026, 11, 1, 9, tzinfo=datetime.UTC), tick=False):
        _, token = create_patient_link(patient=patient, purpose="intake", by=practitioner, send_email=False)
    with time_machine.travel(datetime.datetime(2026, 11, 9, 9, tzinfo=datetime.UTC), tick=False):
        response = client.get(reverse("portal:entry", args=[token]))
    assert response.status_code == 410
    assert "expired" in response.text


def test_a_submitted_form_uses_up_the_link(client, patient, practitioner):
    from knotwork.assessment.tests.test_intake_and_screen import BASE, all_no

    _, token = create_patient_link(patient=patient, purpose="intake", by=practitioner, send_email=False)
    url = reverse("portal:entry", args=[token])
    data = {"action": "submit", **BASE}
    data.update({f"q_{q}": "no" for q in all_no()})
    done = client.post(url, data)
    assert "Thank you" in done.text
    assert Intake.objects.get(patient=patient).status == IntakeStatus.SUBMITTED
    again = client.get(url)
    assert again.status_code == 410
    assert "already been completed" in again.text


def test_a_consent_link_signs_the_current_version(client, patient, practitioner):
    _, token = create_patient_link(
        patient=patient, purpose="consent", technique="tens", by=practitioner, send_email=False
    )
    url = reverse("portal:entry", args=[token])
    page = client.get(url)
    shown = page.context["form"].initial["shown_hash"]
    client.post(url, {"shown_hash": shown, "signed_name": "Ada Patient", "agree": "on", "signature": "M1 1 L9 9"})
    consent = Consent.objects.get(patient=patient)
    assert (consent.technique, consent.signed_via_link) == ("tens", True)
    assert client.get(url).status_code == 410
