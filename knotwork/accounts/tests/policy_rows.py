"""Who may make and revoke API keys (rows of tests/test_policy_table.py)."""

from knotwork.accounts.services import create_api_key
from knotwork.core.policy import SystemActor
from tests.policy_actors import OWNER, SYSTEM


def _key(w):
    key, _token = create_api_key(clinic=w.clinic, name="Policy table key", by=SystemActor("policy table"))
    return key


ROWS = {
    "accounts.create_api_key": ({OWNER, SYSTEM}, lambda w: {"clinic": w.clinic, "name": "Accounting export"}),
    "accounts.revoke_api_key": ({OWNER, SYSTEM}, lambda w: {"key": _key(w)}),
}
