"""The follow-up API: check-ins, flags and the diary read by every role (audited), a flag resolved by a clinician."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from knotwork.accounts.services import create_api_key
from knotwork.audit.models import AuditEntry
from knotwork.core.policy import SystemActor
from knotwork.followup import services
from knotwork.followup.models import CheckIn, Flag, FlagStatus
from knotwork.followup.tests.test_check_ins import answer, finished_session
from knotwork.patients.tests.factories import as_patient

pytestmark = pytest.mark.django_db
JSON = "application/json"


def key_client(clinic, **choices) -> Client:
    choices.setdefault("name", "Follow-up script")
    _key, token = create_api_key(clinic=clinic, by=SystemActor("test"), **choices)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def flagged(clinic_a, practitioner):
    session = finished_session(clinic_a, practitioner)
    flag = answer(session, 24, adverse_event="Large bruise on the calf")[0]
    return session, flag


def test_check_ins_are_listed_and_read_with_their_answers_and_audited(clinic_a, flagged):
    session, _flag = flagged
    api = key_client(clinic_a, scope="read", role="front_desk")
    listed = api.get(f"/api/v1/patients/{session.patient.public_id}/check-ins")
    assert listed.status_code == 200, listed.content
    items = listed.json()["items"]
    assert sorted(c["hours_after"] for c in items) == [24, 36]
    answered = next(c for c in items if c["hours_after"] == 24)
    assert (answered["status"], answered["soreness"], answered["adverse_event"]) == (
        "answered",
        2,
        "Large bruise on the calf",
    )
    assert answered["session"] == str(session.public_id)
    one = api.get(f"/api/v1/followup/check-ins/{answered['id']}").json()
    assert one["pain"] == 3
    seen = AuditEntry.objects.filter(patient=session.patient, action=AuditEntry.Action.ACCESS, actor_kind="api_key")
    assert seen.count() == 3  # two on the page, one opened


def test_flags_are_listed_per_patient_and_open_for_the_clinic_and_resolved_by_a_clinician(clinic_a, flagged):
    session, flag = flagged
    reader = key_client(clinic_a, name="Reader", scope="read", role="front_desk")
    clinician = key_client(clinic_a, name="Clinician", scope="write", role="practitioner")
    front_desk = key_client(clinic_a, name="Desk", scope="write", role="front_desk")
    open_flags = reader.get("/api/v1/followup/flags").json()["items"]
    assert [(f["id"], f["kind"], f["status"]) for f in open_flags] == [(str(flag.public_id), "adverse", "open")]
    assert open_flags[0]["check_in"] == str(flag.check_in.public_id)
    url = f"/api/v1/followup/flags/{flag.public_id}/actions/resolve"
    body = {"resolution": "Phoned: bruise only, advised a cold pack."}
    read_only = reader.post(url, body, JSON)
    assert (read_only.status_code, read_only["Content-Type"]) == (403, "application/problem+json")
    assert "may only read" in read_only.json()["detail"]
    assert front_desk.post(url, body, JSON).status_code == 403
    assert clinician.post(url, {"resolution": ""}, JSON).status_code == 422
    done = clinician.post(url, body, JSON)
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["resolution"]) == ("resolved", body["resolution"])
    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED
    assert flag.resolved_by.api_key.name == "Clinician"
    again = clinician.post(url, body, JSON)
    assert (again.status_code, again["Content-Type"]) == (409, "application/problem+json")
    assert reader.get("/api/v1/followup/flags").json()["items"] == []
    per_patient = reader.get(f"/api/v1/patients/{session.patient.public_id}/flags", {"status": "resolved"}).json()
    assert [f["id"] for f in per_patient["items"]] == [str(flag.public_id)]
    assert reader.get(f"/api/v1/followup/flags/{flag.public_id}").json()["resolution"] == body["resolution"]


def test_the_diary_is_read_in_cursor_pages_and_filtered_by_updated_since(clinic_a, practitioner):
    session = finished_session(clinic_a, practitioner)
    patient = session.patient
    today = timezone.localdate()
    entries = [
        services.add_diary_entry(
            patient=patient, recorded_on=today - datetime.timedelta(days=n), pain=n, by=as_patient(patient)
        )
        for n in (3, 2, 1)
    ]
    api = key_client(clinic_a, scope="read")
    url = f"/api/v1/patients/{patient.public_id}/diary"
    first = api.get(url, {"limit": 2}).json()
    rest = api.get(url, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [e["id"] for e in first["items"] + rest["items"]] == [str(e.public_id) for e in entries]
    assert rest["next_cursor"] is None
    assert [e["pain"] for e in first["items"]] == [3, 2]
    since = entries[-1].updated_at + datetime.timedelta(seconds=1)
    type(entries[0]).objects.filter(pk=entries[0].pk).update(updated_at=since)
    assert [e["id"] for e in api.get(url, {"updated_since": since.isoformat()}).json()["items"]] == [
        str(entries[0].public_id)
    ]


def test_another_clinic_gets_404_and_a_limited_key_403(clinic_a, clinic_b, flagged):
    session, flag = flagged
    other = key_client(clinic_b, scope="write")
    check_in = CheckIn.objects.filter(session=session).first()
    assert other.get(f"/api/v1/patients/{session.patient.public_id}/check-ins").status_code == 404
    assert other.get(f"/api/v1/followup/check-ins/{check_in.public_id}").status_code == 404
    assert other.get(f"/api/v1/followup/flags/{flag.public_id}").status_code == 404
    assert other.get("/api/v1/followup/flags").json()["items"] == []
    refused = other.post(
        f"/api/v1/followup/flags/{flag.public_id}/actions/resolve", {"resolution": "Someone else's flag"}, JSON
    )
    assert refused.status_code == 404
    assert Flag.objects.get(pk=flag.pk).status == FlagStatus.OPEN
    limited = key_client(clinic_a, name="Patients only", scope="read", resources=["patients"])
    assert limited.get(f"/api/v1/patients/{session.patient.public_id}/check-ins").status_code == 403
    assert limited.get("/api/v1/followup/flags").status_code == 403
