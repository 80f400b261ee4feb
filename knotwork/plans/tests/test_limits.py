"""The clinic's limits on a plan (how far back it may start, how many sessions) and where a course's follow-ups go."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from knotwork.core.errors import ClinicRuleError
from knotwork.outcomes.selectors import course_review, pain_series
from knotwork.plans import services
from knotwork.scheduling import services as scheduling
from knotwork.scheduling.models import Appointment
from knotwork.treatment import services as treatment
from knotwork.treatment.tests.test_session import screened

TODAY = datetime.date(2026, 3, 16)  # a Monday; Europe/London is on GMT
NOON = datetime.datetime(2026, 3, 16, 12, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.usefixtures("at_noon")


@pytest.fixture
def at_noon():
    with time_machine.travel(NOON, tick=False):
        yield


def plan_for(clinic, practitioner, **values):
    patient = screened(clinic, practitioner)
    return services.create_plan(
        patient=patient, practitioner=practitioner, by=practitioner, techniques=["manual_therapy"], **values
    )


def test_a_course_may_start_up_to_the_clinics_limit_in_the_past(clinic_a, practitioner):
    plan = plan_for(clinic_a, practitioner, starts_on=TODAY - datetime.timedelta(days=7))
    assert plan.limits_override == ""


def test_a_course_further_back_is_refused_without_a_reason(clinic_a, practitioner):
    with pytest.raises(ClinicRuleError, match="8 days ago; the clinic allows a start at most 7 days in the past"):
        plan_for(clinic_a, practitioner, starts_on=TODAY - datetime.timedelta(days=8))
    with pytest.raises(ClinicRuleError, match="tick the override and say why"):
        plan_for(clinic_a, practitioner, starts_on=TODAY - datetime.timedelta(days=8), override_reason="ok")


def test_the_backdate_limit_is_a_clinic_setting(clinic_a, practitioner):
    clinic_a.settings.plan_backdate_days_max = 0
    clinic_a.settings.save()
    with pytest.raises(ClinicRuleError, match="at most 0 days in the past"):
        plan_for(clinic_a, practitioner, starts_on=TODAY - datetime.timedelta(days=1))
    assert plan_for(clinic_a, practitioner, starts_on=TODAY).starts_on == TODAY


def test_more_sessions_than_the_clinic_maximum_need_a_reason_that_is_kept(clinic_a, practitioner):
    with pytest.raises(ClinicRuleError, match="6 sessions; the clinic's maximum is 4"):
        plan_for(clinic_a, practitioner, starts_on=TODAY, max_sessions=6)
    plan = plan_for(
        clinic_a, practitioner, starts_on=TODAY, max_sessions=6, override_reason="  Chronic case, agreed with GP "
    )
    plan.refresh_from_db()
    assert (plan.max_sessions, plan.limits_override) == (6, "Chronic case, agreed with GP")


def test_changing_a_plan_beyond_the_limits_needs_a_reason_too(clinic_a, practitioner):
    plan = plan_for(clinic_a, practitioner, starts_on=TODAY)
    with pytest.raises(ClinicRuleError, match="clinic's maximum is 4"):
        services.update_plan(plan=plan, by=practitioner, max_sessions=5)
    plan = services.update_plan(plan=plan, by=practitioner, max_sessions=5, override_reason="Second shoulder too")
    assert plan.limits_override == "Second shoulder too"
    # Other changes to a plan already over the limit do not ask again.
    assert services.update_plan(plan=plan, by=practitioner, notes="Add the left side").max_sessions == 5


def form_data(practitioner, **changes) -> dict:
    return {
        "practitioner": practitioner.membership.public_id,
        "starts_on": (TODAY - datetime.timedelta(days=20)).isoformat(),
        "window_days_min": "4",
        "window_days_max": "14",
        "max_sessions": "4",
        "techniques": ["manual_therapy"],
        "notes": "Begun on paper",
    } | changes


def test_the_plan_form_refuses_an_old_start_and_takes_the_override_with_its_reason(
    practitioner_client, clinic_a, practitioner
):
    patient = screened(clinic_a, practitioner)
    url = reverse("plans:create", args=[patient.public_id])
    assert "may start on 9 Mar 2026 at the earliest" in practitioner_client.get(url).text
    refused = practitioner_client.post(url, form_data(practitioner))
    assert refused.status_code == 200
    assert "20 days ago; the clinic allows a start at most 7 days in the past" in refused.text
    assert "Begun on paper" in refused.text  # nothing typed is lost
    unexplained = practitioner_client.post(url, form_data(practitioner, override_limits="on"))
    assert "Say why this course goes beyond the clinic" in unexplained.text
    assert not patient.plans.exists()
    # A reason without the tick is not an override.
    unticked = practitioner_client.post(url, form_data(practitioner, override_reason="Paper notes from February"))
    assert unticked.status_code == 200
    assert not patient.plans.exists()
    done = practitioner_client.post(
        url, form_data(practitioner, override_limits="on", override_reason="Paper notes from February")
    )
    plan = patient.plans.get()
    assert done.url == reverse("plans:propose", args=[plan.public_id])
    assert plan.limits_override == "Paper notes from February"


def test_a_session_before_the_plan_was_written_counts_in_the_course_and_its_review(clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    with time_machine.travel(datetime.datetime(2026, 3, 16, 9, 0, tzinfo=datetime.UTC), tick=False):
        first = treatment.start_session(patient=patient, by=practitioner, pain_before=7)
        treatment.finish_session(session=first, by=practitioner, pain_after=4)
    plan = services.create_plan(
        patient=patient, practitioner=practitioner, by=practitioner, starts_on=TODAY, techniques=["manual_therapy"]
    )
    first.refresh_from_db()
    assert first.plan == plan
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        second = treatment.start_session(patient=patient, by=practitioner, pain_before=4)
        treatment.finish_session(session=second, by=practitioner, pain_after=2)
    review = course_review(plan, today=datetime.date(2026, 3, 21))
    assert review.sessions_done == 2
    plotted = [p for p in pain_series(patient, since=plan.starts_on, until=plan.ends_on) if p.label != "after session"]
    assert [(r.at, r.value) for r in review.reports] == [(p.at, p.value) for p in plotted]
    assert (review.baseline.value, review.baseline.at.date()) == (7, TODAY)  # the first day's reading
    assert review.responder is True


@pytest.fixture
def diary(clinic_a, owner, practitioner):
    """Europe/London, Monday to Friday 9 to 17; a "First visit" (60 min) and a "Follow-up" (45 min) type."""
    clinic_a.time_zone = "Europe/London"
    clinic_a.save()
    scheduling.set_working_hours(
        practitioner=practitioner,
        clinic=clinic_a,
        hours=[(day, datetime.time(9), datetime.time(17)) for day in range(5)],
        by=owner,
    )
    first = scheduling.create_appointment_type(clinic=clinic_a, name="First visit", duration_minutes=60, by=owner)
    follow_up = scheduling.create_appointment_type(clinic=clinic_a, name="Follow-up", duration_minutes=45, by=owner)
    return first, follow_up


def propose_page(client, plan):
    return client.get(reverse("plans:propose", args=[plan.public_id]))


def test_proposals_put_the_first_follow_up_after_the_first_visit_day_with_the_follow_up_type(
    practitioner_client, clinic_a, owner, practitioner, diary
):
    first_type, follow_up = diary
    patient = screened(clinic_a, practitioner)
    scheduling.book_appointment(
        patient=patient,
        practitioner=practitioner,
        appointment_type=first_type,
        starts_at=datetime.datetime(2026, 3, 16, 14, 0, tzinfo=clinic_a.tzinfo),
        by=owner,
    )
    plan = services.create_plan(
        patient=patient, practitioner=practitioner, by=practitioner, starts_on=TODAY, techniques=["manual_therapy"]
    )
    page = propose_page(practitioner_client, plan)
    days = [slot.astimezone(clinic_a.tzinfo).date() for slot in page.context["proposals"]]
    assert days[0] == TODAY + datetime.timedelta(days=1)
    assert TODAY not in [slot.astimezone(clinic_a.tzinfo).date() for slot in page.context["free"]]
    assert page.context["form"]["appointment_type"].value() == str(follow_up.public_id)


def test_the_follow_up_gap_is_a_clinic_setting(practitioner_client, clinic_a, owner, practitioner, diary):
    clinic_a.settings.follow_up_gap_days_min = 3
    clinic_a.settings.save()
    patient = screened(clinic_a, practitioner)
    with time_machine.travel(datetime.datetime(2026, 3, 16, 9, 0, tzinfo=datetime.UTC), tick=False):
        session = treatment.start_session(patient=patient, by=practitioner, pain_before=6)
        treatment.finish_session(session=session, by=practitioner, pain_after=3)
    plan = services.create_plan(
        patient=patient, practitioner=practitioner, by=practitioner, starts_on=TODAY, techniques=["manual_therapy"]
    )
    page = propose_page(practitioner_client, plan)
    first = min(slot.astimezone(clinic_a.tzinfo).date() for slot in page.context["proposals"])
    assert first == TODAY + datetime.timedelta(days=3)


def test_with_no_gap_the_first_visit_day_is_offered_again(practitioner_client, clinic_a, owner, practitioner, diary):
    clinic_a.settings.follow_up_gap_days_min = 0
    clinic_a.settings.save()
    first_type, _ = diary
    patient = screened(clinic_a, practitioner)
    scheduling.book_appointment(
        patient=patient,
        practitioner=practitioner,
        appointment_type=first_type,
        starts_at=datetime.datetime(2026, 3, 16, 13, 0, tzinfo=clinic_a.tzinfo),
        by=owner,
    )
    plan = services.create_plan(
        patient=patient, practitioner=practitioner, by=practitioner, starts_on=TODAY, techniques=["manual_therapy"]
    )
    page = propose_page(practitioner_client, plan)
    assert TODAY in {slot.astimezone(clinic_a.tzinfo).date() for slot in page.context["free"]}
    assert not Appointment.objects.filter(plan=plan).exclude(appointment_type=first_type).exists()
