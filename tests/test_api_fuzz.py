"""schemathesis sends what the OpenAPI document allows, and much it does not, to every operation of the API, as each
kind of client the API has: an API key acting as a practitioner, one acting as the front desk (both may write), a
read-only key, and the owner (keys never act as an owner, so the owner calls with the browser session).

It runs in-process against the WSGI application (no socket). Each kind of client gets a clinic with one record of
everything the API serves (a patient with an intake, screen, consent, examination, trigger point and diagnosis, a
session with a point, a hold and a signed note, appointments, a course with a goal, questionnaires, check-ins, a
flag, the diary, invoices, a payment and a document), made once and rolled back after that client's operations; a
well-formed id in a path becomes the id of that record, so requests reach the endpoint's own checks rather than
stopping at 404. Each operation's examples run inside their own transaction, so no operation sees another's writes.

Every answer must be no server error and conform to the document: a declared status, a declared content type
(problem+json for every error), a body of the declared schema and the declared headers. Examples are bounded (five
an operation) so the file runs in about two minutes on two cores; the four clients are four xdist groups.
"""

import datetime
import importlib
import uuid

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client, override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.api import api
from config.wsgi import application
from conftest import SETUP, sign_in
from knotwork.accounts.services import create_api_key
from knotwork.accounts.tests.factories import UserFactory
from knotwork.clinics.models import Role
from knotwork.clinics.services import add_member, create_clinic
from knotwork.patients.tests.factories import PatientFactory
from tests.test_clinic_isolation import MARKER, assessment_records, treatment_records

EXAMPLES_PER_OPERATION = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# The apps whose tests/isolation.py makes the rest of the record (appointments, courses, follow-up, money, files).
RECORD_APPS = ("scheduling", "plans", "outcomes", "followup", "billing", "documents")
# The path parameter that names each kind of record.
PARAMETER_OF = {
    "Patient": "patient_id",
    "Intake": "intake_id",
    "SafetyScreen": "screen_id",
    "Consent": "consent_id",
    "Examination": "examination_id",
    "TriggerPointFinding": "finding_id",
    "Diagnosis": "diagnosis_id",
    "TreatmentSession": "session_id",
    "SessionPoint": "point_id",
    "ClinicalNote": "note_id",
    "Appointment": "appointment_id",
    "TreatmentPlan": "plan_id",
    "Goal": "goal_id",
    "QuestionnaireResponse": "response_id",
    "CheckIn": "check_in_id",
    "Flag": "flag_id",
    "Invoice": "invoice_id",
    "Payment": "payment_id",
    "Document": "document_id",
}
CLIENTS = ("practitioner-key", "front-desk-key", "read-only-key", "owner-session")

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application


def _member(clinic, role: str, email: str):
    user = UserFactory(email=email)
    add_member(clinic=clinic, user=user, role=role, by=SETUP)
    return user


def _record(clinic, owner) -> dict[str, str]:
    """One of everything the API serves, for the clinic; the id of the first of each kind, by path parameter."""
    patient = PatientFactory(clinic=clinic, last_name=MARKER)
    rows = [patient, *assessment_records(patient, owner), *treatment_records(patient, owner)]
    for app in RECORD_APPS:
        rows += importlib.import_module(f"knotwork.{app}.tests.isolation").records(patient, owner, MARKER)
    ids: dict[str, str] = {}
    for row in rows:
        name = PARAMETER_OF.get(type(row).__name__)
        if name is not None and name not in ids:
            ids[name] = str(row.public_id)
    ids["practitioner_id"] = str(owner.membership.public_id)
    return ids


def _credentials(kind: str, clinic, owner) -> tuple[dict, dict]:
    """Headers and cookies of one kind of client."""
    if kind == "owner-session":
        client = sign_in(Client(), owner)
        secret = _get_new_csrf_string()
        cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": secret}
        return {"X-CSRFToken": _mask_cipher_secret(secret)}, cookies
    role, scope = {
        "practitioner-key": (Role.PRACTITIONER, "write"),
        "front-desk-key": (Role.FRONT_DESK, "write"),
        "read-only-key": (Role.PRACTITIONER, "read"),
    }[kind]
    _key, token = create_api_key(clinic=clinic, by=SETUP, name=f"Fuzz {kind}", scope=scope, role=role)
    return {"Authorization": f"Bearer {token}"}, {}


@pytest.fixture(scope="module")
def connection_kept_open():
    """Keep the test's database connection through each request, as Django's test client does.

    The WSGI handler closes connections when a request ends; inside a test's transaction that would end the
    test's connection (on PostgreSQL) with the data it made.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(
    scope="module",
    params=[pytest.param(kind, marks=pytest.mark.xdist_group(f"api-fuzz-{kind}")) for kind in CLIENTS],
)
def caller(request, django_db_setup, django_db_blocker, connection_kept_open, tmp_path_factory):
    """A clinic with the whole record and one kind of client, made once and rolled back after its operations."""
    media = str(tmp_path_factory.mktemp("media"))  # the document's file, kept for every operation of the client
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(MEDIA_ROOT=media):
        clinic = create_clinic(name=f"Fuzz clinic {request.param}", by=SETUP)
        owner = _member(clinic, Role.OWNER, f"owner.{request.param}@fuzz.example.com")
        ids = _record(clinic, owner)
        headers, cookies = _credentials(request.param, clinic, owner)
        yield {"kind": request.param, "ids": ids, "headers": headers, "cookies": cookies, "media": media}
        transaction.set_rollback(True)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=datetime.timedelta(seconds=5),
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_the_document_says_for_every_kind_of_client(case, caller, db, settings):
    settings.API_KEY_RATE_LIMIT = 1_000_000  # the fuzzing itself must not meet the per-key limit
    settings.MEDIA_ROOT = caller["media"]
    # A well-formed id becomes a record of the clinic, so the request reaches the endpoint's own checks rather than
    # stopping at 404; a malformed one is kept, to test the routing.
    for name, value in (case.path_parameters or {}).items():
        if name in caller["ids"] and _is_uuid(value):
            case.path_parameters[name] = caller["ids"][name]
    response = case.call(headers=caller["headers"], cookies=caller["cookies"])
    case.validate_response(response, checks=CHECKS)
