from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from knotwork.outcomes.scoring import compare, score

answers = st.builds(
    lambda given, blank: [None if i in blank else a for i, a in enumerate(given)],
    st.lists(st.integers(0, 5), min_size=10, max_size=10),
    st.sets(st.integers(0, 9), max_size=2),
)


@given(answers, answers)
def test_oswestry_change_is_the_difference_of_the_percent_scores(first, later):
    change = compare("odi", first, later, threshold=10)
    assert change.change == score("odi", later).percent - score("odi", first).percent
    assert change.improved == (change.change < 0)
    assert change.important == (abs(change.change) >= 10)


@given(answers, answers)
def test_neck_change_is_in_raw_points_and_never_beyond_50(first, later):
    change = compare("ndi", first, later, threshold=5)
    assert -50 <= change.change <= 50
    assert change.unit == "raw points"


ratings = st.lists(st.integers(0, 10), min_size=1, max_size=5)


@given(ratings, ratings)
def test_psfs_change_uses_only_activities_rated_both_times(before, after):
    names_before = [f"activity {i}" for i in range(len(before))]
    names_after = [f"Activity {i} " for i in range(len(after))]  # case and spaces do not matter
    change = compare(
        "psfs", before, after, threshold=2, baseline_activities=names_before, followup_activities=names_after
    )
    matched = min(len(before), len(after))
    assert change.matched == matched
    assert change.change == Fraction(sum(after[:matched]) - sum(before[:matched]), matched)


def test_psfs_with_no_activity_in_common_cannot_be_compared():
    assert (
        compare("psfs", [3], [5], threshold=2, baseline_activities=["Gardening"], followup_activities=["Running"])
        is None
    )


def test_the_worked_psfs_example():
    names = ["Gardening", "Sitting", "Lifting"]
    change = compare("psfs", [3, 5, 4], [6, 7, 5], threshold=2, baseline_activities=names, followup_activities=names)
    assert change.change_display == "+2.0 points"
    assert change.verdict == "improvement, important (2 points)"
