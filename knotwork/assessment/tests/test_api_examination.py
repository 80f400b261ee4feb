"""Examinations, trigger points and diagnoses through the API: the same services and rules as the examination page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knotwork.assessment import services
from knotwork.assessment.models import ConsentForm, Diagnosis, Examination, TriggerPointFinding
from knotwork.assessment.services import corrections
from knotwork.assessment.tests.factories import (
    DiagnosisFactory,
    ExaminationFactory,
    TriggerPointFindingFactory,
    screened_patient,
)
from knotwork.assessment.tests.test_api_record import key_client, problem, red_flag_question, with_drawing
from knotwork.audit.models import AuditEntry
from knotwork.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

POINT = {"muscle": "upper-trapezius", "side": "right", "region": "right-shoulder-top", "taut_band": True}


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


@pytest.fixture
def examination(clinic_a, practitioner):
    return services.start_examination(patient=PatientFactory(clinic=clinic_a), by=practitioner)


def test_a_practitioner_key_examines_records_points_and_diagnoses_and_closes(clinic_a, practitioner):
    patient = PatientFactory(clinic=clinic_a)
    api = key_client(clinic_a, scope="write")

    started = post(api, f"/api/v1/patients/{patient.public_id}/examinations")
    assert started.status_code == 201, started.content
    exam = started.json()
    assert (exam["patient"], exam["closed"], exam["trigger_points"]) == (str(patient.public_id), False, [])
    assert exam["examined_by"].startswith("API key")

    point = post(
        api,
        f"/api/v1/assessment/examinations/{exam['id']}/trigger-points",
        POINT | {"spot_tenderness": True, "pain_recognised": True, "ppt_value": "3.00", "ppt_unit": "kg_cm2"},
    )
    assert point.status_code == 201, point.content
    body = point.json()
    assert body["consensus"]["meets"] is True
    assert body["consensus"]["met"] == ["taut band", "hypersensitive spot"]
    assert (body["view"], body["ppt_kpa"], body["removed"]) == ("back", "294.2", False)
    assert body["x"] is not None
    assert body["y"] is not None

    diagnosis = post(api, f"/api/v1/assessment/examinations/{exam['id']}/diagnoses", {"code": "m7912"})
    assert diagnosis.status_code == 201, diagnosis.content
    assert (diagnosis.json()["code"], diagnosis.json()["is_primary"]) == ("M79.12", True)

    detail = api.get(f"/api/v1/assessment/examinations/{exam['id']}").json()
    assert [p["muscle"] for p in detail["trigger_points"]] == ["upper-trapezius"]
    assert [d["code"] for d in detail["diagnoses"]] == ["M79.12"]

    closed = post(api, f"/api/v1/assessment/examinations/{exam['id']}/actions/close")
    assert closed.status_code == 200, closed.content
    assert closed.json()["closed"] is True
    refused = problem(post(api, f"/api/v1/assessment/examinations/{exam['id']}/trigger-points", POINT), 409)
    assert "closed" in refused["detail"]
    problem(post(api, f"/api/v1/assessment/examinations/{exam['id']}/actions/close"), 409)
    assert TriggerPointFinding.objects.count() == 1

    reads = AuditEntry.objects.filter(patient=patient, action=AuditEntry.Action.ACCESS, actor_kind="api_key")
    assert reads.filter(content_type__model="examination").exists()


def test_lists_of_points_and_diagnoses_mark_removed_entries(clinic_a, practitioner, examination):
    kept = TriggerPointFindingFactory(examination=examination)
    gone = TriggerPointFindingFactory(examination=examination, muscle="levator-scapulae")
    corrections.remove_trigger_point(finding=gone, reason="Recorded on the wrong patient", by=practitioner)
    DiagnosisFactory(examination=examination)
    api = key_client(clinic_a)
    patient = examination.patient

    points = api.get(f"/api/v1/patients/{patient.public_id}/trigger-points").json()["items"]
    assert {p["id"]: p["removed"] for p in points} == {str(kept.public_id): False, str(gone.public_id): True}
    assert next(p for p in points if p["removed"])["removed_reason"] == "Recorded on the wrong patient"
    detail = api.get(f"/api/v1/assessment/examinations/{examination.public_id}").json()
    assert [p["id"] for p in detail["trigger_points"]] == [str(kept.public_id)]
    assert api.get(f"/api/v1/assessment/trigger-points/{gone.public_id}").json()["removed"] is True
    diagnoses = api.get(f"/api/v1/patients/{patient.public_id}/diagnoses").json()["items"]
    assert [d["code"] for d in diagnoses] == ["M79.12"]
    assert api.get(f"/api/v1/assessment/diagnoses/{diagnoses[0]['id']}").status_code == 200
    exams = api.get(f"/api/v1/patients/{patient.public_id}/examinations").json()
    assert [e["id"] for e in exams["items"]] == [str(examination.public_id)]
    assert (
        AuditEntry.objects.filter(
            patient=patient, action=AuditEntry.Action.ACCESS, content_type__model="triggerpointfinding"
        ).count()
        == 3
    )


def test_the_examination_list_pages_by_cursor(clinic_a, practitioner):
    patient = PatientFactory(clinic=clinic_a)
    made = [services.start_examination(patient=patient, by=practitioner) for _ in range(3)]
    api = key_client(clinic_a)
    first = api.get(f"/api/v1/patients/{patient.public_id}/examinations", {"limit": 2}).json()
    second = api.get(
        f"/api/v1/patients/{patient.public_id}/examinations", {"limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert [e["id"] for e in first["items"] + second["items"]] == [str(e.public_id) for e in made]
    assert second["next_cursor"] is None


def test_the_front_desk_may_not_read_or_change_the_examination(clinic_a, practitioner, examination):
    point = TriggerPointFindingFactory(examination=examination)
    diagnosis = DiagnosisFactory(examination=examination)
    patient = examination.patient
    desk = key_client(clinic_a, scope="write", role="front_desk")
    for url in (
        f"/api/v1/patients/{patient.public_id}/examinations",
        f"/api/v1/patients/{patient.public_id}/trigger-points",
        f"/api/v1/patients/{patient.public_id}/diagnoses",
        f"/api/v1/assessment/examinations/{examination.public_id}",
        f"/api/v1/assessment/trigger-points/{point.public_id}",
        f"/api/v1/assessment/diagnoses/{diagnosis.public_id}",
    ):
        refused = problem(desk.get(url), 403)
        assert "practitioner" in refused["detail"], url
    problem(post(desk, f"/api/v1/patients/{patient.public_id}/examinations"), 403)
    problem(post(desk, f"/api/v1/assessment/examinations/{examination.public_id}/trigger-points", POINT), 403)
    problem(post(desk, f"/api/v1/assessment/examinations/{examination.public_id}/diagnoses", {"code": "M54.2"}), 403)
    problem(post(desk, f"/api/v1/assessment/examinations/{examination.public_id}/actions/close"), 403)
    assert Examination.objects.count() == 1
    assert TriggerPointFinding.objects.count() == 1
    assert Diagnosis.objects.count() == 1
    examination.refresh_from_db()
    assert examination.is_open
    assert not AuditEntry.objects.filter(patient=patient, action=AuditEntry.Action.ACCESS).exists()


def test_a_read_only_key_reads_the_examination_and_changes_nothing(clinic_a, practitioner, examination):
    reader = key_client(clinic_a, scope="read")
    assert reader.get(f"/api/v1/assessment/examinations/{examination.public_id}").status_code == 200
    refused = problem(post(reader, f"/api/v1/patients/{examination.patient.public_id}/examinations"), 403)
    assert "only read" in refused["detail"]
    problem(post(reader, f"/api/v1/assessment/examinations/{examination.public_id}/trigger-points", POINT), 403)
    problem(post(reader, f"/api/v1/assessment/examinations/{examination.public_id}/diagnoses", {"code": "M54.2"}), 403)
    problem(post(reader, f"/api/v1/assessment/examinations/{examination.public_id}/actions/close"), 403)
    assert Examination.objects.count() == 1
    assert not TriggerPointFinding.objects.exists()
    assert not Diagnosis.objects.exists()
    examination.refresh_from_db()
    assert examination.is_open


def test_another_clinics_examination_is_not_found(clinic_a, clinic_b, practitioner_b):
    theirs = services.start_examination(patient=PatientFactory(clinic=clinic_b), by=practitioner_b)
    point = TriggerPointFindingFactory(examination=theirs)
    diagnosis = DiagnosisFactory(examination=theirs)
    ExaminationFactory(patient=PatientFactory(clinic=clinic_a))
    api = key_client(clinic_a, scope="write")
    patient = theirs.patient
    for url in (
        f"/api/v1/patients/{patient.public_id}/examinations",
        f"/api/v1/patients/{patient.public_id}/trigger-points",
        f"/api/v1/patients/{patient.public_id}/diagnoses",
        f"/api/v1/assessment/examinations/{theirs.public_id}",
        f"/api/v1/assessment/trigger-points/{point.public_id}",
        f"/api/v1/assessment/diagnoses/{diagnosis.public_id}",
    ):
        problem(api.get(url), 404)
    problem(post(api, f"/api/v1/patients/{patient.public_id}/examinations"), 404)
    problem(post(api, f"/api/v1/assessment/examinations/{theirs.public_id}/trigger-points", POINT), 404)
    problem(post(api, f"/api/v1/assessment/examinations/{theirs.public_id}/diagnoses", {"code": "M54.2"}), 404)
    problem(post(api, f"/api/v1/assessment/examinations/{theirs.public_id}/actions/close"), 404)
    assert Examination.objects.filter(clinic=clinic_b).count() == 1
    assert TriggerPointFinding.objects.count() == 1
    assert Diagnosis.objects.count() == 1
    theirs.refresh_from_db()
    assert theirs.is_open


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"muscle": "made-up"}, "muscle"),
        ({"region": "right-elbowish"}, "region"),
        ({"region": "left-shoulder-top"}, "side"),
        ({"x": 10.0}, "x"),
        ({"x": 5000.0, "y": 10.0}, "x"),
        ({"ppt_value": "3.00"}, "ppt_unit"),
        ({"ppt_value": "900", "ppt_unit": "kg_cm2"}, "ppt_value"),
        ({"palpation_pain": 11}, "palpation_pain"),
        ({"side": "middle"}, "side"),
        ({"notes": "bell\x07"}, "notes"),
        ({"unknown": 1}, None),
    ],
)
def test_a_bad_trigger_point_is_refused_with_a_problem(clinic_a, examination, change, field):
    api = key_client(clinic_a, scope="write")
    answer = post(api, f"/api/v1/assessment/examinations/{examination.public_id}/trigger-points", POINT | change)
    if field is None:  # an unknown field is ignored, as everywhere in the API
        assert answer.status_code == 201, answer.content
        return
    body = problem(answer, 422)
    assert body["title"] == "Invalid input"
    assert field in [error["field"] for error in body["errors"]], body
    assert not TriggerPointFinding.objects.exists()


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("M79.1", "heading"),  # a heading, not billable
        ("M79.999", "not in the clinic's"),
        ("12345", "pattern"),  # not the shape of a code
        ("", "at least 3"),
    ],
)
def test_a_bad_diagnosis_code_is_refused_with_a_problem(clinic_a, examination, code, says):
    api = key_client(clinic_a, scope="write")
    body = problem(post(api, f"/api/v1/assessment/examinations/{examination.public_id}/diagnoses", {"code": code}), 422)
    assert [error["field"] for error in body["errors"]] == ["code"]
    assert says in body["errors"][0]["message"]
    assert not Diagnosis.objects.exists()


def test_the_same_code_twice_is_a_conflict(clinic_a, examination):
    api = key_client(clinic_a, scope="write")
    url = f"/api/v1/assessment/examinations/{examination.public_id}/diagnoses"
    assert post(api, url, {"code": "M54.2"}).status_code == 201
    assert "already" in problem(post(api, url, {"code": "M54.2"}), 409)["detail"]
    assert Diagnosis.objects.count() == 1


def test_a_body_that_is_not_json_is_a_problem(clinic_a, examination):
    api = key_client(clinic_a, scope="write")
    answer = api.post(
        f"/api/v1/assessment/examinations/{examination.public_id}/diagnoses", "code=M54.2", content_type="text/plain"
    )
    assert answer.status_code in (400, 415, 422), answer.content
    assert answer["Content-Type"] == "application/problem+json"
    assert not Diagnosis.objects.exists()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_pages_cost_the_same_queries_however_many_rows(clinic_a, practitioner):
    patient = screened_patient(clinic_a, practitioner, yes=[red_flag_question()], consents=("manual_therapy",))
    api = key_client(clinic_a)
    urls = [
        f"/api/v1/patients/{patient.public_id}/{part}"
        for part in ("examinations", "trigger-points", "diagnoses", "intakes", "safety-screens", "consents")
    ]

    def examine() -> None:
        examination = ExaminationFactory(patient=patient, clinic=clinic_a)
        TriggerPointFindingFactory.create_batch(2, examination=examination)
        DiagnosisFactory(examination=examination)

    examine()
    _queries(api, urls[0])  # the key's first use of the minute records its last use
    once = [_queries(api, url) for url in urls]
    examine()
    examine()
    with_drawing(patient, practitioner)
    second = patient.screens.order_by("-created_at").first()
    services.override_finding(
        screen=second, rule_id=second.findings[0]["rule"], reason="Seen by the GP; cleared to treat.", by=practitioner
    )
    version = ConsentForm.objects.get(clinic=clinic_a, technique="dry_needling").versions.get()
    services.sign_consent(
        patient=patient,
        version=version,
        signed_name="Pat",
        signature="M1 1",
        shown_hash=version.body_hash,
        by=practitioner,
    )
    assert [_queries(api, url) for url in urls] == once


def test_a_practitioner_key_records_range_factors_and_removes_entries_with_a_reason(clinic_a, examination):
    point = TriggerPointFindingFactory(examination=examination)
    first = DiagnosisFactory(examination=examination)
    second = DiagnosisFactory(examination=examination, code="M54.2", description="Cervicalgia", is_primary=False)
    api = key_client(clinic_a, scope="write")
    exam_url = f"/api/v1/assessment/examinations/{examination.public_id}"

    rom = post(api, f"{exam_url}/range-of-motion", {"movement": "Cervical rotation", "degrees": 55, "side": "left"})
    assert rom.status_code == 201, rom.content
    assert (rom.json()["degrees"], rom.json()["side"]) == (55, "left")
    factors = api.put(
        f"{exam_url}/perpetuating-factors",
        {"perpetuating_factors": ["leg_length_inequality"]},
        content_type="application/json",
    )
    assert factors.status_code == 200, factors.content
    assert factors.json()["perpetuating_factors"] == ["leg_length_inequality"]
    assert [r["movement"] for r in factors.json()["range_of_motion"]] == ["Cervical rotation"]

    removed = post(api, f"/api/v1/assessment/trigger-points/{point.public_id}/actions/remove", {"reason": "Wrong side"})
    assert removed.status_code == 200, removed.content
    assert (removed.json()["removed"], removed.json()["removed_reason"]) == (True, "Wrong side")
    again = post(api, f"/api/v1/assessment/trigger-points/{point.public_id}/actions/remove", {"reason": "Again"})
    assert "removed" in problem(again, 409)["detail"]
    dropped = post(api, f"/api/v1/assessment/diagnoses/{first.public_id}/actions/remove", {"reason": "Not myalgia"})
    assert dropped.status_code == 200, dropped.content
    detail = api.get(exam_url).json()
    assert detail["trigger_points"] == []
    assert [(d["code"], d["is_primary"]) for d in detail["diagnoses"]] == [(second.code, True)]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("range-of-motion", {"movement": "Cervical rotation", "degrees": 170}, "degrees"),
        ("range-of-motion", {"movement": "Cervical rotation", "degrees": 361}, "degrees"),
        ("range-of-motion", {"movement": "", "degrees": 40}, "movement"),
        ("range-of-motion", {"movement": "Cervical rotation", "degrees": 40, "side": "up"}, "side"),
        ("perpetuating-factors", {"perpetuating_factors": ["made_up"]}, "perpetuating_factors"),
    ],
)
def test_a_bad_range_or_factor_is_refused_with_a_problem(clinic_a, examination, path, body, field):
    api = key_client(clinic_a, scope="write")
    url = f"/api/v1/assessment/examinations/{examination.public_id}/{path}"
    answer = api.put(url, body, "application/json") if path == "perpetuating-factors" else post(api, url, body)
    assert field in [error["field"] for error in problem(answer, 422)["errors"]]
    examination.refresh_from_db()
    assert examination.perpetuating_factors == []
    assert not examination.range_of_motion.exists()


def test_a_removal_needs_a_reason(clinic_a, examination):
    point = TriggerPointFindingFactory(examination=examination)
    api = key_client(clinic_a, scope="write")
    answer = post(api, f"/api/v1/assessment/trigger-points/{point.public_id}/actions/remove", {"reason": ""})
    assert [error["field"] for error in problem(answer, 422)["errors"]] == ["reason"]
    point.refresh_from_db()
    assert point.removed_at is None


@pytest.mark.parametrize(("role", "scope", "status"), [("front_desk", "write", 403), ("practitioner", "read", 403)])
def test_who_may_not_record_or_remove_is_refused(clinic_a, examination, role, scope, status):
    point = TriggerPointFindingFactory(examination=examination)
    diagnosis = DiagnosisFactory(examination=examination)
    api = key_client(clinic_a, scope=scope, role=role)
    exam_url = f"/api/v1/assessment/examinations/{examination.public_id}"
    problem(post(api, f"{exam_url}/range-of-motion", {"movement": "Cervical rotation", "degrees": 40}), status)
    problem(api.put(f"{exam_url}/perpetuating-factors", {"perpetuating_factors": []}, "application/json"), status)
    problem(
        post(api, f"/api/v1/assessment/trigger-points/{point.public_id}/actions/remove", {"reason": "x y z"}), status
    )
    problem(
        post(api, f"/api/v1/assessment/diagnoses/{diagnosis.public_id}/actions/remove", {"reason": "x y z"}), status
    )
    point.refresh_from_db()
    diagnosis.refresh_from_db()
    assert point.removed_at is None
    assert diagnosis.removed_at is None
    assert not examination.range_of_motion.exists()


def test_another_clinics_entries_cannot_be_changed(clinic_a, clinic_b, practitioner_b):
    theirs = services.start_examination(patient=PatientFactory(clinic=clinic_b), by=practitioner_b)
    point = TriggerPointFindingFactory(examination=theirs)
    diagnosis = DiagnosisFactory(examination=theirs)
    api = key_client(clinic_a, scope="write")
    exam_url = f"/api/v1/assessment/examinations/{theirs.public_id}"
    problem(post(api, f"{exam_url}/range-of-motion", {"movement": "Cervical rotation", "degrees": 40}), 404)
    problem(api.put(f"{exam_url}/perpetuating-factors", {"perpetuating_factors": []}, "application/json"), 404)
    problem(post(api, f"/api/v1/assessment/trigger-points/{point.public_id}/actions/remove", {"reason": "x y z"}), 404)
    problem(post(api, f"/api/v1/assessment/diagnoses/{diagnosis.public_id}/actions/remove", {"reason": "x y z"}), 404)
    point.refresh_from_db()
    assert point.removed_at is None


def test_an_unknown_threshold_unit_names_its_field(clinic_a, examination):
    api = key_client(clinic_a, scope="write")
    url = f"/api/v1/assessment/examinations/{examination.public_id}/trigger-points"
    answer = post(api, url, POINT | {"ppt_value": "3", "ppt_unit": "psi"})
    assert [error["field"] for error in problem(answer, 422)["errors"]] == ["ppt_unit"]


def test_a_correction_changes_the_fields_sent_and_keeps_the_values_it_had(clinic_a, examination):
    point = TriggerPointFindingFactory(examination=examination, spot_tenderness=False, palpation_pain=6)
    api = key_client(clinic_a, scope="write")
    url = f"/api/v1/assessment/trigger-points/{point.public_id}"

    corrected = api.patch(url, {"palpation_pain": 4, "reason": "Misheard"}, "application/json")
    assert corrected.status_code == 200, corrected.content
    assert (corrected.json()["palpation_pain"], corrected.json()["region"]) == (4, "right-shoulder-top")
    moved = api.patch(url, {"side": "left", "region": "left-shoulder-top"}, "application/json")
    assert moved.status_code == 200, moved.content
    assert (moved.json()["side"], moved.json()["region"]) == ("left", "left-shoulder-top")
    revisions = point.revisions.order_by("created_at")
    assert [r.before.get("palpation_pain") for r in revisions] == [6, None]
    assert revisions[1].before["region"] == "right-shoulder-top"

    assert "Nothing was changed" in problem(api.patch(url, {"palpation_pain": 4}, "application/json"), 409)["detail"]
    refused = problem(api.patch(url, {"muscle": None}, "application/json"), 422)
    assert [e["field"] for e in refused["errors"]] == ["muscle"]
    refused = problem(api.patch(url, {"side": "right"}, "application/json"), 422)
    assert [e["field"] for e in refused["errors"]] == ["side"]
    corrections.close_examination(examination=examination, by=examination.examined_by)
    problem(api.patch(url, {"weakness": True}, "application/json"), 409)
    point.refresh_from_db()
    assert (point.palpation_pain, point.side, point.weakness) == (4, "left", False)


def test_who_may_not_correct_a_finding_is_refused(clinic_a, clinic_b, examination, practitioner_b):
    point = TriggerPointFindingFactory(examination=examination)
    theirs = TriggerPointFindingFactory(
        examination=services.start_examination(patient=PatientFactory(clinic=clinic_b), by=practitioner_b)
    )
    body = {"weakness": True}
    url = f"/api/v1/assessment/trigger-points/{point.public_id}"
    problem(key_client(clinic_a, scope="write", role="front_desk").patch(url, body, "application/json"), 403)
    problem(key_client(clinic_a, scope="read").patch(url, body, "application/json"), 403)
    writer = key_client(clinic_a, scope="write", name="writer")
    problem(writer.patch(f"/api/v1/assessment/trigger-points/{theirs.public_id}", body, "application/json"), 404)
    point.refresh_from_db()
    theirs.refresh_from_db()
    assert not point.weakness
    assert not theirs.weakness
