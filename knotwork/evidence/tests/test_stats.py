"""The statistics against examples worked by hand (the arithmetic is written out in each test)."""

import pytest

from knotwork.evidence import stats


def test_wilson_interval_of_8_of_10_worked_by_hand():
    # p = 0.8, z = 1.96, z² = 3.8416, z²/n = 0.38416, so the denominator 1 + z²/n = 1.38416.
    # centre = (0.8 + 3.8416/20) / 1.38416 = 0.99208 / 1.38416 = 0.71674
    # half = 1.96 / 1.38416 * sqrt(0.8*0.2/10 + 3.8416/400) = 1.41602 * sqrt(0.016 + 0.009604) = 1.41602 * 0.16001
    #      = 0.22658, so the interval is 0.71674 ± 0.22658 = 0.4902 to 0.9433.
    p = stats.wilson(8, 10)
    assert p.rate == 0.8
    assert p.low == pytest.approx(0.4902, abs=1e-4)
    assert p.high == pytest.approx(0.9433, abs=1e-4)


def test_wilson_interval_of_0_of_10_starts_at_zero_and_is_not_empty():
    # p = 0: centre = (3.8416/20) / 1.38416 = 0.13877; half = 1.41602 * sqrt(0.009604) = 1.41602 * 0.098 = 0.13877.
    # The textbook interval would be 0 to 0; Wilson says up to 27.75 %.
    p = stats.wilson(0, 10)
    assert p.low == 0.0
    assert p.high == pytest.approx(0.2775, abs=1e-4)


def test_wilson_interval_of_all_successes_ends_at_one():
    p = stats.wilson(10, 10)
    assert p.high == pytest.approx(1.0)
    assert p.low == pytest.approx(1 - 0.2775, abs=1e-4)


@pytest.mark.parametrize(("count", "n"), [(-1, 10), (11, 10), (1, -1)])
def test_wilson_refuses_a_count_that_is_not_a_proportion(count, n):
    with pytest.raises(ValueError, match="is not a proportion"):
        stats.wilson(count, n)


def test_kaplan_meier_with_censoring_worked_by_hand():
    # Six courses: relief on day 2; stopped coming unrelieved on day 3 (censored); relief on day 5 twice;
    # censored on day 8; relief on day 10.
    # day 2: 6 at risk, 1 relieved -> S = 5/6 = 0.8333 (16.7 % relieved)
    # day 3: 5 at risk, 0 relieved, 1 censored -> S unchanged; 4 left
    # day 5: 4 at risk, 2 relieved -> S = 5/6 * 2/4 = 0.4167 (58.3 % relieved)
    # day 8: 2 at risk, 1 censored -> unchanged
    # day 10: 1 at risk, 1 relieved -> S = 0 (100 % relieved)
    # Counting the censored as failures would give 4/6 = 66.7 % at day 10; as successes 100 % from day 3.
    table = stats.tabulate([(2, True), (3, False), (5, True), (5, True), (8, False), (10, True)])
    assert table == [(2, 1, 0), (3, 0, 1), (5, 2, 0), (8, 0, 1), (10, 1, 0)]
    steps = stats.kaplan_meier(table)
    assert [s.at_risk for s in steps] == [6, 5, 4, 2, 1]
    assert [round(s.reached, 4) for s in steps] == [0.1667, 0.1667, 0.5833, 0.5833, 1.0]
    assert stats.reached_by(steps, 1) == 0.0
    assert stats.reached_by(steps, 7) == pytest.approx(7 / 12)
    assert stats.at_risk_on(steps, 4) == 4
    assert stats.at_risk_on(steps, 11) == 0


def test_a_course_censored_on_the_day_of_an_event_is_still_at_risk_for_it():
    # Day 3: one relieved, one censored, of 2 at risk -> S = 1/2 (not 1/1 = 0).
    steps = stats.kaplan_meier(stats.tabulate([(3, True), (3, False)]))
    assert steps[0].at_risk == 2
    assert steps[0].survival == 0.5


def test_pooled_tables_add_up_to_the_curve_of_all_courses():
    a = stats.tabulate([(2, True), (3, False), (5, True)])
    b = stats.tabulate([(5, True), (8, False), (10, True)])
    merged = stats.merge_tables(a, b)
    assert stats.kaplan_meier(merged) == stats.kaplan_meier(
        stats.tabulate([(2, True), (3, False), (5, True), (5, True), (8, False), (10, True)])
    )


def test_funnel_limits_worked_by_hand():
    # Clinic rate 0.5, 100 courses: se = sqrt(0.25/100) = 0.05; 95 % limits 0.5 ± 1.96*0.05 = 0.402 to 0.598.
    low, high = stats.funnel_limits(0.5, 100)
    assert low == pytest.approx(0.402, abs=1e-3)
    assert high == pytest.approx(0.598, abs=1e-3)
    # Narrower with more courses: 400 courses -> 0.5 ± 0.049.
    assert stats.funnel_limits(0.5, 400)[0] == pytest.approx(0.451, abs=1e-3)


def test_events_per_thousand_sessions():
    assert stats.per_thousand(3, 1500) == 2.0
    assert stats.per_thousand(0, 0) is None
