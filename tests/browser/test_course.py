"""A practitioner plans a course and books it from the proposed appointments; the review shows on the plan."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from knotwork.scheduling import services as scheduling
from knotwork.scheduling.models import Appointment
from knotwork.treatment.tests.test_session import screened
from tests.browser.test_patient_registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_practitioner_plans_and_books_a_course(
    page, clinic_a, owner, practitioner, screenshot, axe_violations, time_machine
):
    # Early on a Monday in London: the preferred 10:00 is still free today, whatever the real clock says.
    time_machine.move_to(datetime.datetime(2026, 3, 2, 7, 30, tzinfo=datetime.UTC), tick=True)
    clinic_a.time_zone = "Europe/London"
    clinic_a.save()
    kind = scheduling.create_appointment_type(clinic=clinic_a, name="Treatment", duration_minutes=45, by=owner)
    scheduling.set_working_hours(
        practitioner=practitioner,
        clinic=clinic_a,
        hours=[(day, datetime.time(9), datetime.time(17)) for day in range(7)],
        by=owner,
    )
    patient = screened(clinic_a, practitioner)
    sign_in(page, practitioner.email)
    page.goto(patient.get_absolute_url())
    page.get_by_role("link", name="New treatment plan").click()
    expect(page.get_by_label("Relief expected by (days)")).to_have_value("14")
    page.get_by_label("Dry needling").check()
    page.get_by_role("textbox", name="Goal", exact=True).fill("Sit through a one-hour meeting")
    page.get_by_label("Measure").select_option("pain")
    page.get_by_label("Now").fill("6")
    page.get_by_label("Target").fill("3")
    page.get_by_role("button", name="Save the plan").click()

    expect(page.get_by_role("heading", name=f"Book the course for {patient.display_name}")).to_be_visible()
    page.get_by_label("Preferred time of day").fill("10:00")
    page.get_by_role("button", name="Propose times").click()
    proposed = page.locator(".slot-list:not(.slot-list-more) input[type=checkbox]")
    expect(proposed).to_have_count(4)
    screenshot(page, "course-proposals")
    assert axe_violations(page) == []
    proposed.nth(3).uncheck()  # the practitioner keeps three and books the fourth later
    page.get_by_role("button", name="Book the chosen appointments").click()

    expect(page.get_by_text("3 appointments booked.")).to_be_visible()
    expect(page.get_by_role("heading", name="Course of treatment")).to_be_visible()
    expect(page.get_by_role("region", name="Goals")).to_contain_text("Sit through a one-hour meeting")
    booked = Appointment.objects.filter(plan__patient=patient).order_by("starts_at")
    assert booked.count() == 3
    local = [a.starts_at.astimezone(clinic_a.tzinfo) for a in booked]
    assert all(s.time() == datetime.time(10) for s in local)
    assert len({s.date() for s in local}) == 3
    assert all(a.appointment_type == kind for a in booked)
    screenshot(page, "course-plan")
    assert axe_violations(page) == []


def test_the_course_review_chart(page, clinic_a, practitioner, screenshot, axe_violations):
    from django.utils import timezone

    from knotwork.demo.course import load_demo_course

    clinic_a.settings.plan_backdate_days_max = 14  # the demo course began eight days ago
    clinic_a.settings.save()
    patient = screened(clinic_a, practitioner)
    plan = load_demo_course(patient=patient, practitioner=practitioner, today=timezone.localdate())
    sign_in(page, practitioner.email)
    page.goto(plan.get_absolute_url())
    review = page.get_by_role("region", name="Course review (so far)")
    expect(review).to_contain_text("Responder")
    expect(review).to_contain_text("pain 7/10 (session")
    chart = review.get_by_role("img")
    expect(chart).to_have_attribute("aria-label", re.compile(r"^Pain \(0-10\): \d+ readings"))
    page.wait_for_load_state("load")  # the stylesheet sizes the chart; measure after it has applied
    box = chart.bounding_box()
    assert box["width"] > 500
    assert box["height"] > 150, (box, chart.evaluate("e => e.outerHTML.slice(0, 400)"))
    review.screenshot(path=str(screenshot(page, "course-review-page").with_name("course-review.png")))
    assert axe_violations(page) == []
