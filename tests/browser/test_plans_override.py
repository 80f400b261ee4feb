"""A plan begun weeks ago on paper needs the override and its reason; the aftercare sheet prints the home program."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from knotwork.plans.models import TreatmentPlan
from knotwork.treatment import services as treatment
from knotwork.treatment.tests.test_session import hold, screened
from tests.browser.test_patient_registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_old_start_is_refused_until_the_override_is_given_with_a_reason(
    page, clinic_a, practitioner, screenshot, axe_violations
):
    patient = screened(clinic_a, practitioner)
    started = timezone.localdate() - datetime.timedelta(days=21)
    sign_in(page, practitioner.email)
    page.goto(patient.get_absolute_url())
    page.get_by_role("link", name="New treatment plan").click()
    page.get_by_label("Course starts").fill(started.isoformat())
    page.get_by_label("Sessions (at most)").fill("6")
    page.get_by_label("Plan notes").fill("Begun on paper in the old clinic")
    page.get_by_role("button", name="Save the plan").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("21 days ago; the clinic allows a start at most 7 days in the past")
    expect(alert).to_contain_text("6 sessions; the clinic's maximum is 4")
    expect(page.get_by_label("Plan notes")).to_have_value("Begun on paper in the old clinic")
    assert not TreatmentPlan.objects.filter(patient=patient).exists()
    screenshot(page, "plan-limits-refused")
    assert axe_violations(page) == []

    page.get_by_label("Override the clinic's limits for this course").check()
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Say why this course goes beyond the clinic's limits.")).to_be_visible()
    page.get_by_label("Why").fill("Course begun on paper before the clinic used Knotwork")
    screenshot(page, "plan-limits-override")
    page.get_by_role("button", name="Save the plan").click()

    expect(page.get_by_text("Treatment plan saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Course of treatment")).to_be_visible()
    expect(page.get_by_text("0 of 6 sessions done.")).to_be_visible()
    plan = TreatmentPlan.objects.get(patient=patient)
    assert (plan.starts_on, plan.max_sessions) == (started, 6)
    assert plan.limits_override == "Course begun on paper before the clinic used Knotwork"


def test_the_aftercare_sheet_prints_the_patients_home_program(page, clinic_a, practitioner, screenshot, axe_violations):
    from knotwork.plans import services as plans

    patient = screened(clinic_a, practitioner)
    plan = plans.create_plan(
        patient=patient, practitioner=practitioner, by=practitioner, starts_on=timezone.localdate(), techniques=[]
    )
    session = treatment.start_session(patient=patient, by=practitioner, pain_before=6)
    point = treatment.add_point(session=session, muscle="upper-trapezius", side="right", by=practitioner)
    hold(point, practitioner, 5, "better")
    treatment.finish_session(session=session, by=practitioner, pain_after=3)

    sign_in(page, practitioner.email)
    page.goto(plan.get_absolute_url())
    program = page.get_by_role("region", name="Home program")
    program.get_by_text("Add a stretch").click()
    program.get_by_label("Stretch or exercise").fill("Ear to shoulder stretch")
    program.get_by_label("Instructions").fill("Sit tall and tilt the right ear towards the right shoulder.")
    program.get_by_label("Hold (seconds)").fill("45")
    program.get_by_label("Repetitions").fill("2")
    program.get_by_role("button", name="Add to the home program").click()
    expect(page.get_by_text("Added to the home program.")).to_be_visible()

    page.goto(f"/treatment/sessions/{session.public_id}/aftercare/")
    sheet = page.get_by_role("article")
    expect(sheet.get_by_role("heading", name="Your home program")).to_be_visible()
    expect(sheet.get_by_role("heading", name="Ear to shoulder stretch")).to_be_visible()
    expect(sheet).to_contain_text("Hold 45 seconds, 2 times, 2 times a day.")
    expect(sheet).to_contain_text("Sit tall and tilt the right ear towards the right shoulder.")
    screenshot(page, "aftercare-home-program")
    assert axe_violations(page) == []
    pdf = page.request.get(f"/treatment/sessions/{session.public_id}/aftercare.pdf")
    assert pdf.ok
    assert pdf.body().startswith(b"%PDF-")
