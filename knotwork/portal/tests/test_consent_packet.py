"""One link asks for every consent the patient still needs, signed on one page, instead of one link per technique."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from knotwork.assessment.models import Consent
from knotwork.assessment.selectors import active_consents
from knotwork.plans import services as plans
from knotwork.portal.models import LinkPurpose, PatientLink
from knotwork.portal.tests.conftest import open_link
from knotwork.treatment.tests.test_session import screened

pytestmark = pytest.mark.django_db
SIGNATURE = "M10 10 L50 40 L90 20"


@pytest.fixture
def planned(clinic_a, practitioner):
    """A patient who signed manual therapy and whose course plans dry needling, TENS and manual therapy."""
    patient = screened(clinic_a, practitioner)
    plans.create_plan(
        patient=patient,
        practitioner=practitioner,
        by=practitioner,
        starts_on=timezone.localdate(),
        techniques=["dry_needling", "tens", "manual_therapy"],
    )
    return patient


def send_packet(staff_client, patient):
    response = staff_client.post(
        reverse("portal:link_create", args=[patient.public_id]), {"purpose": "consents"}, follow=True
    )
    assert "Private consent forms link created" in response.text, response.text
    return response.text.split("/p/")[1].split("/")[0]


def test_staff_send_one_link_for_every_consent_still_needed(
    practitioner_client, planned, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_packet(practitioner_client, planned)
    link = PatientLink.objects.get(patient=planned, purpose=LinkPurpose.CONSENTS)
    assert link.techniques == ["dry_needling", "tens"]  # manual therapy is signed already
    [email] = mail.outbox
    assert "consent forms" in email.subject.lower()


def test_nothing_to_sign_is_said_to_staff(practitioner_client, clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)  # no course yet; the first visit's consent is signed
    response = practitioner_client.post(
        reverse("portal:link_create", args=[patient.public_id]), {"purpose": "consents"}, follow=True
    )
    assert "nothing to send" in response.text
    assert not PatientLink.objects.filter(patient=patient).exists()


def test_the_patient_signs_several_consents_in_one_go(practitioner_client, patient_client, planned):
    token = send_packet(practitioner_client, planned)
    page = open_link(patient_client, token)
    assert page.status_code == 200
    assert "Consent to dry needling" in page.text
    assert "Consent to TENS" in page.text
    assert "Sign 2 forms" in page.text
    hashes = {
        technique: page.text.split(f'name="shown_{technique}" value="')[1].split('"')[0]
        for technique in ("dry_needling", "tens")
    }
    response = patient_client.post(
        reverse("portal:consents"),
        {
            "agree_dry_needling": "on",
            "agree_tens": "on",
            "shown_dry_needling": hashes["dry_needling"],
            "shown_tens": hashes["tens"],
            "signed_name": "Pat Example",
            "signature": SIGNATURE,
        },
    )
    assert response.status_code == 200
    assert "your 2 consent forms" in response.text
    signed = active_consents(planned)
    assert {"dry_needling", "tens", "manual_therapy"} <= set(signed)
    assert all(signed[t].signed_via_link and signed[t].signature == SIGNATURE for t in ("dry_needling", "tens"))
    assert PatientLink.objects.get(patient=planned, purpose=LinkPurpose.CONSENTS).used_at is not None


def test_each_form_needs_its_own_agreement_and_nothing_is_signed_without(practitioner_client, patient_client, planned):
    token = send_packet(practitioner_client, planned)
    page = open_link(patient_client, token)
    shown = page.text.split('name="shown_tens" value="')[1].split('"')[0]
    before = Consent.objects.count()
    response = patient_client.post(
        reverse("portal:consents"),
        {"agree_tens": "on", "shown_tens": shown, "signed_name": "Pat Example", "signature": SIGNATURE},
    )
    assert response.status_code == 400
    assert "Tick this box to agree to this form" in response.text
    assert 'value="Pat Example"' in response.text  # nothing typed is lost
    assert Consent.objects.count() == before


def test_a_text_changed_meanwhile_signs_none(practitioner_client, patient_client, planned, owner):
    from knotwork.assessment import services as assessment
    from knotwork.assessment.models import ConsentForm

    token = send_packet(practitioner_client, planned)
    page = open_link(patient_client, token)
    data = {"signed_name": "Pat Example", "signature": SIGNATURE}
    for technique in ("dry_needling", "tens"):
        data[f"agree_{technique}"] = "on"
        data[f"shown_{technique}"] = page.text.split(f'name="shown_{technique}" value="')[1].split('"')[0]
    form = ConsentForm.objects.get(clinic=planned.clinic, technique="tens")
    assessment.publish_consent_version(form=form, title=form.title, body="A new TENS text.", by=owner)
    before = Consent.objects.count()
    response = patient_client.post(reverse("portal:consents"), data)
    assert response.status_code == 400
    assert "has been updated" in response.text
    assert Consent.objects.count() == before  # dry needling was not signed alone
    assert "A new TENS text." in response.text  # shown afresh, to agree to again
    assert 'name="agree_tens"' in response.text
    assert "Tick this box" in response.text


def test_a_used_packet_link_opens_no_more(practitioner_client, patient_client, planned):
    token = send_packet(practitioner_client, planned)
    PatientLink.objects.filter(purpose=LinkPurpose.CONSENTS).update(used_at=datetime.datetime.now(datetime.UTC))
    first = patient_client.get(reverse("portal:entry", args=[token]))
    assert first.status_code == 410
