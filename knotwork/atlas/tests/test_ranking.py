"""The referral ranking: properties with hypothesis, each ranking rule on its own, and the worked formula."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knotwork.atlas import ranking
from knotwork.atlas.catalog import get_atlas
from knotwork.atlas.selectors import rank_referrals

ATLAS = get_atlas()
PATTERNS = ATLAS.point_patterns()
INDEX = ranking.build_index(PATTERNS, ATLAS.neighbours)
REGIONS = sorted(ATLAS.regions)
RIGHT_AND_MIDLINE = sorted(r for r in REGIONS if not r.startswith("left-"))

drawings = st.dictionaries(st.sampled_from(REGIONS), st.integers(0, 10), min_size=1, max_size=8)


def P(essential, spillover=(), *, side="right", muscle="m", point="TrP1", core=(), sites=()):
    return ranking.PatternLike(
        muscle, side, frozenset(essential), frozenset(spillover), point, frozenset(core), frozenset(sites)
    )


@settings(max_examples=150, deadline=None)
@given(drawing=drawings, pattern=st.sampled_from(PATTERNS), data=st.data())
def test_drawing_one_more_explained_region_never_lowers_a_score(drawing, pattern, data):
    explainable = sorted((pattern.essential | pattern.spillover | pattern.sites) - set(drawing))
    if not explainable:
        return
    region = data.draw(st.sampled_from(explainable))
    before = ranking.score_pattern(drawing, pattern, ATLAS.neighbours).score
    after = ranking.score_pattern({**drawing, region: data.draw(st.integers(0, 10))}, pattern, ATLAS.neighbours)
    assert after.score >= before


@settings(max_examples=100, deadline=None)
@given(drawing=drawings, pattern=st.sampled_from(PATTERNS), data=st.data())
def test_drawing_a_region_the_pattern_neither_explains_nor_touches_lowers_its_score(drawing, pattern, data):
    zone = pattern.essential | pattern.spillover | pattern.sites
    touching = {r for r in REGIONS if ATLAS.neighbours[r] & zone}
    outside = sorted(set(REGIONS) - zone - touching - set(drawing))
    region = data.draw(st.sampled_from(outside))
    before = ranking.score_pattern(drawing, pattern, ATLAS.neighbours).score
    after = ranking.score_pattern({**drawing, region: data.draw(st.integers(0, 10))}, pattern, ATLAS.neighbours)
    assert after.score < before


@settings(max_examples=150, deadline=None)
@given(pattern=st.sampled_from(PATTERNS), intensity=st.integers(0, 10))
def test_a_drawing_equal_to_a_trigger_points_essential_zone_ranks_its_muscle_first(pattern, intensity):
    drawing = dict.fromkeys(pattern.essential, intensity)
    results = ranking.rank(drawing, INDEX)
    position = next(n for n, r in enumerate(results) if r.muscle_id == pattern.muscle_id)
    ours = results[position]
    assert ours.unexplained == ()
    assert ours.side in (pattern.side, ranking.BOTH)
    for above in results[:position]:
        # Only a pattern with the very same essential zone, or the classic pattern whose worst part is drawn,
        # may stand above.
        assert above.score >= ours.score
        rivals = INDEX.by_muscle[(above.muscle_id, above.side if above.side != ranking.BOTH else pattern.side)]
        assert any(p.essential == pattern.essential or (p.core and p.core <= set(drawing)) for p in rivals), above


@settings(max_examples=100, deadline=None)
@given(drawing=drawings)
def test_every_result_explains_a_drawn_region_and_accounts_for_every_drawn_region(drawing):
    for result in ranking.rank(drawing, INDEX):
        assert result.explained
        assert set(result.drawn_regions) == set(drawing)
        assert result.trigger_points


@settings(max_examples=200, deadline=None)
@given(drawing=st.dictionaries(st.sampled_from(RIGHT_AND_MIDLINE), st.integers(0, 10), min_size=1, max_size=6))
def test_a_drawing_on_the_right_and_the_midline_never_ranks_a_left_muscle_first(drawing):
    results = ranking.rank(drawing, INDEX)
    if results and any(r.startswith("right-") for r in drawing):
        assert results[0].side == "right"


def test_equal_scores_go_to_the_drawn_side_not_to_the_alphabet():
    # Both gluteus medius TrP3 patterns explain the sacrum alike; the right one must come first for a right drawing
    # (sorting by side name alone put "left" first).
    drawing = {"sacrum": 8, "right-palm": 1}
    results = rank_referrals(drawing)
    assert results[0].side == "right"
    first_left = next(n for n, r in enumerate(results) if r.side == "left")
    same_muscle_right = next(n for n, r in enumerate(results) if r.muscle_id == results[first_left].muscle_id)
    assert same_muscle_right < first_left


def test_a_drawing_on_both_sides_suggests_the_muscle_on_both_sides():
    drawing = dict.fromkeys(["right-thigh-outer", "right-leg-outer", "left-thigh-outer", "left-leg-outer"], 7)
    first = rank_referrals(drawing)[0]
    assert (first.muscle_id, first.side) == ("gluteus-minimus", "both")
    assert first.unexplained == ()
    assert set(first.explained_essential) == set(drawing)
    assert not any(r.muscle_id == "gluteus-minimus" and r.side != "both" for r in rank_referrals(drawing))


def test_the_both_sides_suggestion_outscores_each_side_alone():
    right, left = P({"right-a"}, side="right"), P({"left-a"}, side="left")
    index = ranking.build_index([right, left])
    alone = ranking.rank({"right-a": 5}, index)
    results = ranking.rank({"right-a": 5, "left-a": 5}, index)
    assert [r.side for r in results] == ["both"]
    assert results[0].unexplained == ()
    assert results[0].score > alone[0].score


def test_pain_over_the_trigger_point_itself_counts_for_the_muscle():
    with_site = P({"a"}, sites={"s"})
    without = P({"a"})
    drawing = {"a": 6, "s": 6}
    counted = ranking.score_pattern(drawing, with_site)
    assert counted.explained_site == ("s",)
    assert counted.unexplained == ()
    assert counted.score > ranking.score_pattern(drawing, without).score
    assert counted.score == pytest.approx(0.6 + 0.5 * 0.6)


def test_a_region_next_to_the_zone_earns_partial_credit():
    pattern = P({"a"})
    neighbours = {"n": frozenset({"a"}), "far": frozenset()}
    near = ranking.score_pattern({"a": 10, "n": 10}, pattern, neighbours)
    far = ranking.score_pattern({"a": 10, "far": 10}, pattern, neighbours)
    alone = ranking.score_pattern({"a": 10}, pattern, neighbours)
    assert near.near == ("n",)
    assert near.score == pytest.approx(1.0 + 0.25)
    assert far.score < alone.score < near.score


def test_drawing_the_worst_part_of_a_pattern_puts_the_classic_muscle_first():
    classic = P({"worst", "more", "rest"}, muscle="classic", core={"worst", "more"})
    exact = P({"worst", "more"}, muscle="exact")
    index = ranking.build_index([classic, exact])
    results = ranking.rank({"worst": 7, "more": 7}, index)
    assert [r.muscle_id for r in results] == ["classic", "exact"]
    assert results[0].core_drawn


def test_the_score_follows_the_documented_formula():
    pattern = P({"a", "b"}, {"c"})
    result = ranking.score_pattern({"a": 10, "c": 4, "z": 0}, pattern)
    # 1.0*1.0 (a) + 0.5*0.4 (c) - 0.5*0.1 (z, intensity 0 counts as 1) - 0.5*1/2 (b not drawn)
    assert result.score == 0.9
    assert (result.explained_essential, result.explained_spillover, result.unexplained) == (("a",), ("c",), ("z",))
    assert result.essential_not_drawn == ("b",)


def test_a_muscle_rolls_up_its_trigger_points_and_names_the_one_that_fits():
    first = rank_referrals({"right-thigh-outer": 7, "right-leg-outer": 7})[0]
    assert (first.muscle_id, first.trigger_points) == ("gluteus-minimus", ("Anterior",))
    whole = rank_referrals(
        dict.fromkeys(["right-hip-side", "right-thigh-outer", "right-leg-outer", "right-thigh-back", "right-calf"], 7)
    )[0]
    assert whole.muscle_id == "gluteus-minimus"
    assert set(whole.trigger_points) == {"Anterior", "Posterior"}
    assert whole.unexplained == ()


def test_a_crossing_pattern_is_one_suggestion_on_both_sides_only_when_both_sides_explain_alike():
    # Each side's pattern reaches the other side's region as spillover only: not alike, so two suggestions.
    right = P({"right-a"}, {"left-a"}, side="right")
    left = P({"left-a"}, {"right-a"}, side="left")
    results = ranking.rank({"right-a": 5, "left-b": 5}, ranking.build_index([right, left]))
    assert [r.side for r in results] == ["right", "left"]
    # A band across both sides explains a two-sided drawing alike from either side: one suggestion.
    band_r = P({"right-a", "left-a"}, side="right")
    band_l = P({"right-a", "left-a"}, side="left")
    results = ranking.rank({"right-a": 5, "left-a": 5}, ranking.build_index([band_r, band_l]))
    assert [r.side for r in results] == ["both"]


def test_a_pattern_crossing_from_the_other_side_never_comes_first_on_a_one_sided_drawing():
    crossing = P({"right-a"}, side="left", muscle="crossing")  # a left point referring to the right
    own_side = P({"right-b"}, {"right-a"}, side="right", muscle="own")
    results = ranking.rank({"right-a": 8, "sacrum": 3}, ranking.build_index([crossing, own_side]))
    assert [(r.muscle_id, r.side) for r in results] == [("own", "right"), ("crossing", "left")]
    assert results[1].score > results[0].score  # listed, just not first
