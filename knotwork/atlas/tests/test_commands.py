import json

import pytest
from django.core.management import CommandError, call_command


def test_refer_prints_a_ranked_table(capsys):
    call_command("atlas", "refer", "right-buttock", "right-thigh-outer:8", "right-leg-outer", "--top", "3")
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(" 1. Gluteus minimus (right)")
    assert "explains right-buttock" in out


def test_refer_json_gives_the_contract_fields(capsys):
    call_command("atlas", "refer", "right-calf", "right-heel", "--json", "--top", "2")
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2
    for row in rows:
        assert {"muscle", "name", "side", "score", "explained", "unexplained"} <= set(row)


def test_unknown_regions_exit_non_zero_naming_them():
    with pytest.raises(CommandError, match="Unknown body region: lower-back, right-knees"):
        call_command("atlas", "refer", "right-knees", "right-calf", "lower-back")


@pytest.mark.parametrize(("arg", "message"), [("right-calf:11", "0 to 10"), ("right-calf:5:itchy", "quality")])
def test_bad_intensity_or_quality_is_explained(arg, message):
    with pytest.raises(CommandError, match=message):
        call_command("atlas", "refer", arg)


def test_check_reports_the_atlas_figures(capsys):
    call_command("atlas", "check")
    assert "Atlas OK: " in capsys.readouterr().out
