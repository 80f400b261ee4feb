"""The screening engine on a small ruleset of its own (the clinic data has its own tests)."""

import pytest

from knotwork.assessment import screening

RAW = {
    "sources": {"S1": "A source"},
    "questions": [
        {
            "id": "saddle",
            "section": "red_flags",
            "text": "Numb saddle area?",
            "clinician_text": "Saddle anaesthesia",
            "type": "yes_no",
        },
        {
            "id": "bladder",
            "section": "red_flags",
            "text": "Bladder change?",
            "clinician_text": "Bladder change",
            "type": "yes_no",
        },
        {
            "id": "cancer",
            "section": "medical_history",
            "text": "Cancer ever?",
            "clinician_text": "History of cancer",
            "type": "yes_no",
        },
        {"id": "age", "section": "medical_history", "text": "Age", "type": "number", "min": 0, "max": 120},
        {
            "id": "warfarin",
            "section": "medications",
            "text": "Blood thinners?",
            "clinician_text": "Anticoagulant",
            "type": "yes_no",
        },
        {
            "id": "pacemaker",
            "section": "devices",
            "text": "Pacemaker?",
            "clinician_text": "Pacemaker",
            "type": "yes_no",
        },
    ],
    "rules": [
        {
            "id": "ces",
            "kind": "red_flag",
            "technique": "all",
            "applies_to": ["low_back"],
            "when": {"any": ["saddle", "bladder"]},
            "message": "Possible cauda equina",
            "action": "Emergency",
            "referral": "emergency",
            "source": ["S1"],
        },
        {
            "id": "cancer-age",
            "kind": "red_flag",
            "technique": "all",
            "applies_to": ["any"],
            "when": {"all": ["cancer", {"question": "age", "gte": 50}]},
            "message": "Cancer history over 50",
            "referral": "urgent",
            "source": ["S1"],
        },
        {
            "id": "dn-bleed",
            "kind": "precaution",
            "technique": "dry_needling",
            "applies_to": ["any"],
            "when": {"any": ["warfarin"]},
            "message": "Bleeding risk",
            "source": ["S1"],
        },
        {
            "id": "tens-pm",
            "kind": "contraindication",
            "technique": "tens",
            "applies_to": ["any"],
            "when": "pacemaker",
            "message": "Pacemaker",
            "source": ["S1"],
        },
    ],
}
RULES = screening.load_ruleset(RAW)


def test_nothing_answered_yes_is_clear():
    result = screening.evaluate({"saddle": False, "age": 30}, {"low_back"}, RULES)
    assert (result.status, result.findings) == ("clear", ())


def test_a_red_flag_puts_everything_on_hold_and_says_why():
    result = screening.evaluate({"bladder": True}, {"low_back"}, RULES)
    assert result.status == "hold"
    assert result.findings[0].rule_id == "ces"
    assert result.findings[0].because == ("Bladder change",)
    assert result.technique_status("tens") == "hold"


def test_an_area_specific_rule_does_not_fire_for_another_area():
    assert screening.evaluate({"bladder": True}, {"neck"}, RULES).status == "clear"


def test_all_needs_every_part_and_numbers_compare():
    assert screening.evaluate({"cancer": True, "age": 49}, {"neck"}, RULES).status == "clear"
    assert screening.evaluate({"cancer": True, "age": 50}, {"neck"}, RULES).status == "hold"
    assert screening.evaluate({"cancer": True}, {"neck"}, RULES).status == "clear"


def test_precautions_and_contraindications_are_per_technique():
    result = screening.evaluate({"warfarin": True, "pacemaker": True}, {"neck"}, RULES)
    assert result.status == "precautions"
    assert result.technique_status("dry_needling") == "precaution"
    assert result.technique_status("tens") == "contraindicated"
    assert result.technique_status("manual_therapy") == "ok"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw["rules"][0].update(when={"any": ["nope"]}), "undefined questions"),
        (lambda raw: raw["rules"][0].update(kind="maybe"), "unknown kind"),
        (lambda raw: raw["rules"][0].update(source=["S9"]), "sources not defined"),
        (lambda raw: raw["rules"][0].pop("referral"), "needs a referral"),
    ],
)
def test_broken_rules_are_refused(change, message):
    import copy

    raw = copy.deepcopy(RAW)
    change(raw)
    with pytest.raises(screening.ScreeningDataError, match=message):
        screening.load_ruleset(raw)
