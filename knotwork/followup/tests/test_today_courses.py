"""Today lists the courses to review: a window ending within three days, or every planned session used; not the
others, and only the practitioner's own unless they look at everyone's."""

import datetime

from django.urls import reverse
from django.utils import timezone

from knotwork.outcomes.selectors import courses_ending_soon
from knotwork.plans import services as plans
from knotwork.plans.models import TreatmentPlan
from knotwork.treatment import services as treatment
from knotwork.treatment.tests.test_session import screened


def _course(clinic, practitioner, *, started_days_ago: int, window: int, max_sessions: int):
    patient = screened(clinic, practitioner)
    plan = plans.create_plan(
        patient=patient,
        practitioner=practitioner,
        by=practitioner,
        starts_on=timezone.localdate(),
        techniques=["manual_therapy"],
        window_days_min=min(7, window),
        window_days_max=window,
        max_sessions=max_sessions,
    )
    # An old start is set on the row (the service refuses a start that far back without an override).
    TreatmentPlan.objects.filter(pk=plan.pk).update(
        starts_on=timezone.localdate() - datetime.timedelta(days=started_days_ago)
    )
    return TreatmentPlan.objects.get(pk=plan.pk)


def test_the_courses_to_review_are_chosen_by_window_and_sessions_used(
    clinic_a, practitioner, owner, practitioner_client
):
    today = timezone.localdate()
    ending = _course(clinic_a, practitioner, started_days_ago=40, window=42, max_sessions=4)  # ends in 2 days
    later = _course(clinic_a, practitioner, started_days_ago=10, window=42, max_sessions=4)  # ends in 32 days
    used = _course(clinic_a, practitioner, started_days_ago=5, window=28, max_sessions=1)
    session = treatment.start_session(patient=used.patient, by=practitioner, pain_before=5)
    treatment.finish_session(session=session, by=practitioner, pain_after=3)
    others = _course(clinic_a, owner, started_days_ago=41, window=42, max_sessions=4)  # another practitioner's

    chosen = courses_ending_soon(practitioner, today=today, practitioner=practitioner)
    assert [plan.pk for plan in chosen] == [ending.pk, used.pk]  # by the window's end
    assert next(plan for plan in chosen if plan.pk == used.pk).done == 1
    everyone = courses_ending_soon(practitioner, today=today)
    assert {plan.pk for plan in everyone} == {ending.pk, used.pk, others.pk}
    assert later.pk not in {plan.pk for plan in everyone}

    page = practitioner_client.get(reverse("followup:dashboard")).content.decode()
    assert ending.patient.display_name in page
    assert "1 of 1 session done" in page
    assert later.patient.display_name not in page
