"""The API's OpenAPI document must match the committed snapshot, so every contract change is deliberate.

Regenerate after an intended change: UPDATE_SNAPSHOTS=1 make test (then review the diff).
"""

import json
import os
from pathlib import Path

from config.api import api

SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi.json"


def test_openapi_document_matches_the_snapshot(db):
    current = json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not SNAPSHOT.exists():
        SNAPSHOT.write_text(current)
    assert current == SNAPSHOT.read_text(), "The API changed: review it, then run UPDATE_SNAPSHOTS=1 make test"


def test_api_docs_page_loads_its_scripts_from_this_server_not_a_cdn(client, db):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
