"""The patient chart is one context object, gathered from every clinical app; its page and the course page keep
their addresses (patients/<id>/, plans/<id>/)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from knotwork.chart.selectors import PatientChart, patient_chart
from knotwork.core.policy import SystemActor
from knotwork.followup import services as followup
from knotwork.plans import services as plans
from knotwork.portal.services import create_patient_link
from knotwork.treatment import services as treatment
from knotwork.treatment.tests.test_session import screened

SWEEP = SystemActor("test sweep")


def test_the_chart_gathers_assessment_course_sessions_follow_up_and_the_care_link(clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    plan = plans.create_plan(
        patient=patient,
        practitioner=practitioner,
        by=practitioner,
        starts_on=timezone.localdate(),
        techniques=["manual_therapy"],
    )
    session = treatment.start_session(patient=patient, by=practitioner, pain_before=6)
    treatment.finish_session(session=session, by=practitioner, pain_after=3)
    flag = followup.raise_flag(patient=patient, kind="adverse", detail="Bruise", by=SWEEP)
    link, _token = create_patient_link(patient=patient, purpose="care", by=practitioner, send_email=False)

    chart = patient_chart(practitioner, patient)

    assert isinstance(chart, PatientChart)
    assert chart.patient == patient
    assert chart.assessment["screen"] is not None
    assert {t["value"] for t in chart.technique_statuses} >= {"manual_therapy", "dry_needling"}
    assert chart.plan == plan
    assert chart.past_plans == []
    assert list(chart.sessions) == [session]
    assert chart.plan_sessions == 1  # the session started on the active plan, counted from the list
    assert chart.open_flags == [flag]
    assert len(chart.recent_check_ins) == 2  # the 24 h and 36 h check-ins the finished session planned
    assert chart.care_link == link


def course_for(clinic, practitioner):
    patient = screened(clinic, practitioner)
    return plans.create_plan(
        patient=patient,
        practitioner=practitioner,
        by=practitioner,
        starts_on=timezone.localdate() - datetime.timedelta(days=1),
        techniques=["manual_therapy"],
    )


def test_the_chart_and_course_pages_keep_their_addresses(practitioner_client, clinic_a, practitioner):
    plan = course_for(clinic_a, practitioner)
    patient = plan.patient
    assert patient.get_absolute_url() == f"/patients/{patient.public_id}/"
    assert reverse("chart:patient", args=[patient.public_id]) == patient.get_absolute_url()
    assert plan.get_absolute_url() == f"/plans/{plan.public_id}/"
    assert reverse("chart:course", args=[plan.public_id]) == plan.get_absolute_url()
    assert reverse("reports:course_review_pdf", args=[plan.public_id]) == f"/plans/{plan.public_id}/review.pdf"
    chart_page = practitioner_client.get(patient.get_absolute_url())
    assert chart_page.status_code == 200
    assert plan.get_absolute_url() in chart_page.content.decode()
    assert "Course review" in practitioner_client.get(plan.get_absolute_url()).content.decode()


def test_another_clinic_gets_404_on_the_chart_and_the_course(practitioner_b_client, clinic_a, practitioner):
    plan = course_for(clinic_a, practitioner)
    for url in (plan.patient.get_absolute_url(), plan.get_absolute_url()):
        assert practitioner_b_client.get(url).status_code == 404


def test_the_chart_shows_the_latest_submitted_intake_and_offers_the_draft_begun_after_it(
    clinic_a, practitioner, practitioner_client
):
    from knotwork.assessment import services as assessment
    from knotwork.assessment.screening import get_ruleset

    patient = screened(clinic_a, practitioner)
    submitted = patient.intakes.get()
    draft = assessment.start_intake(patient=patient, by=practitioner)

    chart = patient_chart(practitioner, patient)
    assert chart.assessment["intake"] == submitted
    assert chart.assessment["draft_intake"] == draft
    page = practitioner_client.get(reverse("chart:patient", args=[patient.public_id])).content.decode()
    assert "Continue the draft intake" in page
    assert draft.get_absolute_url() in page

    answers = {q.id: False for q in get_ruleset().questions.values() if q.type == "yes_no"}
    assessment.submit_intake(
        intake=draft,
        chief_complaint="Low back",
        complaint_area="low_back",
        pain_now=4,
        answers=answers,
        by=practitioner,
    )
    chart = patient_chart(practitioner, patient)
    assert chart.assessment["intake"] == draft  # the newer submission
    assert chart.assessment["draft_intake"] is None
