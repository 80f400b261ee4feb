"""The API's OpenAPI document must match the committed snapshot, so every contract change is deliberate.

Regenerate after an intended change: UPDATE_SNAPSHOTS=1 make test (then review the diff).
"""

import json
import os
from pathlib import Path

import pytest
from django.test import override_settings

from config.api import api
from conftest import sign_in

SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi.json"


def check_snapshot(current: str, snapshot: Path, *, update: bool) -> None:
    """Compare with the committed snapshot; only an explicit update writes it (a missing one is a failure)."""
    if update:
        snapshot.write_text(current)
        return
    if not snapshot.exists():
        pytest.fail(f"{snapshot.name} is missing: run UPDATE_SNAPSHOTS=1 make test, review it and commit it")
    assert current == snapshot.read_text(), "The API changed: review it, then run UPDATE_SNAPSHOTS=1 make test"


def test_openapi_document_matches_the_snapshot(db):
    current = json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True) + "\n"
    check_snapshot(current, SNAPSHOT, update=os.environ.get("UPDATE_SNAPSHOTS") == "1")


def test_a_missing_snapshot_fails_instead_of_being_written(tmp_path):
    missing = tmp_path / "openapi.json"
    with pytest.raises(pytest.fail.Exception, match="missing"):
        check_snapshot("{}\n", missing, update=False)
    assert not missing.exists()
    check_snapshot("{}\n", missing, update=True)
    check_snapshot("{}\n", missing, update=False)


def test_api_docs_page_loads_its_scripts_from_this_server_not_a_cdn(practitioner_client):
    page = practitioner_client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()


@override_settings(DEBUG=False)
def test_in_production_the_api_docs_and_schema_are_for_signed_in_clinic_members_only(client, practitioner):
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 302
    assert docs["Location"].startswith("/accounts/login/")
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 401
    assert schema["Content-Type"] == "application/problem+json"
    assert "paths" not in schema.text
    sign_in(client, practitioner)
    assert client.get("/api/v1/docs").status_code == 200
    signed_in = client.get("/api/v1/openapi.json")
    assert signed_in.status_code == 200
    assert "/api/v1/patients" in "".join(signed_in.json()["paths"])


@override_settings(DEBUG=True)
def test_on_a_development_checkout_the_api_docs_and_schema_are_open(client, db):
    assert client.get("/api/v1/docs").status_code == 200
    assert "paths" in client.get("/api/v1/openapi.json").json()
