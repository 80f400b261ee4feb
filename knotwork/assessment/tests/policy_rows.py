"""Who may correct, remove and close an examination's entries (rows for tests/test_policy_table.py): clinical staff
only; the main table keeps the other assessment services."""

from knotwork.assessment import services
from tests.policy_actors import CLINICAL


def _point(w):
    return services.record_trigger_point(
        examination=w.examination,
        muscle="soleus",
        side="right",
        region="right-calf",
        view="back",
        x=240,
        y=800,
        taut_band=True,
        by=w.owner,
    )


def _rom(w):
    return services.record_range_of_motion(examination=w.examination, movement="Neck flexion", degrees=40, by=w.owner)


def _diagnosis(w):
    return services.add_diagnosis(examination=w.examination, code="M79.11", is_primary=True, by=w.owner)


ROWS = {
    "assessment.services.corrections.correct_trigger_point": (
        CLINICAL,
        lambda w: {"finding": _point(w), "spot_tenderness": True, "reason": "Missed on the first pass"},
    ),
    "assessment.services.corrections.remove_trigger_point": (
        CLINICAL,
        lambda w: {"finding": _point(w), "reason": "Recorded on the wrong patient"},
    ),
    "assessment.services.corrections.correct_range_of_motion": (
        CLINICAL,
        lambda w: {"rom": _rom(w), "degrees": 45},
    ),
    "assessment.services.corrections.remove_range_of_motion": (
        CLINICAL,
        lambda w: {"rom": _rom(w), "reason": "Measured on the wrong side"},
    ),
    "assessment.services.corrections.correct_diagnosis": (
        CLINICAL,
        lambda w: {"diagnosis": _diagnosis(w), "code": "M79.12", "reason": "Neck, not shoulder"},
    ),
    "assessment.services.corrections.remove_diagnosis": (
        CLINICAL,
        lambda w: {"diagnosis": _diagnosis(w), "reason": "Not supported by the findings"},
    ),
    "assessment.services.corrections.record_perpetuating_factors": (
        CLINICAL,
        lambda w: {"examination": w.examination, "perpetuating_factors": ["leg_length_inequality"]},
    ),
    "assessment.services.corrections.close_examination": (CLINICAL, lambda w: {"examination": w.examination}),
}
