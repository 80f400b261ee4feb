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
