"""Plans and goals through the API with a key: a course started, read, changed and ended as in the browser."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from knotwork.accounts.services import create_api_key
from knotwork.audit.models import AuditEntry
from knotwork.core.policy import SystemActor
from knotwork.patients.tests.factories import PatientFactory
from knotwork.plans import services
from knotwork.plans.models import Goal, PlanStatus, TreatmentPlan

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
PROBLEM = "application/problem+json"


def key_client(clinic, *, scope="write", role="practitioner") -> Client:
    _row, token = create_api_key(clinic=clinic, by=SYSTEM, name=f"{role} {scope} plans", scope=scope, role=role)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    return response.json()


def new_plan(**changes) -> dict:
    body = {
        "starts_on": timezone.localdate().isoformat(),
        "techniques": ["manual_therapy", "dry_needling"],
        "notes": "Twice a week at first",
        "goals": [{"description": "Sit through a one-hour meeting", "measure": "pain", "baseline": 6, "target": 2}],
    }
    return body | changes


def plan_of(patient, by) -> TreatmentPlan:
    return services.create_plan(
        patient=patient, practitioner=by, by=by, starts_on=timezone.localdate(), techniques=["manual_therapy"]
    )


def test_a_practitioner_key_starts_reads_changes_and_ends_a_course(clinic_a, practitioner):
    patient = PatientFactory(clinic=clinic_a)
    api = key_client(clinic_a)
    made = post(
        api,
        f"/api/v1/patients/{patient.public_id}/plans",
        new_plan(practitioner=str(practitioner.membership.public_id)),
    )
    assert made.status_code == 201, made.content
    plan = made.json()
    assert (plan["patient"], plan["status"], plan["practitioner"]) == (
        str(patient.public_id),
        "active",
        str(practitioner.membership.public_id),
    )
    assert plan["max_sessions"] == clinic_a.settings.course_max_sessions  # the clinic's default
    assert [g["description"] for g in plan["goals"]] == ["Sit through a one-hour meeting"]
    assert (plan["sessions"], plan["appointments"]) == ([], [])

    read = api.get(f"/api/v1/plans/{plan['id']}")
    assert read.status_code == 200
    assert read.json()["goals"][0]["target"] == "2.0"
    changed = api.patch(f"/api/v1/plans/{plan['id']}", {"max_sessions": 3, "notes": "Weekly"}, "application/json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["max_sessions"], changed.json()["notes"]) == (3, "Weekly")
    goal = post(api, f"/api/v1/plans/{plan['id']}/goals", {"description": "Turn the head to reverse", "measure": "rom"})
    assert goal.status_code == 201, goal.content
    met = post(api, f"/api/v1/plans/{plan['id']}/goals/{goal.json()['id']}/actions/mark-met", {"met_on": "2026-11-20"})
    assert met.json()["met_on"] == "2026-11-20"
    first = plan["goals"][0]["id"]
    today = post(api, f"/api/v1/plans/{plan['id']}/goals/{first}/actions/mark-met", {})
    assert today.json()["met_on"] == timezone.localdate().isoformat()
    ended = post(api, f"/api/v1/plans/{plan['id']}/actions/end", {"status": "stopped", "reason": "Moved away"})
    assert ended.status_code == 200, ended.content
    assert (ended.json()["status"], ended.json()["end_reason"]) == ("stopped", "Moved away")

    stored = TreatmentPlan.objects.get(public_id=plan["id"])
    assert stored.status == PlanStatus.STOPPED
    assert stored.created_by.api_key.name == "practitioner write plans"
    viewed = AuditEntry.objects.filter(patient=patient, action=AuditEntry.Action.ACCESS, actor_kind="api_key")
    assert viewed.filter(content_type__model="treatmentplan").count() == 1


def test_the_plan_list_pages_by_cursor_from_a_moment_and_is_audited(clinic_a, practitioner):
    patient = PatientFactory(clinic=clinic_a)
    plans = []
    for _ in range(3):
        plan = plan_of(patient, practitioner)
        services.end_plan(plan=plan, by=practitioner, status="completed")
        plans.append(plan)
    TreatmentPlan.objects.filter(pk=plans[0].pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    api = key_client(clinic_a, scope="read", role="front_desk")
    url = f"/api/v1/patients/{patient.public_id}/plans"
    first = api.get(url, {"limit": 2}).json()
    rest = api.get(url, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [p["id"] for p in first["items"] + rest["items"]] == [str(p.public_id) for p in plans]
    assert rest["next_cursor"] is None
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert len(api.get(url, {"updated_since": since}).json()["items"]) == 2
    viewed = AuditEntry.objects.filter(patient=patient, action=AuditEntry.Action.ACCESS, actor_kind="api_key")
    assert viewed.count() == 3 + 2
    problem(api.get(url, {"cursor": "not-a-cursor"}), 422)


def test_only_a_clinical_write_key_writes_a_plan(clinic_a, practitioner):
    patient = PatientFactory(clinic=clinic_a)
    url = f"/api/v1/patients/{patient.public_id}/plans"
    desk = problem(post(key_client(clinic_a, role="front_desk"), url, new_plan()), 403)
    assert "practitioner" in desk["detail"]
    read_only = key_client(clinic_a, scope="read")
    reader = problem(post(read_only, url, new_plan()), 403)
    assert "only read" in reader["detail"]
    plan = plan_of(patient, practitioner)
    problem(
        post(
            read_only,
            f"/api/v1/plans/{plan.public_id}/goals",
            {"description": "x", "measure": "pain"},
        ),
        403,
    )
    assert TreatmentPlan.objects.count() == 1
    assert not Goal.objects.exists()


def test_another_clinics_plans_are_not_found(clinic_a, clinic_b, practitioner):
    patient = PatientFactory(clinic=clinic_a)
    plan = plan_of(patient, practitioner)
    other = key_client(clinic_b)
    problem(other.get(f"/api/v1/plans/{plan.public_id}"), 404)
    problem(other.get(f"/api/v1/patients/{patient.public_id}/plans"), 404)
    problem(other.patch(f"/api/v1/plans/{plan.public_id}", {"notes": "x"}, "application/json"), 404)
    problem(post(other, f"/api/v1/plans/{plan.public_id}/actions/end", {"status": "completed"}), 404)
    problem(post(other, f"/api/v1/patients/{patient.public_id}/plans", new_plan()), 404)
    plan.refresh_from_db()
    assert (plan.status, plan.notes) == (PlanStatus.ACTIVE, "")


@pytest.mark.parametrize(
    ("changes", "status", "says"),
    [
        ({"techniques": ["reiki"]}, 422, "techniques"),
        ({"techniques": []}, 422, "techniques"),
        ({"window_days_min": 20, "window_days_max": 10}, 422, "window"),
        ({"max_sessions": 0}, 422, "max_sessions"),
        ({"practitioner": "00000000-0000-0000-0000-000000000000"}, 422, "practitioner"),
        ({"diagnosis": "00000000-0000-0000-0000-000000000000"}, 422, "diagnosis"),
        ({"starts_on": "2020-01-01"}, 409, "override"),
        ({"max_sessions": 99}, 409, "maximum"),
        ({"goals": [{"description": "", "measure": "pain"}]}, 422, "goals"),
        ({"goals": [{"description": "Walk", "measure": "pain", "target": 1234567}]}, 422, "goals"),
        ({"notes": "nul\x00byte"}, 422, "notes"),
    ],
)
def test_bad_plan_input_is_refused_with_a_problem_and_nothing_is_made(clinic_a, practitioner, changes, status, says):
    patient = PatientFactory(clinic=clinic_a)
    body = problem(
        post(key_client(clinic_a), f"/api/v1/patients/{patient.public_id}/plans", new_plan(**changes)), status
    )
    assert says in str(body).lower() or says in str(body)
    assert not TreatmentPlan.objects.exists()


def test_a_second_active_course_and_changes_to_an_ended_one_are_refused(clinic_a, practitioner):
    patient = PatientFactory(clinic=clinic_a)
    plan = plan_of(patient, practitioner)
    api = key_client(clinic_a)
    assert (
        "already has an active course"
        in problem(post(api, f"/api/v1/patients/{patient.public_id}/plans", new_plan()), 409)["detail"]
    )
    problem(api.patch(f"/api/v1/plans/{plan.public_id}", {"notes": None}, "application/json"), 422)
    problem(post(api, f"/api/v1/plans/{plan.public_id}/actions/end", {"status": "stopped"}), 409)
    problem(post(api, f"/api/v1/plans/{plan.public_id}/actions/end", {"status": "paused"}), 422)
    assert post(api, f"/api/v1/plans/{plan.public_id}/actions/end", {"status": "completed"}).status_code == 200
    problem(api.patch(f"/api/v1/plans/{plan.public_id}", {"notes": "late"}, "application/json"), 409)
    problem(post(api, f"/api/v1/plans/{plan.public_id}/goals", {"description": "Late", "measure": "pain"}), 409)


def test_the_plan_list_and_a_plan_cost_the_same_for_one_row_or_many(clinic_a, practitioner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    patient = PatientFactory(clinic=clinic_a)
    api = key_client(clinic_a)
    api.get(f"/api/v1/patients/{patient.public_id}/plans")  # the key's last use is written once a minute
    counts = []
    for _ in range(2):
        for _ in range(3):
            plan = plan_of(patient, practitioner)
            services.add_goal(plan=plan, by=practitioner, description="Walk the dog", measure="activity")
            services.add_home_exercise(plan=plan, by=practitioner, name="Doorway stretch")
            services.end_plan(plan=plan, by=practitioner, status="completed")
        with CaptureQueriesContext(connection) as listed:
            api.get(f"/api/v1/patients/{patient.public_id}/plans", {"limit": 200})
        with CaptureQueriesContext(connection) as one:
            api.get(f"/api/v1/plans/{plan.public_id}")
        counts.append((len(listed), len(one)))
    assert counts[0] == counts[1]
