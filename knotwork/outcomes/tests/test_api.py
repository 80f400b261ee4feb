import datetime
import json

import pytest

from knotwork.audit.models import AuditEntry
from knotwork.outcomes import services
from knotwork.outcomes.models import QuestionnaireResponse
from knotwork.patients.tests.factories import PatientFactory
from knotwork.treatment.models import TreatmentSession


@pytest.fixture
def patient(clinic_a):
    return PatientFactory(clinic=clinic_a)


def url(patient) -> str:
    return f"/api/v1/patients/{patient.public_id}/questionnaires"


def post(client, patient, body):
    return client.post(url(patient), json.dumps(body), content_type="application/json")


def test_posting_an_oswestry_returns_its_score(practitioner_client, patient):
    response = post(
        practitioner_client,
        patient,
        {"instrument": "odi", "occasion": "intake", "answers": [1, 2, 3, 0, 1, 2, 3, 4, 5, 0]},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["score"] == {
        "raw": 21.0,
        "maximum": 50,
        "percent": 42.0,
        "band": "severe disability",
        "answered": 10,
        "skipped": 0,
    }
    assert body["id"] == str(QuestionnaireResponse.objects.get().public_id)
    assert body["patient"] == str(patient.public_id)
    assert body["version"] == "2.1a"
    assert "pk" not in body


def test_skipped_items_are_null_and_prorated(practitioner_client, patient):
    response = post(practitioner_client, patient, {"instrument": "ndi", "answers": [2] * 9 + [None]})
    assert response.status_code == 201
    assert response.json()["score"]["percent"] == 40.0
    assert response.json()["answers"][9] is None
    assert response.json()["occasion"] == "other"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"instrument": "odi", "answers": [6] + [0] * 9}, "ODI item 1: 6 is not a possible answer (0 to 5)."),
        ({"instrument": "odi", "answers": [None] * 3 + [0] * 7}, "at most 2 may be skipped"),
        ({"instrument": "psfs", "answers": [3, 5], "activities": ["Gardening"]}, "1 activities were named"),
    ],
)
def test_unscorable_answers_are_a_problem_with_a_clear_message(practitioner_client, patient, body, detail):
    response = post(practitioner_client, patient, body)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert detail in response.json()["detail"]
    assert not QuestionnaireResponse.objects.exists()


def test_malformed_input_is_a_problem_naming_the_field(practitioner_client, patient):
    response = post(practitioner_client, patient, {"instrument": "sf36", "answers": ["a"]})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    fields = {e["field"] for e in response.json()["errors"]}
    assert "instrument" in fields


def test_psfs_through_the_api(practitioner_client, patient):
    response = post(
        practitioner_client,
        patient,
        {
            "instrument": "psfs",
            "occasion": "intake",
            "answers": [3, 5, 4],
            "activities": ["Gardening", "Sitting", "Lifting"],
        },
    )
    assert response.json()["score"]["raw"] == 4.0
    assert response.json()["activities"] == ["Gardening", "Sitting", "Lifting"]


def test_a_session_is_linked_by_its_public_id(practitioner_client, practitioner, patient, clinic_a):
    session = TreatmentSession.objects.create(
        clinic=clinic_a, patient=patient, practitioner=practitioner, pain_before=5
    )
    response = post(
        practitioner_client,
        patient,
        {"instrument": "nprs", "occasion": "session", "answers": [4], "session": str(session.public_id)},
    )
    assert response.json()["session"] == str(session.public_id)


def test_listing_returns_only_the_patients_questionnaires(practitioner_client, practitioner, patient, clinic_a):
    mine = services.record_questionnaire(
        patient=patient, instrument="nprs", occasion="intake", answers=[7], by=practitioner
    )
    other = PatientFactory(clinic=clinic_a)
    theirs = services.record_questionnaire(
        patient=other, instrument="nprs", occasion="intake", answers=[2], by=practitioner
    )
    response = practitioner_client.get(url(patient))
    assert response.status_code == 200
    assert [r["answers"] for r in response.json()["items"]] == [[7]]
    assert practitioner_client.get(url(patient) + "?instrument=odi").json()["items"] == []
    one = practitioner_client.get(f"{url(patient)}/{mine.public_id}")
    assert (one.status_code, one.json()["score"]["raw"]) == (200, 7.0)
    assert practitioner_client.get(f"{url(patient)}/{theirs.public_id}").status_code == 404
    assert AuditEntry.objects.filter(object_pk=str(mine.pk), action=AuditEntry.Action.ACCESS).exists()


def test_the_list_walks_in_cursor_pages_and_filters_by_updated_since(practitioner_client, practitioner, patient):
    made = [
        services.record_questionnaire(
            patient=patient, instrument="nprs", occasion="other", answers=[n], by=practitioner
        )
        for n in (3, 4, 5)
    ]
    first = practitioner_client.get(url(patient), {"limit": 2}).json()
    rest = practitioner_client.get(url(patient), {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [r["id"] for r in first["items"] + rest["items"]] == [str(r.public_id) for r in made]
    assert rest["next_cursor"] is None
    since = made[-1].updated_at + datetime.timedelta(seconds=1)
    QuestionnaireResponse.objects.filter(pk=made[0].pk).update(updated_at=since)
    recent = practitioner_client.get(url(patient), {"updated_since": since.isoformat()}).json()["items"]
    assert [r["id"] for r in recent] == [str(made[0].public_id)]


def test_another_clinic_gets_404(practitioner_b_client, practitioner, patient):
    services.record_questionnaire(patient=patient, instrument="nprs", occasion="intake", answers=[7], by=practitioner)
    assert practitioner_b_client.get(url(patient)).status_code == 404
    assert post(practitioner_b_client, patient, {"instrument": "nprs", "answers": [3]}).status_code == 404
    assert QuestionnaireResponse.objects.count() == 1


def test_front_desk_may_record_through_the_api(front_desk_client, patient):
    assert post(front_desk_client, patient, {"instrument": "nprs", "answers": [3]}).status_code == 201


def test_signed_out_is_401(client, patient):
    assert client.get(url(patient)).status_code == 401
