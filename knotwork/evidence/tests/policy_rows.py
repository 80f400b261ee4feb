"""Who may call each evidence service (rows for tests/test_policy_table.py): the owner refreshes, changes the
settings and exports (Knotwork itself refreshes and exports from the task worker and the commands); practitioners
only read the page, which is no service."""

import tempfile
from pathlib import Path

from tests.policy_actors import OWNER, SYSTEM


def _out() -> Path:
    return Path(tempfile.mkdtemp(prefix="evidence-export-"))


ROWS = {
    "evidence.request_refresh": ({OWNER, SYSTEM}, lambda w: {"clinic": w.clinic}),
    "evidence.refresh_summaries": ({OWNER, SYSTEM}, lambda w: {"clinic": w.clinic}),
    "evidence.change_evidence_settings": ({OWNER}, lambda w: {"clinic": w.clinic, "minimum_count": 20}),
    "evidence.export_research_data": ({OWNER, SYSTEM}, lambda w: {"clinics": [w.clinic], "out": _out(), "k": 5}),
}
