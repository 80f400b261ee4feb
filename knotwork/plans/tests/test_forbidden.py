"""A refused page is logged as one warning line with its address: no traceback, nothing about the patient."""

import logging

from django.urls import reverse

from knotwork.treatment.tests.test_session import screened


def test_a_403_is_logged_as_one_line_without_a_traceback(front_desk_client, clinic_a, practitioner, caplog):
    patient = screened(clinic_a, practitioner)
    url = reverse("plans:create", args=[patient.public_id])
    with caplog.at_level(logging.INFO):
        response = front_desk_client.get(url)
    assert response.status_code == 403
    assert "This page is not open to your role" in response.text  # the site's own 403 page
    refusals = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(refusals) == 1
    record = refusals[0]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    message = record.getMessage()
    assert message.startswith("Forbidden (")
    assert f"GET {url}" in message
    assert "\n" not in message
    assert patient.last_name not in message
    assert patient.first_name not in message
