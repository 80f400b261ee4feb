import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotwork.treatment import billing, pressure


@pytest.mark.parametrize(
    ("level", "answer", "expected"),
    [
        (5, "too_little", 6),
        (5, "good_pain", 5),
        (5, "too_much", 3),
        (10, "too_little", 10),
        (1, "too_much", 0),
        (6, "referral", 6),
    ],
)
def test_the_next_level_follows_the_answer(level, answer, expected):
    assert pressure.suggest_next(level, answer) == pressure.Suggestion(expected, None)


@pytest.mark.parametrize(("answer", "why"), [("better", "softened"), ("stop", "patient_stop")])
def test_better_or_stop_ends_the_point(answer, why):
    assert pressure.suggest_next(5, answer) == pressure.Suggestion(None, why)


@given(level=st.integers(0, 10), answer=st.sampled_from(["too_little", "good_pain", "too_much", "referral"]))
def test_suggestions_stay_on_the_scale_and_move_the_right_way(level, answer):
    nxt = pressure.suggest_next(level, answer).level
    assert 0 <= nxt <= 10
    if answer == "too_little":
        assert nxt >= level
    if answer == "too_much":
        assert nxt <= level


def test_algometer_levels_step_in_kg_and_never_go_negative():
    assert pressure.suggest_next(3.0, "too_little", measured=True).level == 3.5
    assert pressure.suggest_next(0.5, "too_much", measured=True).level == 0.0


def test_an_unknown_answer_is_refused():
    with pytest.raises(ValueError, match="unknown answer"):
        pressure.suggest_next(5, "meh")


@pytest.mark.parametrize(
    ("minutes", "units"),
    [(7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (52, 3), (53, 4), (67, 4), (68, 5), (127, 8)],
)
def test_total_units_follow_the_8_minute_rule(minutes, units):
    assert billing.units_from_total(minutes) == units


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        ({"97112": 24, "97110": 23}, {"97112": 2, "97110": 1}),
        ({"97110": 33, "97140": 7}, {"97110": 2, "97140": 1}),
        ({"97110": 18, "97140": 13, "97116": 10, "97035": 8}, {"97110": 1, "97140": 1, "97116": 1}),
        ({"97110": 7, "97140": 7, "97124": 7}, {"97110": 1}),
    ],
)
def test_cms_worked_examples(minutes, expected):
    assert billing.timed_units_cms(minutes) == expected


def test_cms_equal_minutes_give_one_code_two_units():
    units = billing.timed_units_cms({"97112": 20, "97110": 20})
    assert sorted(units.values()) == [1, 2]


def test_ama_method_counts_each_code_alone():
    assert billing.timed_units_ama({"97110": 33, "97140": 7}) == {"97110": 2}
    assert billing.timed_units_ama({"97112": 20, "97110": 20}) == {"97112": 1, "97110": 1}


@pytest.mark.parametrize(("muscles", "code"), [(0, None), (1, "20560"), (2, "20560"), (3, "20561"), (7, "20561")])
def test_dry_needling_code_counts_muscles(muscles, code):
    assert billing.needling_code(muscles) == code


def test_a_session_suggests_its_lines():
    lines = billing.suggest(
        muscles_needled=3, timed_minutes={"97140": 20}, unattended_estim=True, medicare=True, hot_cold=True
    )
    assert [(line.code, line.units) for line in lines] == [("20561", 1), ("97140", 1), ("G0283", 1), ("97010", 1)]
