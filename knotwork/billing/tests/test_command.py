"""`manage.py billing suggest`: lines for scripts and auditors; bad input exits non-zero with a clear message."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args) -> str:
    out = io.StringIO()
    call_command("billing", "suggest", *args, stdout=out)
    return out.getvalue()


def test_prints_the_cms_worked_example():
    text = run("97110=33", "97140=7")
    assert "97110 -GP x2 (33 min)" in text
    assert "97140 -GP x1 (7 min)" in text


def test_json_with_needling_and_the_ama_method():
    payload = json.loads(run("97110=33", "97140=7", "--muscles-needled", "3", "--method", "ama", "--json"))
    assert [(line["code"], line["units"]) for line in payload["lines"]] == [("20561", 1), ("97110", 2)]
    assert payload["method"] == "ama"


def test_medicare_needling_gets_gy_and_the_note():
    payload = json.loads(run("--muscles-needled", "2", "--medicare", "--json"))
    assert payload["lines"][0]["modifiers"] == ["GP", "GY"]
    assert "NCD 30.3.3" in payload["notes"][0]


def test_part_minutes_are_dropped():
    assert "timed minutes (whole): 7" in run("97140=7.5")
    assert "No billable lines" in run("97140=7.5")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["97140"], "CODE=MINUTES"),
        (["97140=abc"], "minutes must be a number"),
        (["97140=-3"], "0 or more"),
        (["20560=10"], "not a timed code"),
        (["97140=10", "--method", "medicare"], "Unknown billing method"),
        (["--muscles-needled", "-1"], "cannot be negative"),
        ([], "Nothing to suggest"),
    ],
)
def test_bad_input_is_a_clear_command_error(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
