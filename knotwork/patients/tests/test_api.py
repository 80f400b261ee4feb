import datetime

import pytest

from knotwork.patients.models import Patient, PatientStatus
from knotwork.patients.tests.factories import PatientFactory, ReferringClinicianFactory

API = "/api/v1/patients"


def test_signed_out_client_gets_401_problem_json(client, db):
    response = client.get(API)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Sign in required"


def test_list_searches_within_the_clinic(practitioner_client, clinic_a, clinic_b):
    PatientFactory(clinic=clinic_a, last_name="Vantongeren")
    PatientFactory(clinic=clinic_b, last_name="Vantongeren")
    PatientFactory.create_batch(3, clinic=clinic_a)
    body = practitioner_client.get(API, {"q": "vantong"}).json()
    assert [p["last_name"] for p in body["items"]] == ["Vantongeren"]
    assert body["next_cursor"] is None
    assert len(practitioner_client.get(API).json()["items"]) == 4


def test_the_list_walks_in_cursor_pages_oldest_change_first_and_filters_by_updated_since(practitioner_client, clinic_a):
    patients = PatientFactory.create_batch(5, clinic=clinic_a)
    seen, cursor, pages = [], None, 0
    while True:
        page = practitioner_client.get(API, {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        assert len(page["items"]) <= 2
        seen += [p["id"] for p in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert (seen, pages) == ([str(p.public_id) for p in patients], 3)
    since = datetime.datetime.now(datetime.UTC)
    changed = patients[1]
    practitioner_client.patch(f"{API}/{changed.public_id}", {"city": "Boulder"}, content_type="application/json")
    recent = practitioner_client.get(API, {"updated_since": since.isoformat()}).json()["items"]
    assert [p["id"] for p in recent] == [str(changed.public_id)]
    naive = practitioner_client.get(API, {"updated_since": "2026-01-01T00:00:00"})
    assert naive.status_code == 422
    assert practitioner_client.get(API, {"cursor": "not-a-cursor"}).status_code == 422


def test_get_returns_public_id_and_never_the_database_key(practitioner_client, clinic_a):
    patient = PatientFactory(clinic=clinic_a, phone="+13035550111")
    body = practitioner_client.get(f"{API}/{patient.public_id}").json()
    assert body["id"] == str(patient.public_id)
    assert body["phone"] == "+13035550111"
    assert "pk" not in body
    assert str(patient.pk) not in body.values()


def test_another_clinics_patient_is_404_for_every_method(practitioner_b_client, clinic_a):
    patient = PatientFactory(clinic=clinic_a, city="Denver")
    url = f"{API}/{patient.public_id}"
    assert practitioner_b_client.get(url).status_code == 404
    patched = practitioner_b_client.patch(url, {"city": "Nowhere"}, content_type="application/json")
    assert patched.status_code == 404
    status = practitioner_b_client.post(
        f"{url}/actions/change-status", {"status": "discharged"}, content_type="application/json"
    )
    assert status.status_code == 404
    patient.refresh_from_db()
    assert (patient.city, patient.status) == ("Denver", PatientStatus.ACTIVE)


def test_create_registers_a_patient(practitioner_client, clinic_a):
    referrer = ReferringClinicianFactory(clinic=clinic_a)
    payload = {
        "first_name": "Ilka",
        "last_name": "Nordin",
        "date_of_birth": "1969-07-20",
        "phone": "303 555 0123",
        "referring_clinician": str(referrer.public_id),
    }
    response = practitioner_client.post(API, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    patient = Patient.objects.get(public_id=response.json()["id"])
    assert (patient.clinic, patient.referring_clinician, patient.chart_number) == (clinic_a, referrer, "P-000001")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"last_name": "Nordin", "date_of_birth": "1969-07-20"}, "first_name"),
        ({"first_name": "Ilka", "last_name": "Nordin", "date_of_birth": "20/07/1969"}, "date_of_birth"),
        ({"first_name": "Ilka", "last_name": "Nordin", "date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"first_name": "Ilka", "last_name": "Nordin", "date_of_birth": "1969-07-20", "phone": "12"}, "phone"),
        ({"first_name": "Ilka", "last_name": "Nordin", "date_of_birth": "1969-07-20", "sex": "x"}, "sex"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_changes_nothing(practitioner_client, payload, field):
    response = practitioner_client.post(API, payload, content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert field in {error["field"] for error in response.json()["errors"]}
    assert not Patient.objects.exists()


def test_a_likely_duplicate_is_409_unless_allowed(practitioner_client, clinic_a):
    PatientFactory(clinic=clinic_a, first_name="Ilka", last_name="Nordin", date_of_birth=datetime.date(1969, 7, 20))
    payload = {"first_name": "Ilka", "last_name": "Nordin", "date_of_birth": "1969-07-20"}
    assert practitioner_client.post(API, payload, content_type="application/json").status_code == 409
    allowed = practitioner_client.post(API, {**payload, "allow_duplicate": True}, content_type="application/json")
    assert allowed.status_code == 201


def test_patch_changes_given_fields_and_status_action_follows_the_rules(practitioner_client, clinic_a):
    patient = PatientFactory(clinic=clinic_a)
    url = f"{API}/{patient.public_id}"
    assert (
        practitioner_client.patch(url, {"city": "Golden"}, content_type="application/json").json()["city"] == "Golden"
    )
    hold = practitioner_client.post(
        f"{url}/actions/change-status", {"status": "on_hold"}, content_type="application/json"
    )
    assert hold.status_code == 409
    assert "why" in hold.json()["detail"]
    ok = practitioner_client.post(
        f"{url}/actions/change-status",
        {"status": "on_hold", "reason": "Awaiting imaging"},
        content_type="application/json",
    )
    assert ok.json()["status"] == "on_hold"


def test_names_of_only_spaces_are_refused(practitioner_client):
    payload = {"first_name": "  ", "last_name": "Nordin", "date_of_birth": "1969-07-20"}
    response = practitioner_client.post(API, payload, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "first_name"
