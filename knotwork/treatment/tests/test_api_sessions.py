"""Sessions and notes through the API with a key: the whole visit a program records, and every refusal on the way."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from knotwork.accounts.services import create_api_key
from knotwork.audit.models import AuditEntry
from knotwork.core.policy import SystemActor
from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling.models import AppointmentStatus
from knotwork.scheduling.tests.factories import AppointmentTypeFactory
from knotwork.treatment import services
from knotwork.treatment.models import (
    ClinicalNote,
    Hold,
    NeedleEntry,
    NoteRevision,
    NoteStatus,
    SessionPoint,
    TechniqueEntry,
    TreatmentSession,
)
from knotwork.treatment.tests.test_session import screened

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
PROBLEM = "application/problem+json"
# A weekday morning in every clinic time zone from UTC-9 to UTC+13, so today's appointment is today's everywhere.
MORNING = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)


def key_client(clinic, *, scope="write", role="practitioner", name=None) -> Client:
    """A client that sends a new key of the clinic as `Authorization: Bearer`."""
    _row, token = create_api_key(
        clinic=clinic, by=SYSTEM, name=name or f"{role} {scope} script", scope=scope, role=role
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    return response.json()


def hold_body(**changes) -> dict:
    ended = timezone.now()
    body = {
        "started_at": (ended - datetime.timedelta(seconds=30)).isoformat(),
        "ended_at": ended.isoformat(),
        "level": 5,
        "tool": "thumb",
        "answer": "good_pain",
    }
    return body | changes


def finished_session(clinic, practitioner):
    """A patient's session, finished, with its draft note."""
    patient = screened(clinic, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    note = services.finish_session(session=session, by=practitioner, pain_after=3)
    return session, note


def test_a_practitioner_key_books_records_a_session_and_signs_and_amends_its_note(clinic_a, practitioner):
    with time_machine.travel(MORNING, tick=True):
        patient = screened(clinic_a, practitioner, consents=("manual_therapy", "dry_needling", "heat_cold"))
        kind = AppointmentTypeFactory(clinic=clinic_a)
        api = key_client(clinic_a)
        starts = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=10)
        starts -= datetime.timedelta(minutes=starts.minute % 5)
        booked = post(
            api,
            "/api/v1/appointments",
            {
                "patient": str(patient.public_id),
                "practitioner": str(practitioner.membership.public_id),
                "appointment_type": str(kind.public_id),
                "starts_at": starts.isoformat(),
                "allow_outside_hours": True,
            },
        )
        assert booked.status_code == 201, booked.content

        started = post(api, f"/api/v1/patients/{patient.public_id}/sessions", {"pain_before": 6})
        assert started.status_code == 201, started.content
        session = started.json()
        assert (session["status"], session["patient"], session["note"]) == ("in_progress", str(patient.public_id), None)
        appointment = patient.appointments.get()
        assert appointment.status == AppointmentStatus.ATTENDED
        assert str(appointment.session.public_id) == session["id"]

        point = post(
            api,
            f"/api/v1/treatment/sessions/{session['id']}/points",
            {"muscle": "upper-trapezius", "side": "right"},
        )
        assert point.status_code == 201, point.content
        held = post(api, f"/api/v1/treatment/points/{point.json()['id']}/holds", hold_body())
        assert held.status_code == 201, held.content
        assert held.json()["holds"][0]["number"] == 1
        needled = post(
            api,
            f"/api/v1/treatment/sessions/{session['id']}/needling",
            {
                "muscle": "soleus",
                "side": "right",
                "diameter_mm": "0.30",
                "length_mm": 50,
                "technique": "pistoning",
                "depth_mm": 30,
                "needles_in": 2,
                "needles_out": 2,
                "clean_technique": True,
            },
        )
        assert needled.status_code == 201, needled.content
        heat = post(api, f"/api/v1/treatment/sessions/{session['id']}/techniques", {"kind": "heat", "minutes": 10})
        assert heat.status_code == 201, heat.content

        detail = api.get(f"/api/v1/treatment/sessions/{session['id']}").json()
        assert [p["muscle"] for p in detail["points"]] == ["upper-trapezius"]
        assert len(detail["points"][0]["holds"]) == 1
        assert [n["muscle"] for n in detail["needling"]] == ["soleus"]
        assert [t["kind"] for t in detail["techniques"]] == ["heat"]

        finished = post(api, f"/api/v1/treatment/sessions/{session['id']}/actions/finish", {"pain_after": 2})
        assert finished.status_code == 200, finished.content
        note = finished.json()
        assert note["status"] == "draft"
        assert "Upper trapezius" in note["objective"] or "upper" in note["objective"].lower()
        assert api.get(f"/api/v1/treatment/sessions/{session['id']}/note").json()["id"] == note["id"]

        signed = post(api, f"/api/v1/treatment/notes/{note['id']}/actions/sign", {"version": note["version"]})
        assert signed.status_code == 200, signed.content
        assert signed.json()["status"] == "signed"
        assert signed.json()["signed_by"] == "API key practitioner write script"
        assert [r["kind"] for r in signed.json()["revisions"]] == ["signed"]

        amended = post(
            api,
            f"/api/v1/treatment/notes/{note['id']}/actions/amend",
            {"reason": "Pain after was misheard", "assessment": "Pain 6/10 before, 3/10 after."},
        )
        assert amended.status_code == 200, amended.content
        body = amended.json()
        assert [r["kind"] for r in body["revisions"]] == ["signed", "amendment"]
        assert body["revisions"][1]["reason"] == "Pain after was misheard"
        assert body["revisions"][1]["assessment"] == "Pain 6/10 before, 3/10 after."
        # Signed notes are never edited in place: the note keeps its signed text, the amendment is a revision.
        assert body["assessment"] == body["revisions"][0]["assessment"] != "Pain 6/10 before, 3/10 after."
        # The amendment moves the note's change time: a client asking for notes changed since it was signed gets it.
        assert body["updated_at"] > signed.json()["updated_at"]
        since = {"updated_since": signed.json()["updated_at"].replace("Z", "+00:00")}
        changed = api.get(f"/api/v1/patients/{patient.public_id}/notes", since).json()["items"]
        assert [n["id"] for n in changed] == [note["id"]]

    stored = ClinicalNote.objects.get(public_id=note["id"])
    assert stored.status == NoteStatus.SIGNED
    assert stored.signed_by.api_key.name == "practitioner write script"
    reads = AuditEntry.objects.filter(patient=patient, action=AuditEntry.Action.ACCESS, actor_kind="api_key")
    assert reads.filter(content_type__model="treatmentsession").exists()
    assert reads.filter(content_type__model="clinicalnote").exists()


def test_a_front_desk_key_may_not_sign_amend_or_read_a_note(clinic_a, practitioner):
    session, note = finished_session(clinic_a, practitioner)
    desk = key_client(clinic_a, role="front_desk")
    refused = problem(post(desk, f"/api/v1/treatment/notes/{note.public_id}/actions/sign", {"version": 1}), 403)
    assert "practitioner" in refused["detail"]
    problem(
        post(desk, f"/api/v1/treatment/notes/{note.public_id}/actions/amend", {"reason": "x" * 9, "plan": "y"}), 403
    )
    problem(desk.get(f"/api/v1/treatment/notes/{note.public_id}"), 403)
    problem(desk.get(f"/api/v1/treatment/sessions/{session.public_id}"), 403)
    problem(desk.get(f"/api/v1/patients/{session.patient.public_id}/sessions"), 403)
    note.refresh_from_db()
    assert note.status == NoteStatus.DRAFT
    assert not NoteRevision.objects.exists()


def test_a_read_only_key_reads_the_record_and_changes_nothing(clinic_a, practitioner):
    session, note = finished_session(clinic_a, practitioner)
    reader = key_client(clinic_a, scope="read")
    assert reader.get(f"/api/v1/treatment/sessions/{session.public_id}").status_code == 200
    assert reader.get(f"/api/v1/treatment/notes/{note.public_id}").status_code == 200
    refused = problem(post(reader, f"/api/v1/treatment/notes/{note.public_id}/actions/sign", {"version": 1}), 403)
    assert "only read" in refused["detail"]
    problem(post(reader, f"/api/v1/patients/{session.patient.public_id}/sessions", {"pain_before": 3}), 403)
    problem(
        reader.patch(f"/api/v1/treatment/notes/{note.public_id}", {"version": 1, "plan": "x"}, "application/json"), 403
    )
    assert TreatmentSession.objects.count() == 1
    note.refresh_from_db()
    assert (note.status, note.version) == (NoteStatus.DRAFT, 1)


def test_another_clinics_sessions_notes_and_points_are_not_found(clinic_a, clinic_b, practitioner):
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    point = services.add_point(session=session, muscle="upper-trapezius", side="right", by=practitioner)
    other = key_client(clinic_b)
    for url in (
        f"/api/v1/treatment/sessions/{session.public_id}",
        f"/api/v1/patients/{patient.public_id}/sessions",
        f"/api/v1/patients/{patient.public_id}/notes",
    ):
        problem(other.get(url), 404)
    problem(post(other, f"/api/v1/treatment/points/{point.public_id}/holds", hold_body()), 404)
    problem(
        post(other, f"/api/v1/treatment/sessions/{session.public_id}/points", {"muscle": "soleus", "side": "left"}), 404
    )
    problem(post(other, f"/api/v1/treatment/sessions/{session.public_id}/actions/finish", {"pain_after": 1}), 404)
    note = services.finish_session(session=session, by=practitioner, pain_after=2)
    problem(other.get(f"/api/v1/treatment/notes/{note.public_id}"), 404)
    problem(post(other, f"/api/v1/treatment/notes/{note.public_id}/actions/sign", {"version": 1}), 404)
    assert not Hold.objects.exists()
    assert SessionPoint.objects.count() == 1
    note.refresh_from_db()
    assert note.status == NoteStatus.DRAFT


def test_session_and_note_lists_page_by_cursor_from_a_moment_and_are_audited(clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    sessions = []
    for pain in (5, 6, 7):
        session = services.start_session(patient=patient, by=practitioner, pain_before=pain)
        services.finish_session(session=session, by=practitioner, pain_after=2)
        sessions.append(session)
    TreatmentSession.objects.filter(pk=sessions[0].pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    api = key_client(clinic_a, scope="read")
    url = f"/api/v1/patients/{patient.public_id}/sessions"
    first = api.get(url, {"limit": 2}).json()
    assert [s["id"] for s in first["items"]] == [str(sessions[0].public_id), str(sessions[1].public_id)]
    rest = api.get(url, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert ([s["id"] for s in rest["items"]], rest["next_cursor"]) == ([str(sessions[2].public_id)], None)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    recent = api.get(url, {"updated_since": since}).json()
    assert [s["id"] for s in recent["items"]] == [str(sessions[1].public_id), str(sessions[2].public_id)]
    notes = api.get(f"/api/v1/patients/{patient.public_id}/notes", {"limit": 200}).json()
    assert len(notes["items"]) == 3
    assert {n["session"] for n in notes["items"]} == {str(s.public_id) for s in sessions}
    viewed = AuditEntry.objects.filter(patient=patient, action=AuditEntry.Action.ACCESS, actor_kind="api_key")
    assert viewed.filter(content_type__model="treatmentsession").count() == 2 + 1 + 2
    assert viewed.filter(content_type__model="clinicalnote").count() == 3
    problem(api.get(url, {"cursor": "edited"}), 422)
    problem(api.get(url, {"limit": 500}), 422)
    problem(api.get(url, {"updated_since": "yesterday"}), 422)


def test_a_courses_sessions_are_listed_with_plan(clinic_a, practitioner):
    from knotwork.plans import services as plans

    patient = screened(clinic_a, practitioner)
    before = services.start_session(patient=patient, by=practitioner, pain_before=5)
    services.finish_session(session=before, by=practitioner, pain_after=2)
    TreatmentSession.objects.filter(pk=before.pk).update(created_at=timezone.now() - datetime.timedelta(days=60))
    plan = plans.create_plan(
        patient=patient,
        practitioner=practitioner,
        by=practitioner,
        starts_on=timezone.localdate(),
        techniques=["manual_therapy"],
    )
    in_course = services.start_session(patient=patient, by=practitioner, pain_before=5)
    api = key_client(clinic_a)
    url = f"/api/v1/patients/{patient.public_id}/sessions"
    page = api.get(url, {"plan": str(plan.public_id)}).json()
    assert [s["id"] for s in page["items"]] == [str(in_course.public_id)]
    assert page["items"][0]["plan"] == str(plan.public_id)
    assert len(api.get(url).json()["items"]) == 2
    someone_else = screened(clinic_a, practitioner)
    problem(api.get(f"/api/v1/patients/{someone_else.public_id}/sessions", {"plan": str(plan.public_id)}), 422)
    problem(api.get(url, {"plan": "00000000-0000-0000-0000-000000000000"}), 422)
    problem(api.get(url, {"plan": "not-a-uuid"}), 422)


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("points", {"muscle": "no-such-muscle", "side": "right"}, 422),
        ("points", {"muscle": "soleus", "side": "middle"}, 422),
        ("points", {"muscle": "soleus", "side": "right", "region": "nowhere", "view": "front", "x": 1, "y": 1}, 422),
        ("points", {"muscle": "soleus", "side": "right", "region": "x", "view": "front", "x": "NaN", "y": 1}, 422),
        ("needling", {"muscle": "soleus", "side": "right"}, 422),
        ("techniques", {"kind": "heat", "minutes": 500}, 422),
        ("techniques", {"kind": "sauna", "minutes": 5}, 422),
        (
            "techniques",
            {"kind": "tens", "minutes": 5, "electrodes": [{"region": "nowhere", "view": "back", "x": 0, "y": 0}]},
            422,
        ),
        ("overrides", {"technique": "dry_needling", "reason": "short"}, 422),
        ("actions/finish", {"pain_after": 11}, 422),
        ("actions/finish", {"pain_after": 2, "range_of_motion": [{"movement": "flexion"}]}, 422),
    ],
)
def test_bad_session_input_is_refused_with_a_problem_and_changes_nothing(clinic_a, practitioner, path, body, status):
    patient = screened(clinic_a, practitioner, consents=("manual_therapy", "dry_needling", "tens", "heat_cold"))
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    api = key_client(clinic_a)
    problem(post(api, f"/api/v1/treatment/sessions/{session.public_id}/{path}", body), status)
    assert (SessionPoint.objects.count(), NeedleEntry.objects.count(), TechniqueEntry.objects.count()) == (0, 0, 0)
    session.refresh_from_db()
    assert session.status == "in_progress"


def test_the_clinics_rules_answer_409_with_the_reason(clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)  # manual therapy consent only
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    api = key_client(clinic_a)
    base = f"/api/v1/treatment/sessions/{session.public_id}"
    needle = {
        "muscle": "soleus",
        "side": "right",
        "diameter_mm": "0.30",
        "length_mm": 50,
        "technique": "pistoning",
        "depth_mm": 30,
        "needles_in": 2,
        "needles_out": 2,
        "clean_technique": True,
    }
    blocked = problem(post(api, f"{base}/needling", needle), 409)
    assert "consent to dry needling" in blocked["detail"]
    problem(post(api, f"{base}/needling", {**needle, "clean_technique": False}), 422)
    override = post(
        api, f"{base}/overrides", {"technique": "dry_needling", "reason": "Consented verbally, form to follow"}
    )
    assert override.status_code == 201, override.content
    miscounted = problem(post(api, f"{base}/needling", {**needle, "needles_out": 1}), 409)
    assert "Needles out must equal needles in" in miscounted["detail"]
    assert post(api, f"{base}/needling", needle).status_code == 201
    unscreened = PatientFactory(clinic=clinic_a)
    guarded = problem(post(api, f"/api/v1/patients/{unscreened.public_id}/sessions", {"pain_before": 5}), 409)
    assert "no safety screen" in guarded["detail"]
    missing = problem(post(api, f"/api/v1/patients/{unscreened.public_id}/sessions", {}), 422)
    assert missing["errors"][0]["field"] == "pain_before"
    assert not TreatmentSession.objects.filter(patient=unscreened).exists()

    note = services.finish_session(session=session, by=practitioner, pain_after=2)
    problem(post(api, f"{base}/actions/finish", {"pain_after": 2}), 409)
    problem(post(api, f"{base}/points", {"muscle": "soleus", "side": "left"}), 409)
    stale = problem(post(api, f"/api/v1/treatment/notes/{note.public_id}/actions/sign", {"version": 7}), 409)
    assert "Someone else saved this note" in stale["detail"]
    problem(
        post(api, f"/api/v1/treatment/notes/{note.public_id}/actions/amend", {"reason": "typo fix", "plan": "x"}), 409
    )
    saved = api.patch(
        f"/api/v1/treatment/notes/{note.public_id}", {"version": 1, "plan": "Review in a week."}, "application/json"
    )
    assert saved.status_code == 200, saved.content
    assert (saved.json()["plan"], saved.json()["version"]) == ("Review in a week.", 2)
    assert post(api, f"/api/v1/treatment/notes/{note.public_id}/actions/sign", {"version": 2}).status_code == 200
    edit = api.patch(f"/api/v1/treatment/notes/{note.public_id}", {"version": 2, "plan": "x"}, "application/json")
    assert "amendment" in problem(edit, 409)["detail"]
    problem(post(api, f"/api/v1/treatment/notes/{note.public_id}/actions/amend", {"reason": "typo"}), 422)
    problem(post(api, f"/api/v1/treatment/notes/{note.public_id}/actions/amend", {"reason": "no", "plan": "y"}), 422)
    same = {"reason": "Nothing really", "plan": "Review in a week."}
    assert (
        "changes nothing"
        in problem(post(api, f"/api/v1/treatment/notes/{note.public_id}/actions/amend", same), 409)["detail"]
    )
    assert NoteRevision.objects.filter(kind="amendment").count() == 0


def test_session_and_note_lists_cost_the_same_for_one_row_or_many(clinic_a, practitioner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    patient = screened(clinic_a, practitioner)
    api = key_client(clinic_a)
    api.get(f"/api/v1/patients/{patient.public_id}/sessions")  # the key's last use is written once a minute
    counts = []
    for _ in range(2):
        for _ in range(3):
            session = services.start_session(patient=patient, by=practitioner, pain_before=5)
            point = services.add_point(session=session, muscle="soleus", side="right", by=practitioner)
            services.record_hold(
                point=point,
                by=practitioner,
                **{k: v for k, v in hold_body().items() if k in ("level", "tool", "answer")},
                started_at=timezone.now() - datetime.timedelta(seconds=20),
                ended_at=timezone.now(),
            )
            note = services.finish_session(session=session, by=practitioner, pain_after=2)
            services.sign_note(note=note, by=practitioner, version=note.version)
        with CaptureQueriesContext(connection) as sessions:
            api.get(f"/api/v1/patients/{patient.public_id}/sessions", {"limit": 200})
        with CaptureQueriesContext(connection) as notes:
            api.get(f"/api/v1/patients/{patient.public_id}/notes", {"limit": 200})
        with CaptureQueriesContext(connection) as detail:
            api.get(f"/api/v1/treatment/sessions/{session.public_id}")
        counts.append((len(sessions), len(notes), len(detail)))
    assert counts[0] == counts[1]
