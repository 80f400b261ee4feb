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


@pytest.mark.parametrize(
    "code", ["97110", "97112", "97116", "97124", "97140", "97530", "97032", "97035", "97033", "97750"]
)
def test_every_timed_therapy_code_counts_toward_the_8_minute_rule(code):
    # 5 minutes of 97140 alone earns nothing; with 5 of another timed code the 10 minutes earn one unit.
    lines = billing.suggest(timed_minutes={"97140": 5, code: 5} if code != "97140" else {"97140": 10})
    assert sum(line.units for line in lines) == 1


@pytest.mark.parametrize(("minutes", "units"), [(7.5, 0), (7.99, 0), (8.0, 1), (22.9, 1), (23, 2)])
def test_only_whole_minutes_count(minutes, units):
    assert billing.units_from_total(minutes) == units
    assert billing.whole_minutes(7.5) == 7


def test_part_minutes_of_two_codes_do_not_add_up_to_a_unit():
    # 4.6 + 3.6 = 8.2 minutes, but whole minutes are 4 + 3 = 7: no unit.
    assert billing.timed_units_cms({"97140": 4.6, "97110": 3.6}) == {}


@pytest.mark.parametrize("bad", [-1, float("nan"), "8", None])
def test_negative_or_non_numeric_minutes_are_refused(bad):
    with pytest.raises(ValueError, match="minutes"):
        billing.whole_minutes(bad)


@pytest.mark.parametrize("method", ["CMS", "medicare", "", "8-minute"])
def test_an_unknown_billing_method_is_refused_not_replaced(method):
    with pytest.raises(ValueError, match="unknown billing method"):
        billing.suggest(timed_minutes={"97140": 30}, method=method)
    with pytest.raises(ValueError, match="unknown billing method"):
        billing.timed_units({"97140": 30}, method)


def test_an_untimed_or_unknown_code_given_minutes_is_refused():
    with pytest.raises(ValueError, match="not a timed code"):
        billing.suggest(timed_minutes={"20560": 20})


@given(minutes=st.dictionaries(st.sampled_from(sorted(billing.TIMED)), st.integers(0, 120), max_size=5))
def test_cms_units_always_add_up_to_the_total_rule(minutes):
    units = billing.timed_units_cms(minutes)
    assert sum(units.values()) == billing.units_from_total(sum(minutes.values()))
    for code, count in units.items():
        assert count >= minutes[code] // 15  # every full quarter hour is a unit of its own code


def test_therapy_lines_get_gp():
    coding = billing.advise(billing.suggest(timed_minutes={"97110": 30}, muscles_needled=1))
    assert [(line.code, line.modifiers) for line in coding.lines] == [("20560", ("GP",)), ("97110", ("GP",))]
    assert coding.warnings == []


def test_manual_therapy_and_massage_on_one_region_warn_and_get_no_distinct_modifier():
    lines = billing.suggest(timed_minutes={"97140": 15, "97124": 15})
    coding = billing.advise(lines, regions={"97140": ["low back"], "97124": ["Low back"]})
    assert any("97140 with 97124" in w and "low back" in w for w in coding.warnings)
    assert all("59" not in line.modifiers for line in coding.lines)


def test_manual_therapy_and_massage_on_separate_regions_suggest_59_or_xs_for_medicare():
    lines = billing.suggest(timed_minutes={"97140": 15, "97124": 15})
    regions = {"97140": ["neck"], "97124": ["low back"]}
    commercial = {line.code: line.modifiers for line in billing.advise(lines, regions=regions).lines}
    medicare = {line.code: line.modifiers for line in billing.advise(lines, regions=regions, medicare=True).lines}
    assert commercial["97124"] == ("GP", "59")
    assert medicare["97124"] == ("GP", "XS")
    assert commercial["97140"] == ("GP",)


def test_manual_therapy_on_the_needled_muscles_warns():
    lines = billing.suggest(muscles_needled=3, timed_minutes={"97140": 20})
    coding = billing.advise(
        lines, muscles={"20561": ["soleus", "gastrocnemius", "upper-trapezius"], "97140": ["soleus"]}
    )
    assert any("20561 with 97140" in w and "soleus" in w for w in coding.warnings)
    elsewhere = billing.advise(lines, muscles={"20561": ["soleus"], "97140": ["levator-scapulae"]})
    assert elsewhere.warnings == []
    assert {line.code: line.modifiers for line in elsewhere.lines}["97140"] == ("GP", "59")


def test_medicare_dry_needling_gets_gy_and_the_coverage_note():
    coding = billing.advise(billing.suggest(muscles_needled=2), medicare=True)
    assert coding.lines[0].modifiers == ("GP", "GY")
    assert any("NCD 30.3.3" in n and "ABN" in n for n in coding.notes)
    assert billing.advise(billing.suggest(muscles_needled=2)).notes == []


def test_advise_refuses_an_unknown_method_too():
    with pytest.raises(ValueError, match="unknown billing method"):
        billing.advise([], method="per-visit")
