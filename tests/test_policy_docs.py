"""The "Who may do what" table in docs/clinic-owner.md is written from the policy the services ask.

After changing a rule, regenerate it: UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_policy_docs.py
(then review the diff).
"""

import os
from pathlib import Path

from knotwork.clinics.models import Role
from knotwork.core import policy

DOC = Path(__file__).resolve().parents[1] / "docs" / "clinic-owner.md"
START = "<!-- who-may-do-what: written by tests/test_policy_docs.py from the policy -->"
END = "<!-- /who-may-do-what -->"
COLUMNS = [(Role.OWNER, "Owner"), (Role.PRACTITIONER, "Practitioner"), (Role.FRONT_DESK, "Front desk")]


def render() -> str:
    head = [label for _, label in COLUMNS] + ["Knotwork itself", "The patient (own link)", "Only"]
    lines = ["| Action | " + " | ".join(head) + " |", "|---" * (len(head) + 1) + "|"]
    for rule in policy.rules():
        cells = ["yes" if role in rule.roles else "—" for role, _ in COLUMNS]
        cells += ["yes" if rule.system else "—", "yes" if rule.patient else "—", rule.condition_text or ""]
        lines.append(f"| {rule.doing[:1].upper()}{rule.doing[1:]} | " + " | ".join(cells) + " |")
    return "\n".join([START, *lines, END])


def test_the_owners_guide_shows_the_policy_as_it_is():
    text = DOC.read_text(encoding="utf-8")
    assert START in text, f"{DOC.name} has lost its who-may-do-what markers"
    assert END in text, f"{DOC.name} has lost its who-may-do-what markers"
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    current = before + render() + after
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        DOC.write_text(current, encoding="utf-8")
        return
    assert text == current, "The policy changed: run UPDATE_SNAPSHOTS=1 on tests/test_policy_docs.py, review, commit"


def test_every_rule_says_who_may_in_a_sentence():
    for rule in policy.rules():
        assert rule.doing, rule.action
        assert rule.doing == rule.doing.strip(), rule.action
        assert not rule.doing.endswith("."), rule.action
        assert rule.roles or rule.system or rule.patient, f"{rule.action}: nobody may do it"
