"""A check-in that can no longer be answered says so as soon as it is opened, without its form."""

import datetime

import time_machine
from django.core import mail
from django.urls import reverse

from knotwork.core.policy import SystemActor
from knotwork.followup import services as followup
from knotwork.followup.models import CheckIn, CheckInStatus
from knotwork.portal.tests.conftest import open_link
from knotwork.portal.tests.test_care_page import care_link
from knotwork.treatment import services as treatment
from knotwork.treatment.tests.test_session import screened

SWEEP = SystemActor("test sweep")
ENDED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
FORM_BUTTON = "Send to my practitioner"


def session_with_check_ins(clinic, practitioner):
    patient = screened(clinic, practitioner)
    patient.email = "kai@example.org"
    patient.save()
    with time_machine.travel(ENDED - datetime.timedelta(minutes=45), tick=False):
        session = treatment.start_session(patient=patient, by=practitioner, pain_before=6)
    with time_machine.travel(ENDED, tick=False):
        treatment.finish_session(session=session, by=practitioner, pain_after=3)
    return session


def emailed_token(session, hours: int) -> str:
    followup.send_due_check_ins(by=SWEEP, now=ENDED + datetime.timedelta(hours=hours))
    message = next(m for m in reversed(mail.outbox) if f"{hours} hours" in m.body)
    return message.body.split("/p/")[1].split("/")[0]


def opened(client, token):
    return client.get(reverse("portal:entry", args=[token]))


def test_an_open_check_in_link_shows_the_form_at_an_address_without_the_token(patient_client, clinic_a, practitioner):
    session = session_with_check_ins(clinic_a, practitioner)
    token = emailed_token(session, 24)
    with time_machine.travel(ENDED + datetime.timedelta(hours=24, minutes=5), tick=False):
        first = opened(patient_client, token)
        assert first["Location"] == "/p/check-in/"
        page = patient_client.get(first["Location"])
        assert FORM_BUTTON in page.text
        done = patient_client.post("/p/check-in/", {"soreness": "3", "pain": "2"})
        assert "Thank you" in done.text
        again = patient_client.get("/p/check-in/")
    assert again.status_code == 410
    assert "You have already answered it" in again.text
    assert FORM_BUTTON not in again.text


def test_a_check_in_answered_from_the_care_page_says_so_when_its_emailed_link_is_opened(
    patient_client, practitioner_client, clinic_a, practitioner
):
    session = session_with_check_ins(clinic_a, practitioner)
    token = emailed_token(session, 24)
    check_in = session.check_ins.get(hours_after=24)
    with time_machine.travel(ENDED + datetime.timedelta(hours=25), tick=False):
        care = care_link(practitioner_client, session.patient)
        open_link(patient_client, care)
        patient_client.post(reverse("portal:check_in", args=[check_in.public_id]), {"soreness": "4", "pain": "2"})
        closed = opened(patient_client, token)
    assert closed.status_code == 410
    assert "This check-in is closed" in closed.text
    assert "You have already answered it" in closed.text
    assert FORM_BUTTON not in closed.text


def test_a_withdrawn_check_in_says_so_on_opening(patient_client, clinic_a, practitioner):
    session = session_with_check_ins(clinic_a, practitioner)
    token = emailed_token(session, 24)
    CheckIn.objects.filter(session=session, hours_after=24).update(status=CheckInStatus.CANCELLED)
    with time_machine.travel(ENDED + datetime.timedelta(hours=25), tick=False):
        closed = opened(patient_client, token)
    assert closed.status_code == 410
    assert "The clinic has withdrawn this check-in" in closed.text
    assert FORM_BUTTON not in closed.text


def test_a_check_in_withdrawn_while_its_page_is_open_says_so_on_the_next_page(patient_client, clinic_a, practitioner):
    session = session_with_check_ins(clinic_a, practitioner)
    token = emailed_token(session, 24)
    with time_machine.travel(ENDED + datetime.timedelta(hours=25), tick=False):
        assert FORM_BUTTON in open_link(patient_client, token).text
        CheckIn.objects.filter(session=session, hours_after=24).update(status=CheckInStatus.CANCELLED)
        sent = patient_client.post("/p/check-in/", {"soreness": "3", "pain": "2"})
    assert sent.status_code == 410
    assert "The clinic has withdrawn this check-in" in sent.text
    assert CheckIn.objects.get(session=session, hours_after=24).soreness is None


def test_a_missed_check_in_says_so_on_opening(patient_client, practitioner_client, clinic_a, practitioner):
    session = session_with_check_ins(clinic_a, practitioner)
    token = emailed_token(session, 24)
    check_in = session.check_ins.get(hours_after=24)
    with time_machine.travel(ENDED + datetime.timedelta(hours=48, minutes=1), tick=False):
        closed = opened(patient_client, token)
        assert closed.status_code == 410
        assert "The time to answer it has passed" in closed.text
        assert FORM_BUTTON not in closed.text
        # From the care page too.
        open_link(patient_client, care_link(practitioner_client, session.patient))
        from_care = patient_client.get(reverse("portal:check_in", args=[check_in.public_id]))
    assert from_care.status_code == 410
    assert "The time to answer it has passed" in from_care.text
    assert FORM_BUTTON not in from_care.text


def test_a_replaced_check_in_link_points_to_the_newer_one(patient_client, practitioner_client, clinic_a, practitioner):
    session = session_with_check_ins(clinic_a, practitioner)
    old = emailed_token(session, 24)
    check_in = session.check_ins.get(hours_after=24)
    with time_machine.travel(ENDED + datetime.timedelta(hours=25), tick=False):
        practitioner_client.post(reverse("followup:check_in_link", args=[check_in.public_id]))
        closed = opened(patient_client, old)
    assert closed.status_code == 410
    assert "sent you a newer link for this check-in" in closed.text
