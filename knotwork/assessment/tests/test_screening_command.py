"""`manage.py screening questions` and `manage.py screening evaluate`: the intake's screen from the command line."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from knotwork.assessment import screening
from knotwork.assessment.tests.factories import screen_answers

RULES = screening.get_ruleset()


def run(*args: str) -> str:
    out = StringIO()
    call_command("screening", *args, stdout=out)
    return out.getvalue()


def test_questions_json_lists_every_question_with_its_text_and_areas():
    rows = json.loads(run("questions", "--json"))
    assert [r["id"] for r in rows] == list(RULES.questions)
    by_id = {r["id"]: r for r in rows}
    assert by_id["saddle_anaesthesia"]["areas"] == ["any"]
    assert by_id["jaw_pain_on_chewing"]["areas"] == ["head_face", "neck"]
    assert by_id["unexplained_swollen_leg"]["text"] == RULES.questions["unexplained_swollen_leg"].text
    assert all(r["text"] and r["areas"] for r in rows)


def test_questions_as_text_one_line_each():
    lines = run("questions").splitlines()
    assert len(lines) == len(RULES.questions)
    assert lines[0].startswith("saddle_anaesthesia [yes_no; any]")


def test_evaluate_prints_a_red_flag_with_its_urgency_and_referral():
    out = run("evaluate", "--area", "neck", "--age", "70", "--yes", "recent_neck_injury")
    assert out.startswith("Screen: Hold")
    assert "RED FLAG [emergency: now] neck-trauma-high-risk" in out
    assert "referral: Emergency department today" in out
    assert "dry needling: hold" in out


def test_evaluate_json_gives_contraindications_and_precautions_per_technique():
    report = json.loads(
        run(
            "evaluate",
            "--area",
            "shoulder_arm",
            "--yes",
            "needle_phobia",
            "lymph_nodes_removed_or_radiotherapy",
            "--json",
        )
    )
    assert report["status"] == "precautions"
    assert report["areas"] == ["limb", "shoulder_arm"]
    needling = report["techniques"]["dry_needling"]
    assert needling["status"] == "contraindicated"
    assert [r["rule"] for r in needling["contraindications"]] == ["dn-needle-phobia"]
    assert {"dn-at-risk-limb", "dn-pneumothorax-standing"} <= {r["rule"] for r in needling["precautions"]}
    assert report["techniques"]["manual_therapy"] == {
        "label": "manual therapy",
        "status": "ok",
        "contraindications": [],
        "precautions": [],
    }
    assert report["red_flags"] == []


def test_evaluate_uses_the_same_code_as_the_intake():
    yes = ["exertional_chest_arm_jaw_pain", "breathless_or_sweating_with_pain", "anticoagulant"]
    report = json.loads(run("evaluate", "--area", "chest_abdomen", "--age", "58", "--yes", *yes, "--json"))
    intake = screening.evaluate(screen_answers(yes=yes) | {"age": 58}, {"chest_abdomen"})
    assert report["status"] == intake.status == "hold"
    assert [f["rule"] for f in report["red_flags"]] == [f.rule_id for f in intake.red_flags]
    assert report["red_flags"][0]["urgency"] == "emergency"


def test_evaluate_with_nothing_answered_yes_on_a_low_back_is_clear():
    report = json.loads(run("evaluate", "--area", "low_back", "--age", "40", "--sex", "female", "--json"))
    assert report["status"] == "clear"
    assert report["sex"] == "female"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--area", "knee"], "Unknown area knee"),
        (["--area", "neck", "--yes", "no_such_question"], "Unknown question id no_such_question"),
        (["--area", "neck", "--yes", "age"], "Not a yes/no question: age"),
        (["--area", "neck", "--age", "300"], "--age must be between 0 and 120"),
        (["--area", "neck", "--sex", "robot"], "Unknown sex 'robot'"),
    ],
)
def test_bad_input_is_a_clear_command_error(args, message):
    with pytest.raises(CommandError, match=message):
        run("evaluate", *args)
