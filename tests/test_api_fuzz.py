"""schemathesis sends what the OpenAPI document allows, and much it does not, to every API operation.

It runs in-process against the WSGI application (no socket), signed in as a clinic-A practitioner with a
patient, an appointment type and a treatment point on record, and asserts that nothing is a server error
and every error is application/problem+json. Examples are bounded so the whole file runs in about a minute.
"""

import datetime
import uuid

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.utils import timezone
from hypothesis import HealthCheck, settings

from config.api import api
from config.wsgi import application
from knotwork.scheduling.tests.factories import AppointmentTypeFactory, at, book, weekday_hours
from knotwork.treatment import services as treatment
from knotwork.treatment.tests.test_session import screened

EXAMPLES_PER_OPERATION = 10
PROBLEM = "application/problem+json"


schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application


@pytest.fixture
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


@pytest.fixture
def signed_in(connection_kept_open, practitioner_client, clinic_a, practitioner):
    """Cookies and headers of a practitioner's browser session, and records for the operations to find."""
    patient = screened(clinic_a, practitioner)
    session = treatment.start_session(patient=patient, by=practitioner, pain_before=6)
    point = treatment.add_point(session=session, muscle="upper-trapezius", side="right", by=practitioner)
    weekday_hours(clinic_a, practitioner)
    today = timezone.localdate()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    appointment = book(patient, practitioner, AppointmentTypeFactory(clinic=clinic_a), at(clinic_a, monday, 10))
    secret = _get_new_csrf_string()
    cookies = {"sessionid": practitioner_client.cookies["sessionid"].value, "csrftoken": secret}
    return {
        "cookies": cookies,
        "headers": {"X-CSRFToken": _mask_cipher_secret(secret)},
        "ids": {
            "patient_id": str(patient.public_id),
            "point_id": str(point.public_id),
            "practitioner_id": str(practitioner.membership.public_id),
            "appointment_id": str(appointment.public_id),
        },
    }


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
def test_no_operation_answers_a_server_error_and_every_error_is_problem_json(case, signed_in):
    # A well-formed id becomes a record of the clinic, so the request reaches the endpoint's own checks rather
    # than stopping at 404; a malformed one is kept, to test the routing.
    for name, value in (case.path_parameters or {}).items():
        if name in signed_in["ids"] and _is_uuid(value):
            case.path_parameters[name] = signed_in["ids"][name]
    response = case.call(headers=signed_in["headers"], cookies=signed_in["cookies"])
    described = f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
    assert response.status_code < 500, described
    if response.status_code >= 400:
        content_type = {name.lower(): values for name, values in response.headers.items()}.get("content-type")
        assert content_type == [PROBLEM], described
