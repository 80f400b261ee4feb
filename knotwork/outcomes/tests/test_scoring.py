import json
from fractions import Fraction

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from knotwork.outcomes.scoring import ScoringError, responder, round_half_up, score

_ = None  # a skipped item


@pytest.mark.parametrize(
    ("answers", "percent", "band"),
    [
        ([1, 2, 3, 0, 1, 2, 3, 4, 5, 0], "42.0", "severe disability"),
        ([0, 1, 2, 3, 4, 5, _, 1, 2, 3], "46.7", "severe disability"),
        ([1] * 10, "20.0", "minimal disability"),
        ([1] * 9 + [2], "22.0", "moderate disability"),
        ([2, 2, 2, 2, 2, 2, 2, 1, 1, _], "35.6", "moderate disability"),
        ([2, 2, 2, 2, 2, 2, 2, _, 3, _], "42.5", "severe disability"),
    ],
)
def test_oswestry_worked_examples(answers, percent, band):
    result = score("odi", answers)
    assert str(round_half_up(result.percent)) == percent
    assert result.band == band


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([1, 1, 1, 1, 1, 1, 1, _, _, _], "at most 2"),
        ([1] * 9 + [6], "not a possible answer"),
        ([1] * 9 + [-1], "not a possible answer"),
        ([1] * 9, "10 items"),
    ],
)
def test_oswestry_refuses_what_cannot_be_scored(answers, message):
    with pytest.raises(ScoringError, match=message):
        score("odi", answers)


@pytest.mark.parametrize(
    ("raw", "percent", "band"),
    [
        (4, 8, "no disability"),
        (5, 10, "mild disability"),
        (14, 28, "mild disability"),
        (15, 30, "moderate disability"),
        (25, 50, "severe disability"),
        (35, 70, "complete disability"),
    ],
)
def test_neck_disability_bands_on_vernons_raw_score(raw, percent, band):
    answers = [5] * (raw // 5) + ([raw % 5] if raw % 5 else [])
    answers += [0] * (10 - len(answers))
    result = score("ndi", answers)
    assert (result.raw, result.percent, result.band) == (raw, percent, band)


def test_neck_disability_prorates_a_missing_item():
    result = score("ndi", [2, 2, 2, 2, 2, 2, 2, 2, 2, _])
    assert (result.raw, result.percent, result.band) == (20, 40, "moderate disability")
    nine = score("ndi", [2, 2, 2, 2, 2, 1, 1, 1, 0, _])  # 13 over 9 answered
    assert nine.raw == Fraction(130, 9)
    assert nine.band == "mild disability"


def test_psfs_is_the_mean_of_the_activities():
    assert score("psfs", [3, 5, 4]).raw == 4
    assert score("psfs", [6, 7, 5]).raw == 6
    with pytest.raises(ScoringError):
        score("psfs", [3, 11])


@pytest.mark.parametrize(
    ("baseline", "followup", "result", "by_points", "by_percent"),
    [
        (6, 4, True, True, True),
        (9, 7, True, True, False),
        (3, 2, True, False, True),
        (5, 4, False, False, False),
        (2, 0, True, True, True),
        (0, 0, False, False, None),
    ],
)
def test_the_responder_rule_worked_examples(baseline, followup, result, by_points, by_percent):
    response = responder(baseline, followup)
    assert (response.responder, response.by_points, response.by_percent) == (result, by_points, by_percent)


@given(
    answers=st.lists(st.one_of(st.integers(0, 5), st.none()), min_size=10, max_size=10).filter(
        lambda a: a.count(None) <= 2
    )
)
def test_percent_scores_stay_within_0_and_100(answers):
    for instrument in ("odi", "ndi"):
        result = score(instrument, answers)
        assert 0 <= result.percent <= 100


@given(answers=st.lists(st.integers(0, 5), min_size=10, max_size=10), item=st.integers(0, 9))
def test_answering_higher_on_one_item_never_lowers_the_disability_score(answers, item):
    if answers[item] == 5:
        return
    worse = list(answers)
    worse[item] += 1
    assert score("odi", worse).percent > score("odi", answers).percent


def test_cli_prints_the_score_and_band(capsys):
    call_command("outcomes", "score", "odi", "1", "2", "3", "0", "1", "2", "3", "4", "5", "0")
    assert capsys.readouterr().out.strip() == "ODI: raw 21 of 50, 42.0 %, severe disability"
    call_command("outcomes", "score", "ndi", "2", "2", "2", "2", "2", "2", "2", "2", "2", "-", "--json")
    assert json.loads(capsys.readouterr().out) == {
        "instrument": "ndi",
        "raw": 20.0,
        "maximum": 50,
        "percent": 40.0,
        "band": "moderate disability",
        "answered": 9,
        "skipped": 1,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["odi", "1", "x"], "not a whole number"),
        (["sf36", "1"], "Unknown instrument"),
        (["odi"] + ["9"] * 10, "not a possible answer"),
    ],
)
def test_cli_bad_input_exits_with_a_message(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("outcomes", "score", *args)
