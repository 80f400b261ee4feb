"""The chart, the session page and the course review cost the same number of queries however much they show.

Each page is built twice, once with one of everything and once with five, and the larger one may not take more
queries than the smaller: a query per row (an N+1) fails here before a clinic with a long history notices.
"""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from knotwork.assessment.tests.factories import (
    DiagnosisFactory,
    ExaminationFactory,
    TriggerPointFindingFactory,
    screened_patient,
)
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

    13 in production (the session, the user with clinic and settings, the point, its lock, the overrides, the screen
    and its overrides, the consents, the last hold, the insert, the audit chain's head and entry, the answer's holds);
    the test's own transaction adds a savepoint and its release; PostgreSQL the audit chain's lock.
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
    with django_assert_max_num_queries(15 + audit_write_queries):
        answer = practitioner_client.post(url, hold(), content_type="application/json")
    assert answer.status_code == 201
    assert len(answer.json()["holds"]) == 6
