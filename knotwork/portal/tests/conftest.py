import pytest
from django.test import Client
from django.urls import reverse


@pytest.fixture
def patient_client():
    """The patient's own browser: never the staff test client (`client`, which the staff fixtures sign in)."""
    return Client()


def open_link(client, token: str):
    """Open a private link as the patient's browser does: one request with the token, then its page without it."""
    first = client.get(reverse("portal:entry", args=[token]))
    assert first.status_code == 302, first.status_code
    assert token not in first["Location"]
    return client.get(first["Location"])
