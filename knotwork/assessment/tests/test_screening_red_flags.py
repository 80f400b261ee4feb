"""The red flags and precautions added by issue 12, each on a vignette that fires it and one that must not."""

import pytest

from knotwork.assessment import screening

RULES = screening.get_ruleset()


def answers(*yes: str, **numbers) -> dict:
    """A 40-year-old answering no everywhere, except the questions named."""
    given = {q.id: False for q in RULES.questions.values() if q.type == "yes_no"}
    given["age"] = 40
    return given | dict.fromkeys(yes, True) | numbers


def fired(given: dict, *areas: str) -> dict[str, screening.Finding]:
    return {f.rule_id: f for f in screening.evaluate(given, set(areas), RULES).findings}


# (rule, urgency, answers that fire it, area, answers or area that must leave it quiet)
RED_FLAGS = [
    ("suspected-dvt", "same_day", answers("unexplained_swollen_leg"), "hip_leg", (answers("dvt"), "hip_leg")),
    (
        "cardiac-exertional-pain-acute",
        "emergency",
        answers("exertional_chest_arm_jaw_pain", "breathless_or_sweating_with_pain"),
        "shoulder_arm",
        (answers("exertional_chest_arm_jaw_pain", "breathless_or_sweating_with_pain"), "low_back"),
    ),
    (
        "giant-cell-arteritis",
        "same_day",
        answers("new_headache", "jaw_pain_on_chewing", age=72),
        "head_face",
        (answers("new_headache", "jaw_pain_on_chewing", age=45), "head_face"),
    ),
    (
        "aaa-acute",
        "emergency",
        answers("sudden_severe_back_or_belly_pain", "vascular_risk_factors", age=68),
        "low_back",
        (answers("sudden_severe_back_or_belly_pain", age=68), "low_back"),
    ),
    (
        "cancer-history-bone-pain",
        "urgent",
        answers("cancer_history"),
        "hip_leg",
        (answers("cancer_history"), "head_face"),
    ),
    ("septic-joint", "same_day", answers("hot_swollen_joint"), "other", (answers("skin_problem_at_site"), "other")),
    (
        "cellulitis-with-fever",
        "same_day",
        answers("spreading_redness", "fever_or_chills"),
        "head_face",
        (answers("spreading_redness"), "head_face"),
    ),
    (
        "neck-trauma-high-risk",
        "emergency",
        answers("recent_neck_injury", "limb_tingling_after_injury"),
        "neck",
        (answers("recent_neck_injury"), "neck"),
    ),
]


@pytest.mark.parametrize(("rule_id", "urgency", "firing", "area", "quiet"), RED_FLAGS, ids=[r[0] for r in RED_FLAGS])
def test_new_red_flag_fires_with_its_urgency_and_stays_quiet_otherwise(rule_id, urgency, firing, area, quiet):
    found = fired(firing, area)
    assert found[rule_id].kind == "red_flag"
    assert found[rule_id].referral == urgency
    assert found[rule_id].action
    assert screening.evaluate(firing, {area}, RULES).status == "hold"
    quiet_answers, quiet_area = quiet
    assert rule_id not in fired(quiet_answers, quiet_area)


def test_every_new_red_flag_cites_a_named_guideline():
    for rule_id, *_ in RED_FLAGS:
        rule = next(r for r in RULES.rules if r.id == rule_id)
        assert set(rule.sources) - {"GK"}, rule_id


def test_a_pulsating_belly_is_urgent_under_50_and_one_emergency_from_50():
    young = fired(answers("pulsating_abdomen"), "other")  # aged 40
    assert young["aaa-pulsatile-mass"].referral == "urgent"
    assert "aaa-acute" not in young
    older = fired(answers("pulsating_abdomen", age=55), "head_face")
    assert older["aaa-acute"].referral == "emergency"
    assert "aaa-pulsatile-mass" not in older  # one referral, the emergency one


def test_exertional_pain_alone_is_urgent_and_with_breathlessness_one_emergency():
    found = fired(answers("exertional_chest_arm_jaw_pain"), "chest_abdomen")
    assert found["cardiac-exertional-pain"].referral == "urgent"
    assert "cardiac-exertional-pain-acute" not in found
    found = fired(answers("exertional_chest_arm_jaw_pain", "breathless_or_sweating_with_pain"), "chest_abdomen")
    assert set(found) & {"cardiac-exertional-pain", "cardiac-exertional-pain-acute"} == {
        "cardiac-exertional-pain-acute"
    }


def test_the_most_urgent_red_flag_comes_first():
    result = screening.evaluate(answers("cancer_history", "hot_swollen_joint"), {"hip_leg"}, RULES)
    assert [f.referral for f in result.red_flags] == ["same_day", "urgent"]
    assert result.red_flags[0].rule_id == "septic-joint"


def test_giant_cell_arteritis_needs_a_new_headache_and_a_cranial_sign():
    assert "giant-cell-arteritis" not in fired(answers("jaw_pain_on_chewing", age=72), "head_face")
    assert "giant-cell-arteritis" not in fired(answers("new_headache", age=72), "head_face")
    assert "giant-cell-arteritis" in fired(answers("new_headache", "visual_disturbance", age=50), "neck")


def test_neck_trauma_at_65_or_with_a_dangerous_mechanism_is_an_emergency():
    assert fired(answers("recent_neck_injury", age=65), "neck")["neck-trauma-high-risk"].referral == "emergency"
    found = fired(answers("recent_neck_injury", "recent_major_trauma"), "neck")
    assert found["neck-trauma-high-risk"].referral == "emergency"


def test_immunosuppression_alone_is_a_precaution_not_a_hold():
    result = screening.evaluate(answers("immunosuppressed"), {"low_back"}, RULES)
    assert result.status == "precautions"
    assert not result.red_flags
    assert {f.rule_id for f in result.findings} >= {"immunosuppressed-weigh", "dn-immunosuppressed"}
    assert result.technique_status("manual_therapy") == "precaution"


@pytest.mark.parametrize(
    ("extra", "area", "rule_id"),
    [
        (("fever_or_chills",), "low_back", "spinal-infection"),
        (("night_pain_not_eased",), "low_back", "spinal-infection"),
        (("new_onset_pain",), "neck", "spinal-infection"),
        (("spreading_redness",), "hip_leg", "cellulitis-with-fever"),
    ],
)
def test_immunosuppression_with_another_sign_is_a_red_flag(extra, area, rule_id):
    result = screening.evaluate(answers("immunosuppressed", *extra), {area}, RULES)
    assert rule_id in {f.rule_id for f in result.red_flags}
    assert result.status == "hold"


@pytest.mark.parametrize("area", ["neck", "thoracic", "shoulder_arm", "chest_abdomen"])
def test_needling_over_the_thorax_neck_shoulder_and_chest_always_carries_the_pneumothorax_precaution(area):
    result = screening.evaluate(answers(), {area}, RULES)
    assert "dn-pneumothorax-standing" in {f.rule_id for f in result.findings}
    assert result.technique_status("dry_needling") == "precaution"
    assert result.technique_status("manual_therapy") == "ok"


def test_no_standing_pneumothorax_precaution_for_a_knee():
    assert "dn-pneumothorax-standing" not in fired(answers(), "hip_leg", "limb")


def test_a_slim_build_from_height_and_weight_strengthens_the_pneumothorax_precaution():
    slim = fired(answers(height_cm=180, weight_kg=55), "thoracic")  # BMI 17.0
    assert "dn-pneumothorax-slim-build" in slim
    assert slim["dn-pneumothorax-slim-build"].because == ("Height", "Weight")
    assert "dn-pneumothorax-slim-build" not in fired(answers(height_cm=180, weight_kg=75), "thoracic")  # BMI 23.1
    assert "dn-pneumothorax-slim-build" not in fired(answers(weight_kg=45), "thoracic")  # height not given
    assert "dn-pneumothorax-slim-build" not in fired(answers(height_cm=180, weight_kg=55), "low_back")


def test_the_limb_at_risk_after_lymph_node_removal_is_asked_about_and_not_needled():
    question = RULES.questions["lymph_nodes_removed_or_radiotherapy"]
    assert question.type == "yes_no"
    found = fired(answers("lymph_nodes_removed_or_radiotherapy"), "shoulder_arm", "limb")
    assert found["dn-at-risk-limb"].kind == "precaution"
    assert found["dn-at-risk-limb"].technique == "dry_needling"
    assert "dn-at-risk-limb" not in fired(answers(), "shoulder_arm", "limb")


def test_unless_must_name_known_questions():
    raw = {
        "sources": {"GK": "x"},
        "questions": [{"id": "q", "section": "red_flags", "text": "Q?", "type": "yes_no"}],
        "rules": [
            {
                "id": "r",
                "kind": "precaution",
                "technique": "all",
                "when": {"any": ["q"]},
                "unless": {"any": ["nope"]},
                "message": "m",
                "source": ["GK"],
            }
        ],
    }
    with pytest.raises(screening.ScreeningDataError, match="undefined questions"):
        screening.load_ruleset(raw)


def test_a_standing_rule_without_areas_is_refused():
    raw = {
        "sources": {"GK": "x"},
        "questions": [{"id": "q", "section": "red_flags", "text": "Q?", "type": "yes_no"}],
        "rules": [
            {
                "id": "r",
                "kind": "precaution",
                "technique": "all",
                "applies_to": ["any"],
                "when": {"always": True},
                "message": "m",
                "source": ["GK"],
            }
        ],
    }
    with pytest.raises(screening.ScreeningDataError, match="standing rule"):
        screening.load_ruleset(raw)
