"""The referral ranking: properties with hypothesis, and textbook cases."""

from hypothesis import given, settings
from hypothesis import strategies as st

from knotwork.atlas import ranking
from knotwork.atlas.catalog import get_atlas
from knotwork.atlas.selectors import rank_referrals

ATLAS = get_atlas()
PATTERNS = ATLAS.patterns()
INDEX = ranking.build_index(PATTERNS)
REGIONS = sorted(ATLAS.regions)

drawings = st.dictionaries(st.sampled_from(REGIONS), st.integers(0, 10), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(drawing=drawings, pattern=st.sampled_from(PATTERNS), data=st.data())
def test_drawing_one_more_explained_region_never_lowers_a_score(drawing, pattern, data):
    explainable = sorted((pattern.essential | pattern.spillover) - set(drawing))
    if not explainable:
        return
    region = data.draw(st.sampled_from(explainable))
    intensity = data.draw(st.integers(0, 10))
    before = ranking.score_pattern(drawing, pattern).score
    after = ranking.score_pattern({**drawing, region: intensity}, pattern).score
    assert after >= before


@settings(max_examples=100, deadline=None)
@given(drawing=drawings, pattern=st.sampled_from(PATTERNS), data=st.data())
def test_drawing_an_unexplained_region_lowers_a_score(drawing, pattern, data):
    outside = sorted(set(REGIONS) - pattern.essential - pattern.spillover - set(drawing))
    region = data.draw(st.sampled_from(outside))
    before = ranking.score_pattern(drawing, pattern).score
    after = ranking.score_pattern({**drawing, region: data.draw(st.integers(0, 10))}, pattern).score
    assert after < before


@settings(max_examples=150, deadline=None)
@given(pattern=st.sampled_from(PATTERNS), intensity=st.integers(0, 10))
def test_a_drawing_equal_to_an_essential_zone_ranks_that_muscle_first(pattern, intensity):
    drawing = dict.fromkeys(pattern.essential, intensity)
    results = ranking.rank(drawing, INDEX)
    position = next(n for n, r in enumerate(results) if (r.muscle_id, r.side) == (pattern.muscle_id, pattern.side))
    by_key = {(p.muscle_id, p.side): p for p in PATTERNS}
    for above in results[:position]:
        # Only a pattern with the very same essential zone and no more regions to draw may stand level or above.
        other = by_key[(above.muscle_id, above.side)]
        assert above.score == results[position].score
        assert other.essential == pattern.essential
        assert len(other.spillover) <= len(pattern.spillover)
    assert results[position].unexplained == ()


@settings(max_examples=100, deadline=None)
@given(drawing=drawings)
def test_every_result_explains_a_drawn_region_and_says_which_it_leaves(drawing):
    for result in ranking.rank(drawing, INDEX):
        assert result.explained
        assert set(result.explained) | set(result.unexplained) == set(drawing)


def test_the_score_follows_the_documented_formula():
    pattern = ranking.PatternLike("m", "right", frozenset({"a", "b"}), frozenset({"c"}))
    result = ranking.score_pattern({"a": 10, "c": 4, "z": 0}, pattern)
    # 1.0*1.0 (a) + 0.5*0.4 (c) - 0.5*0.1 (z, intensity 0 counts as 1) - 0.5*1/2 (b not drawn)
    assert result.score == 0.9
    assert (result.explained_essential, result.explained_spillover, result.unexplained) == (("a",), ("c",), ("z",))
    assert result.essential_not_drawn == ("b",)


def _top(regions, n=3, intensity=7):
    return [(r.muscle_id, r.side) for r in rank_referrals(dict.fromkeys(regions, intensity), top=n)]


def test_pseudo_sciatica_down_the_outer_leg_points_to_gluteus_minimus():
    top = _top(["right-buttock", "right-thigh-outer", "right-knee-outer", "right-leg-outer"], n=1)
    assert top == [("gluteus-minimus", "right")]


def test_a_one_sided_temple_and_neck_headache_points_to_upper_trapezius():
    top = _top(["left-back-neck", "left-side-neck", "left-mastoid", "left-temple"], n=3)
    assert ("upper-trapezius", "left") in top
    assert all(side == "left" for _, side in top)


def test_deep_front_of_shoulder_pain_points_to_infraspinatus():
    assert ("infraspinatus", "right") in _top(["right-shoulder-front", "right-arm-front"], n=3)


def test_low_back_and_hip_pain_along_the_crest_points_to_quadratus_lumborum():
    top = _top(["right-iliac-crest", "right-hip-side", "right-sacroiliac", "right-buttock"], n=1)
    assert top == [("quadratus-lumborum", "right")]


def test_calf_and_heel_pain_points_to_soleus():
    assert ("soleus", "right") in _top(["right-calf", "right-heel", "right-achilles"], n=3)


def test_a_right_sided_drawing_ranks_right_side_muscles_first():
    results = rank_referrals({"right-low-back": 8, "right-buttock": 6}, top=5)
    assert results[0].side == "right"
    assert not any(r.side == "left" and r.explained_essential == () for r in results[:1])
