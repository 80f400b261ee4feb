"""Private links: one patient, one form; the token is in the first request only; guessing is limited."""

import datetime
import json

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from conftest import sign_in
from knotwork.assessment.models import Consent, Intake, IntakeStatus
from knotwork.patients.tests.factories import PatientFactory
from knotwork.portal.models import LINK_GUESSES_ALLOWED, LinkLookupFailure, PatientLink
from knotwork.portal.services import create_patient_link
from knotwork.portal.tasks import send_patient_link
from knotwork.portal.tests.conftest import open_link

START = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)


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
    assert token in response.text  # the link the patient was sent is the one staff were shown
    assert token not in PatientLink.objects.get().token_hash  # only a hash is stored


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_queued_email_task_does_not_store_the_token(patient, practitioner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        link, token = create_patient_link(patient=patient, purpose="care", by=practitioner)
    queued = DBTaskResult.objects.get()
    assert token not in json.dumps(queued.args_kwargs)
    assert queued.args_kwargs["kwargs"] == {"link_id": link.pk}
    send_patient_link.call(**queued.args_kwargs["kwargs"])  # what the worker does
    assert f"/p/{token}/" in mail.outbox[-1].body


def test_the_link_opens_only_that_patients_form_without_an_account(patient_client, patient, practitioner):
    _link, token = create_patient_link(patient=patient, purpose="intake", by=practitioner, send_email=False)
    page = open_link(patient_client, token)
    assert page.status_code == 200
    assert "Before your visit" in page.text
    assert patient.clinic.name in page.text
    assert patient.last_name not in page.text  # nothing beyond what the patient needs
    assert "<nav" not in page.text


def test_the_token_is_in_the_first_request_only(patient_client, patient, practitioner):
    _link, token = create_patient_link(patient=patient, purpose="intake", by=practitioner, send_email=False)
    first = patient_client.get(reverse("portal:entry", args=[token]))
    assert first.status_code == 302
    assert first["Location"] == reverse("portal:intake") == "/p/intake/"
    assert first.cookies["sessionid"].value  # the visit goes on in a session
    page = patient_client.get(first["Location"])
    assert token not in page.text  # not in the form's address, its links or its autosave address
    autosave = patient_client.post("/p/intake/", {"action": "autosave", "chief_complaint": "Stiff neck"})
    assert "Draft saved" in autosave.text
    assert Intake.objects.get(patient=patient).chief_complaint == "Stiff neck"


def test_a_link_can_be_opened_again_until_its_form_is_sent(patient, practitioner):
    _link, token = create_patient_link(patient=patient, purpose="intake", by=practitioner, send_email=False)
    phone, laptop = Client(), Client()
    assert open_link(phone, token).status_code == 200
    assert open_link(laptop, token).status_code == 200
    assert "Before your visit" in phone.get("/p/intake/").text


def test_a_wrong_token_is_404_and_a_replaced_link_is_closed(patient_client, patient, practitioner):
    wrong = patient_client.get(reverse("portal:entry", args=["not-a-token"]))
    assert wrong.status_code == 404
    assert "not valid" in wrong.text
    _, first = create_patient_link(patient=patient, purpose="intake", by=practitioner, send_email=False)
    create_patient_link(patient=patient, purpose="intake", by=practitioner, send_email=False)
    replaced = patient_client.get(reverse("portal:entry", args=[first]))
    assert replaced.status_code == 410
    assert "replaced this link" in replaced.text


def test_an_expired_link_is_closed(patient_client, patient, practitioner):
    with time_machine.travel(datetime.datetime(2026, 11, 1, 9, tzinfo=datetime.UTC), tick=False):
        _, token = create_patient_link(patient=patient, purpose="intake", by=practitioner, send_email=False)
    with time_machine.travel(datetime.datetime(2026, 11, 9, 9, tzinfo=datetime.UTC), tick=False):
        response = patient_client.get(reverse("portal:entry", args=[token]))
    assert response.status_code == 410
    assert "expired" in response.text


def test_a_submitted_form_uses_up_the_link(patient_client, patient, practitioner):
    from knotwork.assessment.tests.test_intake_and_screen import BASE, all_no

    _, token = create_patient_link(patient=patient, purpose="intake", by=practitioner, send_email=False)
    open_link(patient_client, token)
    data = {"action": "submit", **BASE}
    data.update({f"q_{q}": "no" for q in all_no()})
    done = patient_client.post("/p/intake/", data)
    assert "Thank you" in done.text
    assert Intake.objects.get(patient=patient).status == IntakeStatus.SUBMITTED
    again = patient_client.get(reverse("portal:entry", args=[token]))
    assert again.status_code == 410
    assert "already been completed" in again.text
    reload = patient_client.get("/p/intake/")
    assert reload.status_code == 410
    assert "already been completed" in reload.text


def test_a_consent_link_signs_the_current_version(patient_client, patient, practitioner):
    _, token = create_patient_link(
        patient=patient, purpose="consent", technique="tens", by=practitioner, send_email=False
    )
    page = open_link(patient_client, token)
    shown = page.context["form"].initial["shown_hash"]
    signed = patient_client.post(
        "/p/consent/", {"shown_hash": shown, "signed_name": "Ada Patient", "agree": "on", "signature": "M1 1 L9 9"}
    )
    assert "Thank you" in signed.text
    consent = Consent.objects.get(patient=patient)
    assert (consent.technique, consent.signed_via_link) == ("tens", True)
    assert patient_client.get(reverse("portal:entry", args=[token])).status_code == 410
    assert patient_client.get("/p/consent/").status_code == 410


def test_the_visit_ends_after_an_hour_without_use(patient, practitioner):
    browser = Client()
    with time_machine.travel(START, tick=False):
        _, token = create_patient_link(patient=patient, purpose="intake", by=practitioner, send_email=False)
        open_link(browser, token)
    with time_machine.travel(START + datetime.timedelta(minutes=50), tick=False):
        assert browser.get("/p/intake/").status_code == 200  # each page keeps the visit going
    with time_machine.travel(START + datetime.timedelta(minutes=111), tick=False):
        ended = browser.post("/p/intake/", {"action": "save", "chief_complaint": "Typed after lunch"})
        assert ended.status_code == 403
        assert "Open your private link again" in ended.text
        assert Intake.objects.get(patient=patient).chief_complaint == ""  # nothing was saved
        assert open_link(browser, token).status_code == 200  # the link itself still works


def test_an_intake_and_a_consent_link_open_side_by_side_in_one_browser(patient_client, patient, practitioner):
    _, intake = create_patient_link(patient=patient, purpose="intake", by=practitioner, send_email=False)
    _, consent = create_patient_link(
        patient=patient, purpose="consent", technique="dry_needling", by=practitioner, send_email=False
    )
    open_link(patient_client, intake)
    open_link(patient_client, consent)
    assert "Before your visit" in patient_client.get("/p/intake/").text
    assert "needling" in patient_client.get("/p/consent/").text


def test_a_browser_without_an_opened_link_gets_no_patient_page(patient_client, patient, practitioner):
    create_patient_link(patient=patient, purpose="care", by=practitioner, send_email=False)
    for url in ("/p/care/", "/p/care/diary/", "/p/care/home-program/", "/p/intake/", "/p/consent/", "/p/check-in/"):
        page = patient_client.get(url)
        assert page.status_code == 403, url
        assert "Open your private link again" in page.text


def test_a_link_opens_only_the_pages_of_its_own_kind(patient_client, patient, practitioner):
    _, token = create_patient_link(patient=patient, purpose="intake", by=practitioner, send_email=False)
    open_link(patient_client, token)
    for url in ("/p/care/", "/p/care/diary/", "/p/consent/", "/p/check-in/"):
        assert patient_client.get(url).status_code == 403, url
    assert patient_client.get("/p/intake/").status_code == 200


def test_staff_and_patient_sessions_never_mix(client, patient, practitioner):
    _, token = create_patient_link(patient=patient, purpose="care", by=practitioner, send_email=False)
    # A patient's visit gives no staff page and no API.
    patient_browser = Client()
    open_link(patient_browser, token)
    staff_page = patient_browser.get(reverse("patients:list"))
    assert staff_page.status_code == 302
    assert staff_page["Location"].startswith("/accounts/login/")
    assert patient_browser.get("/api/v1/patients").status_code == 401
    # A signed-in staff browser opens no patient link and no patient page, even after a patient's visit in it.
    open_link(client, token)
    sign_in(client, practitioner)
    for url in (reverse("portal:entry", args=[token]), "/p/care/", "/p/care/diary/"):
        refused = client.get(url)
        assert refused.status_code == 403, url
        assert "You are signed in to Knotwork" in refused.text
        assert patient.first_name not in refused.text


def test_link_guessing_is_limited_per_client_address(patient_client, patient, practitioner):
    _, token = create_patient_link(patient=patient, purpose="care", by=practitioner, send_email=False)
    with time_machine.travel(START, tick=False):
        for n in range(LINK_GUESSES_ALLOWED):
            assert patient_client.get(f"/p/guess-{n}/").status_code == 404
        blocked = patient_client.get(reverse("portal:entry", args=[token]))
        assert blocked.status_code == 429
        assert "Too many links that did not work" in blocked.text
        assert blocked["Retry-After"] == "600"
        # Another client address is not held back by this one's guesses.
        elsewhere = Client(REMOTE_ADDR="198.51.100.7")
        assert open_link(elsewhere, token).status_code == 200
    assert LinkLookupFailure.objects.count() == LINK_GUESSES_ALLOWED
    assert "127.0.0.1" not in str(list(LinkLookupFailure.objects.values()))  # the address is kept hashed
    with time_machine.travel(START + datetime.timedelta(minutes=11), tick=False):
        assert open_link(patient_client, token).status_code == 200
        patient_client.get("/p/one-more-wrong-one/")
    assert LinkLookupFailure.objects.count() == 1  # old counts are forgotten
