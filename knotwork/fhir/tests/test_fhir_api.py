"""FHIR R4 over HTTP: a patient's $everything and reads by id, validated with fhir.resources, scoped and audited."""

import json

import pytest
from django.test import Client, override_settings
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from knotwork.accounts.services import create_api_key
from knotwork.audit.models import AuditEntry
from knotwork.core.policy import SystemActor
from knotwork.patients.models import Patient
from knotwork.patients.tests.factories import PatientFactory
from tests.test_clinic_isolation import clinic_a_records

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
FHIR_JSON = "application/fhir+json"


def key(clinic, **choices) -> str:
    choices.setdefault("name", "FHIR client")
    choices.setdefault("resources", ["fhir"])
    _row, token = create_api_key(clinic=clinic, by=SYSTEM, **choices)
    return token


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def validated(resource: dict):
    """Construct the fhir.resources model of a resource's JSON: raises unless it is valid FHIR R4 (4.3)."""
    return get_fhir_model_class(resource["resourceType"]).model_validate(resource)


@pytest.fixture
def record(clinic_a, owner):
    """One patient with every part of the record (the clinic-isolation walk's records), and a stranger."""
    rows = clinic_a_records(clinic_a, owner)
    patient = next(r for r in rows if isinstance(r, Patient))
    PatientFactory(clinic=clinic_a, first_name="Other", last_name="Person")
    return patient


@pytest.fixture
def everything(record, clinic_a):
    answer = Client().get(f"/fhir/r4/Patient/{record.public_id}/$everything", **bearer(key(clinic_a)))
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"] == FHIR_JSON
    return answer.json()


def test_everything_is_a_valid_bundle_of_the_whole_record(everything, record):
    bundle = Bundle.model_validate(everything)
    resources = [validated(e["resource"]) for e in everything["entry"]]
    assert bundle.type == "searchset"
    types = {r.get_resource_type() for r in resources}
    assert types >= {
        "Patient",
        "Practitioner",
        "Organization",
        "Encounter",
        "Condition",
        "Observation",
        "Procedure",
        "QuestionnaireResponse",
        "CarePlan",
        "Appointment",
        "Consent",
        "DocumentReference",
    }
    patients = [r for r in resources if r.get_resource_type() == "Patient"]
    assert [p.id for p in patients] == [str(record.public_id)]  # the other patient is not in it
    assert everything["total"] == 1


def _of(everything, resource_type):
    return [e["resource"] for e in everything["entry"] if e["resource"]["resourceType"] == resource_type]


def test_the_codes_say_what_was_found_and_done(everything):
    observations = _of(everything, "Observation")
    codes = {(c["system"], c["code"]) for o in observations for c in o["code"]["coding"]}
    assert ("http://loinc.org", "72514-3") in codes  # pain 0-10, before and after the session
    trigger_points = [o for o in observations if o["code"]["coding"][0]["code"] == "trigger-point"]
    assert trigger_points
    assert all(o["bodySite"]["coding"][0]["system"] == "urn:knotwork:atlas:muscle" for o in trigger_points)
    conditions = _of(everything, "Condition")
    assert all(c["code"]["coding"][0]["system"] == "http://hl7.org/fhir/sid/icd-10-cm" for c in conditions)
    procedures = _of(everything, "Procedure")
    cpt = {
        c["code"] for p in procedures for c in p["code"]["coding"] if c["system"] == "http://www.ama-assn.org/go/cpt"
    }
    assert "20560" in cpt  # the signed session needled one muscle (its 20 s hold is under a billable unit)
    needling = next(p for p in procedures if p["code"]["coding"][0]["code"] == "20560")
    assert needling["bodySite"][0]["coding"][0]["system"] == "urn:knotwork:atlas:muscle"
    responses = {r["questionnaire"].split(":")[-1].split("|")[0] for r in _of(everything, "QuestionnaireResponse")}
    assert responses >= {"odi", "psfs"}
    psfs = next(r for r in _of(everything, "QuestionnaireResponse") if "psfs" in r["questionnaire"])
    assert [i["answer"][0]["valueInteger"] for i in psfs["item"] if i["linkId"].startswith("activity")] == [3, 5]
    (document,) = _of(everything, "DocumentReference")
    attachment = document["content"][0]["attachment"]
    assert attachment["contentType"] == "application/pdf"
    assert attachment["url"].endswith(f"/fhir/r4/DocumentReference/{document['id']}/note.pdf")


def test_everything_is_recorded_as_an_export_of_the_patient(everything, record):
    entry = AuditEntry.objects.filter(patient=record, action=AuditEntry.Action.EXPORT).get()
    assert entry.additional_data["shown_in"] == "FHIR Patient/$everything"
    assert "FHIR client" in entry.actor_label  # the key is named


def test_each_resource_reads_by_id_as_in_the_bundle_and_is_audited(everything, record, clinic_a):
    client, token = Client(), key(clinic_a, name="Reader")
    for entry in everything["entry"]:
        resource = entry["resource"]
        before = AuditEntry.objects.filter(patient=record, action=AuditEntry.Action.ACCESS).count()
        answer = client.get(f"/fhir/r4/{resource['resourceType']}/{resource['id']}", **bearer(token))
        assert answer.status_code == 200, (resource["resourceType"], answer.content)
        assert answer["Content-Type"] == FHIR_JSON
        validated(answer.json())
        assert answer.json() == resource
        after = AuditEntry.objects.filter(patient=record, action=AuditEntry.Action.ACCESS).count()
        assert after == before + (resource["resourceType"] not in ("Practitioner", "Organization"))


def test_another_clinics_key_finds_nothing(everything, clinic_b):
    client, token = Client(), key(clinic_b)
    patient_id = _of(everything, "Patient")[0]["id"]
    answer = client.get(f"/fhir/r4/Patient/{patient_id}/$everything", **bearer(token))
    assert answer.status_code == 404
    assert answer.json()["resourceType"] == "OperationOutcome"
    for entry in everything["entry"]:
        resource = entry["resource"]
        answer = client.get(f"/fhir/r4/{resource['resourceType']}/{resource['id']}", **bearer(token))
        assert answer.status_code == 404, resource["resourceType"]
        assert answer.json()["issue"][0]["code"] == "not-found"


def test_a_missing_or_malformed_id_is_a_404_outcome(clinic_a):
    token = key(clinic_a)
    for address in ("/fhir/r4/Patient/not-a-uuid", "/fhir/r4/Observation/00000000-0000-0000-0000-000000000001-ppt"):
        answer = Client().get(address, **bearer(token))
        assert answer.status_code == 404
        validated(answer.json())


def test_an_unknown_resource_type_or_operation_is_a_404_outcome_not_a_page(clinic_a):
    token = key(clinic_a)
    for address in ("/fhir/r4/MedicationRequest/123", "/fhir/r4/Patient", "/fhir/r4/$nonsense", "/fhir/r4/a/b/c"):
        answer = Client().get(address, **bearer(token))
        assert answer.status_code == 404, address
        assert answer["Content-Type"] == FHIR_JSON
        validated(answer.json())
        assert answer.json()["issue"][0]["code"] == "not-supported"
    # Without credentials it asks for them first, like every FHIR address.
    assert Client().get("/fhir/r4/MedicationRequest/123").status_code == 401


def test_without_credentials_the_answer_is_401_with_how_to_authenticate(record):
    answer = Client().get(f"/fhir/r4/Patient/{record.public_id}")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in answer.json()["issue"][0]["diagnostics"]
    wrong = Client().get(f"/fhir/r4/Patient/{record.public_id}", **bearer("kw_abcdefgh_" + "x" * 40))
    assert wrong.status_code == 401
    validated(wrong.json())


def test_a_key_without_fhir_or_of_the_front_desk_is_refused_403(record, clinic_a):
    for token in (
        key(clinic_a, name="Patients only", resources=["patients"]),
        key(clinic_a, name="Desk", role="front_desk"),
    ):
        answer = Client().get(f"/fhir/r4/Patient/{record.public_id}/$everything", **bearer(token))
        assert answer.status_code == 403
        assert answer.json()["issue"][0]["code"] == "forbidden"
    assert not AuditEntry.objects.filter(patient=record, action=AuditEntry.Action.EXPORT).exists()


def test_the_front_desk_in_the_browser_is_refused(record, front_desk_client):
    answer = front_desk_client.get(f"/fhir/r4/Patient/{record.public_id}")
    assert answer.status_code == 403
    assert "practitioner or the owner" in answer.json()["issue"][0]["diagnostics"]


def test_the_owner_in_the_browser_may_read_everything(record, owner_client):
    answer = owner_client.get(f"/fhir/r4/Patient/{record.public_id}/$everything")
    assert answer.status_code == 200
    Bundle.model_validate(answer.json())


@override_settings(API_KEY_RATE_LIMIT=2)
def test_a_key_over_its_rate_gets_429_with_retry_after(record, clinic_a):
    token = key(clinic_a, name="Busy")
    answers = [Client().get(f"/fhir/r4/Patient/{record.public_id}", **bearer(token)) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    assert answers[-1].json()["issue"][0]["code"] == "throttled"


def test_the_signed_note_pdf_is_served_to_the_key_and_audited(everything, record, clinic_a):
    (document,) = _of(everything, "DocumentReference")
    address = document["content"][0]["attachment"]["url"].split("testserver", 1)[-1]
    before = AuditEntry.objects.filter(patient=record).count()
    answer = Client().get(address, **bearer(key(clinic_a, name="PDF")))
    assert answer.status_code == 200, answer.content[:300]
    assert answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(patient=record).count() == before + 1
    assert Client().get(address).status_code == 401


def test_ids_in_the_bundle_are_public_ids(everything, record):
    text = json.dumps(everything)
    assert f'"id": "{record.public_id}"' in text or f'"id":"{record.public_id}"' in text
    assert f'Patient/{record.pk}"' not in text


def test_everything_reads_a_fixed_number_of_queries_however_long_the_record(record, clinic_a, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from knotwork.outcomes.services import record_questionnaire
    from tests.test_clinic_isolation import treatment_records

    client, token = Client(), key(clinic_a)
    address = f"/fhir/r4/Patient/{record.public_id}/$everything"
    client.get(address, **bearer(token))  # the atlas and the key's first use are read once
    with CaptureQueriesContext(connection) as first:
        assert client.get(address, **bearer(token)).status_code == 200
    treatment_records(record, owner)  # a second signed session: holds, needling, techniques, note
    for answers in ([2] * 10, [4] * 10):
        record_questionnaire(patient=record, instrument="odi", occasion="session", answers=answers, by=owner)
    with CaptureQueriesContext(connection) as second:
        answer = client.get(address, **bearer(token))
    assert len(_of(answer.json(), "Encounter")) == 2
    assert len(second.captured_queries) == len(first.captured_queries)


def test_the_chart_button_is_shown_to_those_who_may_read_fhir(record, owner, front_desk):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    for user, shown in ((owner, True), (front_desk, False)):
        request.user = user
        html = render_to_string("fhir/components/chart_button.html", {"patient": record, "request": request})
        assert (f"/fhir/r4/Patient/{record.public_id}/$everything" in html) is shown


def test_a_method_the_address_does_not_take_is_a_405_outcome(record, clinic_a):
    answer = Client().post(f"/fhir/r4/Patient/{record.public_id}", **bearer(key(clinic_a)))
    assert answer.status_code == 405
    assert answer["Allow"] == "GET"
    validated(answer.json())


def test_a_pressure_pain_threshold_is_its_own_observation_in_kpa(record, clinic_a):
    from knotwork.assessment.models import TriggerPointFinding

    finding = TriggerPointFinding.objects.filter(patient=record).first()
    TriggerPointFinding.objects.filter(pk=finding.pk).update(ppt_value=350, ppt_unit="kpa", ppt_kpa=350)
    answer = Client().get(f"/fhir/r4/Observation/{finding.public_id}-ppt", **bearer(key(clinic_a)))
    assert answer.status_code == 200
    ppt = answer.json()
    validated(ppt)
    assert ppt["code"]["coding"][0] == {
        "system": "urn:knotwork:fhir:observation",
        "code": "pressure-pain-threshold",
        "display": "Pressure pain threshold (algometer)",
    }
    assert ppt["valueQuantity"] == {"value": 350, "unit": "kPa", "system": "http://unitsofmeasure.org", "code": "kPa"}
    assert ppt["derivedFrom"] == [{"reference": f"Observation/{finding.public_id}"}]
    assert ppt["bodySite"]["coding"][0]["code"] == finding.muscle
