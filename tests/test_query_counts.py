"""The chart, the session page and the course review cost the same number of queries however much they show.

Each page is built twice, once with one of everything and once with five, and the larger one may not take more
queries than the smaller: a query per row (an N+1) fails here before a clinic with a long history notices.
"""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from knotwork.assessment.tests.factories import (
    DiagnosisFactory,
    ExaminationFactory,
    TriggerPointFindingFactory,
    screened_patient,
)
from knotwork.followup.selectors import check_ins_awaiting, check_ins_missed
from knotwork.plans.tests.factories import GoalFactory, HomeExerciseFactory, TreatmentPlanFactory
from knotwork.treatment.tests.factories import (
    MUSCLES,
    SESSION_STARTED,
    HoldFactory,
    SessionPointFactory,
    treated_session,
)

# Whatever a page costs with one row, it may not cost more than this: a ceiling that catches a page growing heavier.
CEILING = 80
VIEWED_AT = SESSION_STARTED + datetime.timedelta(days=10)


def _compare(client, assert_max_queries, small: str, large: str):
    """Assert the large page takes no more queries than the small one; return the large page."""
    with time_machine.travel(VIEWED_AT, tick=False):
        client.get(small)  # warms what is fetched once per process (content types), so it is not counted
        with CaptureQueriesContext(connection) as baseline:
            assert client.get(small).status_code == 200
        assert len(baseline) <= CEILING
        with assert_max_queries(len(baseline)):
            page = client.get(large)
    assert page.status_code == 200
    return page


def _course(clinic, practitioner, size: int):
    """A patient examined (`size` trigger points with PPT) and on a course with `size` finished sessions."""
    patient = screened_patient(clinic, practitioner)
    examination = ExaminationFactory(patient=patient, examined_by=practitioner)
    for muscle in MUSCLES[:size]:
        TriggerPointFindingFactory(examination=examination, muscle=muscle, ppt=True)
    diagnosis = DiagnosisFactory(examination=examination)
    plan = TreatmentPlanFactory(patient=patient, practitioner=practitioner, diagnosis=diagnosis, max_sessions=size)
    GoalFactory.create_batch(size, plan=plan)
    HomeExerciseFactory.create_batch(size, plan=plan)
    for day in range(size):
        with time_machine.travel(SESSION_STARTED + datetime.timedelta(days=day), tick=False):
            treated_session(patient, practitioner, points=size, holds=size)
    return plan


@pytest.fixture
def courses(clinic_a, practitioner):
    return _course(clinic_a, practitioner, 1), _course(clinic_a, practitioner, 5)


def test_the_chart_costs_the_same_queries_with_five_sessions_as_with_one(
    practitioner_client, django_assert_max_num_queries, courses
):
    small, large = (reverse("chart:patient", args=[plan.patient.public_id]) for plan in courses)
    page = _compare(practitioner_client, django_assert_max_num_queries, small, large)
    assert page.text.count("note to sign") == 5


def test_the_course_review_costs_the_same_queries_with_five_sessions_as_with_one(
    practitioner_client, django_assert_max_num_queries, courses
):
    small, large = (plan.get_absolute_url() for plan in courses)
    page = _compare(practitioner_client, django_assert_max_num_queries, small, large)
    assert "5 of 5 sessions done" in page.text


def test_the_session_page_costs_the_same_queries_with_five_points_of_five_holds(
    practitioner_client, django_assert_max_num_queries, clinic_a, practitioner
):
    urls = []
    for size in (1, 5):
        patient = screened_patient(clinic_a, practitioner)
        with time_machine.travel(VIEWED_AT, tick=False):
            session = treated_session(patient, practitioner, points=0, finish=False)
        for muscle in MUSCLES[:size]:
            HoldFactory.create_batch(size, point=SessionPointFactory(session=session, muscle=muscle))
        urls.append(reverse("treatment:session", args=[session.public_id]))
    page = _compare(practitioner_client, django_assert_max_num_queries, *urls)
    assert "5 holds so far" in page.text


def test_recording_a_hold_costs_a_fixed_handful_of_queries(
    practitioner_client, django_assert_max_num_queries, clinic_a, practitioner, audit_write_queries
):
    """The tablet's most frequent request: no query per earlier hold, and no session write per request.

    7 in production: the session and the user (with membership, clinic and settings); the point, found by its id
    within the user's clinic, read once under the lock with everything the hold is checked against in the same
    query (the session, its overrides, the consent, the latest screen, the last hold); the insert; the audit
    chain's head and entry; the answer's holds. SQLite adds its BEGIN IMMEDIATE, here the test's transaction a
    savepoint and its release instead; PostgreSQL the audit chain's lock (8 there).
    """
    import json

    from knotwork.treatment import services as treatment
    from knotwork.treatment.tests.test_session import screened

    patient = screened(clinic_a, practitioner, consents=("manual_therapy",))
    session = treatment.start_session(patient=patient, by=practitioner, pain_before=5)
    point = treatment.add_point(session=session, muscle="piriformis", side="right", by=practitioner)
    url = f"/api/v1/treatment/points/{point.public_id}/holds"

    def hold() -> str:
        ended = timezone.now().replace(microsecond=0)
        started = ended - datetime.timedelta(seconds=20)
        return json.dumps(
            {
                "started_at": started.isoformat(),
                "ended_at": ended.isoformat(),
                "level": "5",
                "tool": "thumb",
                "answer": "good_pain",
            }
        )

    for _ in range(5):  # earlier holds on the point must not cost a query each
        assert practitioner_client.post(url, hold(), content_type="application/json").status_code == 201
    with django_assert_max_num_queries(7 + 2 + audit_write_queries):
        answer = practitioner_client.post(url, hold(), content_type="application/json")
    assert answer.status_code == 201
    assert len(answer.json()["holds"]) == 6


def test_the_session_page_reads_the_screen_and_the_consents_once_for_every_technique(
    practitioner_client, clinic_a, practitioner
):
    """The guard panel shows five techniques: one read of the screen, its overrides and the consents serves all."""
    patient = screened_patient(clinic_a, practitioner)
    with time_machine.travel(VIEWED_AT, tick=False):
        session = treated_session(patient, practitioner, points=2, holds=3, finish=False)
        url = reverse("treatment:session", args=[session.public_id])
        practitioner_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            page = practitioner_client.get(url)
    assert page.status_code == 200
    reads = [q["sql"] for q in captured.captured_queries]
    for table in ("assessment_safetyscreen", "assessment_screenoverride", "assessment_consent", "clinics_clinic"):
        assert sum(f'FROM "{table}"' in sql for sql in reads) <= 1, table
    assert len(reads) <= 20


def test_the_charts_body_maps_are_drawn_once_per_set_of_marks(practitioner_client, courses):
    """The 310 outlines of the body maps go through the template engine on the first view only; new marks draw again."""
    plan = courses[1]
    url = reverse("chart:patient", args=[plan.patient.public_id])
    cache.clear()
    drawn = []

    def count(sender, template, **kwargs):
        if template.name == "atlas/components/body_map.html":
            drawn.append(template.name)

    template_rendered.connect(count)
    try:
        first = practitioner_client.get(url)
        assert first.status_code == 200
        assert len(drawn) >= 1  # the trigger points of the examination
        drawn.clear()
        again = practitioner_client.get(url)
        assert not drawn
        assert again.text.count('class="bm-finding') == first.text.count('class="bm-finding') > 0
        examination = plan.patient.examinations.order_by("-created_at").first()
        TriggerPointFindingFactory(examination=examination, muscle=MUSCLES[-1])
        changed = practitioner_client.get(url)
        assert len(drawn) == 1
        assert changed.text.count('class="bm-finding') > again.text.count('class="bm-finding')
    finally:
        template_rendered.disconnect(count)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner; PostgreSQL is given the values")
def test_todays_check_ins_are_read_through_the_open_check_in_index(practitioner):
    """SQLite uses a partial index only when the query states its condition literally: otherwise the Today page
    reads every check-in the clinic ever had (7 ms at 5,000 patients, growing with the history)."""
    now = timezone.now()
    for check_ins in (check_ins_awaiting(practitioner, now=now), check_ins_missed(practitioner, now=now)):
        assert "check_in_open_due_idx" in check_ins.explain()
