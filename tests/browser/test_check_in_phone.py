"""A patient answers the soreness check-in on a phone, then opens their home program timer."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from knotwork.core.policy import SystemActor
from knotwork.followup import services as followup
from knotwork.followup.models import CheckInStatus, Flag
from knotwork.plans import services as plans
from knotwork.portal.services import create_patient_link
from knotwork.treatment import services as treatment
from knotwork.treatment.models import TreatmentSession
from knotwork.treatment.tests.test_session import screened

SWEEP = SystemActor("test sweep")  # the task worker or `manage.py send_due_messages`

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_a_patient_answers_the_36_hour_check_in_on_a_phone(
    browser, live_server, clinic_a, practitioner, screenshot, axe_violations
):
    patient = screened(clinic_a, practitioner)
    plan = plans.create_plan(
        patient=patient, practitioner=practitioner, by=practitioner, starts_on=timezone.localdate(), techniques=[]
    )
    plans.add_home_exercise(plan=plan, by=practitioner, name="Doorway chest stretch", hold_seconds=5, repetitions=2)
    session = treatment.start_session(patient=patient, by=practitioner, pain_before=6)
    treatment.finish_session(session=session, by=practitioner, pain_after=3)
    # The session ended 36 hours ago: both check-ins are due.
    ended = timezone.now() - datetime.timedelta(hours=36, minutes=5)
    TreatmentSession.objects.filter(pk=session.pk).update(ended_at=ended)
    for check_in in session.check_ins.all():
        type(check_in).objects.filter(pk=check_in.pk).update(
            due_at=ended + datetime.timedelta(hours=check_in.hours_after)
        )
    mail.outbox.clear()
    followup.send_due_check_ins(by=SWEEP)
    last = next(m for m in mail.outbox if "36 hours" in m.body)
    token = last.body.split("/p/")[1].split("/")[0]

    context = browser.new_context(base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"/p/{token}/")
    expect(page.get_by_role("heading", name="How are you after your session?")).to_be_visible()
    # The token opened the check-in once; the page's own address (history, a shared screen) has none.
    assert page.url == f"{live_server.url}/p/check-in/"
    assert token not in page.url
    page.get_by_role("button", name="Send to my practitioner").click()
    expect(page.get_by_text("Choose a number from 0 to 10.").first).to_be_visible()
    soreness = page.get_by_role("group", name="How sore are the treated muscles now?")
    soreness.get_by_role("radio", name="6", exact=True).tap()
    pain = page.get_by_role("group", name="How bad is the pain you came in with, right now?")
    pain.get_by_role("radio", name="3", exact=True).tap()
    expect(soreness.get_by_role("radio", name="6", exact=True)).to_be_checked()
    page.get_by_label("Pins and needles or tingling").check()
    screenshot(page, "check-in-phone")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send to my practitioner").click()
    expect(page.get_by_role("heading", name=f"Thank you, {patient.first_name}")).to_be_visible()
    expect(page.get_by_text("You told us about a new symptom.")).to_be_visible()
    screenshot(page, "check-in-phone-thanks")
    # Opened again, the answered check-in says so, without its form.
    page.goto(f"/p/{token}/")
    expect(page.get_by_role("heading", name="This check-in is closed")).to_be_visible()
    expect(page.get_by_role("button", name="Send to my practitioner")).to_have_count(0)
    screenshot(page, "check-in-phone-closed")
    answered = session.check_ins.get(is_last=True)
    assert (answered.status, answered.soreness, answered.pain) == (CheckInStatus.ANSWERED, 6, 3)
    assert set(Flag.objects.filter(patient=patient).values_list("kind", flat=True)) == {"soreness", "neuro"}

    # The care page: the other check-in is still open, and the home program has a timer per stretch.
    _link, care_token = create_patient_link(patient=patient, purpose="care", by=practitioner, send_email=False)
    page.goto(f"/p/{care_token}/")
    expect(page.get_by_role("link", name="Answer the 24-hour check-in")).to_be_visible()
    assert page.url == f"{live_server.url}/p/care/"
    page.get_by_role("link", name="Open my home program").click()
    timer = page.locator("[data-stretch-timer]")
    timer.get_by_role("button", name="Start hold").tap()
    expect(timer.locator("[data-progress]")).to_have_text("Holding, repetition 1 of 2")
    expect(timer.get_by_role("button", name="Next hold")).to_be_visible(timeout=9_000)
    expect(timer.locator("[data-progress]")).to_have_text("Repetition 2 of 2")
    screenshot(page, "home-program-phone")
    assert axe_violations(page) == []
    assert care_token not in page.url
    context.close()
