"""Every rule of the clinic's safety screen (data/screening.yaml) fires when it should, and only then."""

import pytest

from knotwork.assessment import screening

RULES = screening.get_ruleset()
AREAS = ("low_back", "neck", "thoracic", "head_face", "shoulder_arm", "hip_leg", "chest_abdomen", "other", "limb")


def satisfying(condition) -> dict:
    """The fewest answers that make a condition hold (the first branch of each `any`)."""
    if isinstance(condition, str):
        return {condition: True}
    if "always" in condition:
        return {}
    if "any" in condition:
        return satisfying(condition["any"][0])
    if "all" in condition:
        answers = {}
        for item in condition["all"]:
            answers.update(satisfying(item))
        return answers
    bound = next(condition[k] for k in ("gte", "gt", "lte", "lt") if k in condition)
    nudge = {"gte": 0, "gt": 1, "lte": 0, "lt": -1}[next(k for k in ("gte", "gt", "lte", "lt") if k in condition)]
    return {condition["question"]: bound + nudge}


def quiet_answers() -> dict:
    answers = {q.id: False for q in RULES.questions.values() if q.type == "yes_no"}
    answers["age"] = 40
    return answers


def area_for(rule) -> set[str]:
    return set(AREAS) if "any" in rule.applies_to else {rule.applies_to[0]}


@pytest.mark.parametrize("rule", RULES.rules, ids=lambda r: r.id)
def test_each_rule_fires_on_its_answers(rule):
    answers = quiet_answers() | satisfying(rule.when)
    result = screening.evaluate(answers, area_for(rule), RULES)
    assert rule.id in {f.rule_id for f in result.findings}
    if rule.kind == "red_flag":
        assert result.status == "hold"


@pytest.mark.parametrize("rule", RULES.rules, ids=lambda r: r.id)
def test_each_rule_stays_quiet_when_nothing_applies(rule):
    if rule.when == {"always": True}:
        # A standing rule fires on its areas whatever the answers; outside them it is quiet.
        other = set(AREAS) - set(rule.applies_to) - {"limb"}
        assert other, rule.id
        result = screening.evaluate(quiet_answers(), other, RULES)
    else:
        result = screening.evaluate(quiet_answers(), area_for(rule), RULES)
    assert rule.id not in {f.rule_id for f in result.findings}


def test_a_forty_year_old_answering_no_everywhere_is_clear():
    # Low back, hip and leg: no standing precaution applies there.
    assert screening.evaluate(quiet_answers(), {"low_back", "hip_leg", "limb", "other"}, RULES).status == "clear"


def test_every_question_is_used_and_every_rule_has_a_source():
    used = set()
    for rule in RULES.rules:
        used |= screening._question_ids(rule.when)
        assert rule.sources
        assert rule.message
    assert set(RULES.questions) <= used
