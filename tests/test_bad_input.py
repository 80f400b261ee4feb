"""Bad input never yields a server error and changes nothing: pages, forms and the API alike.

Each test here failed on main before issue 10: a huge page number, NUL bytes through the API, a malformed
multipart body, a 1 MB amendment, API server errors as HTML.
"""

import json
import logging

import pytest
from django.core.exceptions import ValidationError
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client
from django.urls import reverse

from config.api import api as ninja_api
from knotwork.assessment import services as assessment
from knotwork.assessment.models import Intake
from knotwork.outcomes import services as outcomes
from knotwork.outcomes.models import QuestionnaireText
from knotwork.patients import selectors as patient_selectors
from knotwork.patients.models import Patient
from knotwork.patients.tests.factories import PatientFactory
from knotwork.treatment import services as treatment
from knotwork.treatment.models import NoteRevision
from knotwork.treatment.tests.test_session import screened

API = "/api/v1/patients"
PROBLEM = "application/problem+json"
NEW_PATIENT = {"first_name": "Ilka", "last_name": "Nordin", "date_of_birth": "1969-07-20"}


@pytest.fixture
def api(practitioner):
    """A signed-in practitioner whose server errors come back as responses (as a browser would see them)."""
    client = Client(raise_request_exception=False)
    client.force_login(practitioner)
    return client


@pytest.fixture
def csrf_api(practitioner):
    """A signed-in practitioner sending a valid CSRF token, so the CSRF check reads the body as a browser's would."""
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    client.force_login(practitioner)
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    client.defaults["HTTP_X_CSRFTOKEN"] = _mask_cipher_secret(secret)
    return client


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    return body


# ---- pagination -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [10**20, 10_001, 0, -1, "abc", "1e9"])
def test_an_api_page_number_out_of_bounds_is_refused_with_a_message(api, clinic_a, page):
    PatientFactory(clinic=clinic_a)
    body = assert_problem(api.get(API, {"page": page}), 422)
    assert body["errors"][0]["field"] == "page"


def test_any_utc_offset_iso_8601_allows_is_taken_as_its_moment(api, clinic_a):
    # ISO 8601 allows offsets up to 24 hours; PostgreSQL stores about 16. The moment is compared in UTC.
    PatientFactory(clinic=clinic_a)
    answer = api.get(API, {"updated_since": "2000-01-12T12:58:03+21:41"})
    assert answer.status_code == 200
    assert len(answer.json()["items"]) == 1
    assert api.get(API, {"updated_since": "5980-01-12T12:58:03-21:41"}).json()["items"] == []


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
def test_a_moment_with_no_utc_equivalent_is_refused_with_a_message(api, clinic_a, moment):
    body = assert_problem(api.get(API, {"updated_since": moment}), 422)
    assert body["errors"][0]["field"] == "updated_since"


@pytest.mark.parametrize("page", [str(10**20), "abc", "-5", "1e999", "NaN", "\x00"])
def test_a_web_page_number_out_of_bounds_shows_the_first_or_last_page(practitioner_client, clinic_a, page):
    PatientFactory(clinic=clinic_a, last_name="Quillfeather")
    response = practitioner_client.get(reverse("patients:list"), {"page": page})
    assert response.status_code == 200
    assert "Quillfeather" in response.text


# ---- NUL bytes and control characters ---------------------------------------------------------------------


def test_a_nul_byte_sent_to_the_api_is_refused_and_nothing_is_stored(api, clinic_a):
    body = assert_problem(
        api.post(API, {**NEW_PATIENT, "first_name": "Il\x00ka"}, content_type="application/json"), 422
    )
    assert body["errors"][0]["field"] == "first_name"
    assert "NUL byte" in body["errors"][0]["message"]
    assert not Patient.objects.exists()


def test_control_characters_in_a_change_through_the_api_change_nothing(api, clinic_a):
    patient = PatientFactory(clinic=clinic_a, city="Denver")
    response = api.patch(f"{API}/{patient.public_id}", {"city": "Den\x1bver"}, content_type="application/json")
    assert "U+001B" in assert_problem(response, 422)["errors"][0]["message"]
    patient.refresh_from_db()
    assert patient.city == "Denver"


def test_a_nul_byte_in_an_api_search_is_refused_before_it_reaches_the_database(api, clinic_a):
    # PostgreSQL cannot hold a NUL byte even in a query parameter: it answered a server error.
    assert_problem(api.get(API, {"q": "ilk\x00a"}), 422)


def test_a_nul_byte_in_the_patient_search_page_is_explained_not_an_error(practitioner_client, clinic_a):
    PatientFactory(clinic=clinic_a, last_name="Quillfeather")
    response = practitioner_client.get(reverse("patients:list"), {"q": "quill\x00"})
    assert response.status_code == 200
    assert "contains a NUL byte" in response.text


def test_a_nul_byte_in_a_form_is_shown_on_its_field_and_the_rest_is_kept(practitioner_client, clinic_a):
    data = {**NEW_PATIENT, "first_name": "Il\x00ka", "sex": "female", "city": "Boulder"}
    response = practitioner_client.post(reverse("patients:create"), data)
    assert response.status_code == 200
    assert "This line contains a NUL byte (U+0000) at character 3." in response.text
    assert 'value="Boulder"' in response.text
    assert not Patient.objects.exists()


def test_a_control_character_in_an_intake_answer_is_refused_and_the_draft_stays_storable(
    practitioner_client, clinic_a, practitioner
):
    patient = PatientFactory(clinic=clinic_a)
    intake = assessment.start_intake(patient=patient, by=practitioner)
    url = reverse("assessment:intake", args=[intake.public_id])
    response = practitioner_client.post(url, {"action": "save", "chief_complaint": "Neck\x00 pain", "goals": "Sleep"})
    assert response.status_code == 200
    assert "NUL byte" in response.text
    intake.refresh_from_db()
    assert intake.goals == "Sleep"
    assert intake.chief_complaint == ""
    assert "\x00" not in json.dumps(intake.needs_correction)


def test_intake_answers_stored_as_json_are_bounded_by_the_model(clinic_a, practitioner):
    intake = assessment.start_intake(patient=PatientFactory(clinic=clinic_a), by=practitioner)
    with pytest.raises(Exception, match="300 characters or fewer"):
        assessment.save_intake_draft(intake=intake, answers={"occupation": "x" * 301}, by=practitioner)
    with pytest.raises(Exception, match="NUL byte"):
        assessment.save_intake_draft(intake=intake, answers={"occupation": "a\x00"}, by=practitioner)
    assert Intake.objects.get(pk=intake.pk).answers == {}


# ---- lengths ----------------------------------------------------------------------------------------------


@pytest.fixture
def signed_note(clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    session = treatment.start_session(patient=patient, by=practitioner, pain_before=6)
    note = treatment.finish_session(session=session, by=practitioner, pain_after=3)
    note = treatment.save_note_draft(note=note, plan="Review in 3 days.", version=note.version, by=practitioner)
    treatment.sign_note(note=note, by=practitioner, version=note.version)
    return note


def test_a_one_megabyte_amendment_is_refused_and_nothing_is_kept(practitioner_client, signed_note):
    url = reverse("treatment:note", args=[signed_note.session.public_id])
    data = {"action": "amend", "plan": "x" * 1_000_000, "reason": "Rebooked the review"}
    response = practitioner_client.post(url, data)
    assert response.status_code == 200
    assert "Ensure this value has at most 20000 characters" in response.text
    assert NoteRevision.objects.filter(note=signed_note).count() == 1


def test_the_amendment_service_refuses_an_oversized_section_from_any_caller(signed_note, practitioner):
    with pytest.raises(Exception, match="at most 20000 characters"):
        treatment.amend_note(note=signed_note, plan="x" * 20_001, reason="Too long", by=practitioner)
    assert NoteRevision.objects.filter(note=signed_note).count() == 1


def test_the_note_form_shows_each_sections_limit(practitioner_client, signed_note):
    page = practitioner_client.get(reverse("treatment:note", args=[signed_note.session.public_id])).text
    assert 'maxlength="20000"' in page
    assert "Up to 20,000 characters." in page
    assert 'aria-describedby="id_plan_helptext"' in page


# ---- malformed bodies -------------------------------------------------------------------------------------

TRUNCATED = b'--XX\r\nContent-Disposition: form-data; name="first_name"\r\n\r\nIlka'


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (TRUNCATED, "multipart/form-data; boundary=XX"),
        (TRUNCATED + b"\r\n--XX--", "multipart/form-data; boundary=XX"),
        (b"garbage", "multipart/form-data; boundary=XX"),
        (b"{}", "multipart/form-data"),
        (b"first_name=Ilka", "application/x-www-form-urlencoded"),
        (b"{not json", "application/json"),
        (b'{"first_name": "Ilka"}', "text/plain; charset=bogus"),
    ],
)
def test_a_malformed_or_wrong_body_to_the_api_is_a_400_problem(csrf_api, clinic_a, body, content_type):
    response = csrf_api.generic("POST", API, body, content_type=content_type)
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == PROBLEM
    assert not Patient.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"{}", "multipart/form-data"), (b"x", "multipart/form-data; boundary=\xff")],
)
def test_a_malformed_multipart_body_to_a_form_is_a_plain_400_page(practitioner_client, clinic_a, body, content_type):
    response = practitioner_client.generic("POST", reverse("patients:create"), body, content_type=content_type)
    assert response.status_code == 400
    assert "Bad request" in response.text
    assert not Patient.objects.exists()


def test_a_truncated_multipart_body_to_a_form_changes_nothing(practitioner_client, clinic_a):
    response = practitioner_client.generic(
        "POST", reverse("patients:create"), TRUNCATED, content_type="multipart/form-data; boundary=XX"
    )
    assert response.status_code in (200, 400)
    assert not Patient.objects.exists()


# ---- server errors ----------------------------------------------------------------------------------------


def test_an_api_server_error_is_problem_json_and_its_log_holds_no_patient_data(api, clinic_a, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("Ilka Nordin, born 1969-07-20")

    monkeypatch.setattr(patient_selectors, "list_patients", broken)
    with caplog.at_level(logging.ERROR):
        response = api.get(API, {"q": "Nordin"})
    body = assert_problem(response, 500)
    assert body["title"] == "Server error"
    assert "Nordin" not in response.text
    assert "RuntimeError" in caplog.text
    assert "/api/v1/patients" in caplog.text
    assert "Nordin" not in caplog.text


@pytest.mark.parametrize(
    "electrodes",
    [
        [{"region": "left-calf", "view": "back"}],
        [{"region": "left-calf", "view": "back", "x": "abc", "y": 1}],
        [{"region": "left-calf", "view": "back", "x": "NaN", "y": 1}],
        [{"region": ["left-calf"], "view": "back", "x": 1, "y": 1}],
        ["left-calf"],
        [{"region": "left-calf", "view": "back", "x": 160, "y": 800}] * 17,
    ],
)
def test_unreadable_electrode_positions_are_refused_on_the_form(
    practitioner_client, clinic_a, practitioner, electrodes
):
    patient = screened(clinic_a, practitioner, consents=("manual_therapy", "tens"))
    session = treatment.start_session(patient=patient, by=practitioner, pain_before=6)
    data = {
        "action": "technique",
        "tx-kind": "tens",
        "tx-minutes": 20,
        "tx-tens_frequency_hz": 100,
        "tx-tens_pulse_us": 150,
        "tx-tens_intensity_ma": 20,
        "tx-electrodes": json.dumps(electrodes),
    }
    response = practitioner_client.post(reverse("treatment:session", args=[session.public_id]), data)
    assert response.status_code == 200
    assert "off the body map" in response.text or "at most 16 electrodes" in response.text
    assert not session.techniques.exists()


def test_an_unknown_api_address_or_method_is_problem_json(api, clinic_a):
    missing = assert_problem(api.get(f"{API}/not-a-uuid"), 404)
    assert missing["title"] == "Not Found"
    refused = api.generic("TRACE", API)
    assert assert_problem(refused, 405)["detail"].startswith("This address takes: ")
    assert set(refused["Allow"].split(", ")) == {"GET", "POST"}


def test_an_imported_wording_file_with_a_control_character_is_refused_and_nothing_is_loaded(clinic_a, owner):
    sections = [{"name": f"Section {s}", "statements": [f"Statement {s}.{i}" for i in range(6)]} for s in range(1, 11)]
    sections[3]["statements"][2] = "Pain\x00 is moderate"
    content = json.dumps({"instrument": "odi", "version": "2.1a", "sections": sections}).encode()
    with pytest.raises(ValidationError, match="NUL byte"):
        outcomes.load_questionnaire_text(clinic=clinic_a, content=content, filename="odi.json", by=owner)
    assert not QuestionnaireText.objects.exists()


def _bounded(schema: dict) -> bool:
    choices = [c for c in schema.get("anyOf", [schema]) if c.get("type") != "null"]
    return all("maximum" in choice for choice in choices)


def test_every_list_operation_of_the_api_bounds_its_paging(db):
    # A new paginated endpoint with ninja's unbounded default (page or offset without a maximum) fails here.
    unbounded = [
        f"{method.upper()} {path} ?{parameter['name']}"
        for path, operations in ninja_api.get_openapi_schema()["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if parameter["name"] in {"page", "page_size", "offset", "limit"} and not _bounded(parameter["schema"])
    ]
    assert not unbounded, f"Use knotwork.core.api.CursorPagination (limit 1 to 200) for {unbounded}"
