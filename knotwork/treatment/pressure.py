"""The next hold's suggested pressure, from the patient's answer to the last one. Pure Python, no Django.

The seeds' feedback loop: the patient says the pressure is too little, too much, a "good pain", or that
it feels better. Knotwork's rule (documented in the user guide; the practitioner may always override it):

    answer             next level                       the point
    too little         + 1                              continue
    good pain          same                             continue
    too much           - 2                              continue
    referral           same (pain reproduced: note it)  continue
    better             -                                release: the point has softened
    stop               -                                release: the patient asked to stop

Levels are the 0-10 pressure scale and stay within it. With an algometer, steps are in kg/cm²: + 0.5 and
- 1.0, never below 0 and never above MAX_KG, the highest reading a hold accepts (a suggestion the save would
refuse is no suggestion).
"""

from dataclasses import dataclass

ANSWERS = ("too_little", "good_pain", "too_much", "referral", "better", "stop")
ENDS_POINT = {"better": "softened", "stop": "patient_stop"}
STEP = {"too_little": 1, "good_pain": 0, "too_much": -2, "referral": 0}
STEP_KG = {"too_little": 0.5, "good_pain": 0.0, "too_much": -1.0, "referral": 0.0}
MAX_LEVEL = 10  # the top of the 0-10 pressure scale
# The highest algometer reading a hold accepts, kg/cm²: above healthy thresholds (about 2-6 kg/cm², with a wide
# spread) with room to spare; Knotwork default, no clinical source (docs/clinical-sources.md#pressure-pain-threshold).
MAX_KG = 20.0


@dataclass(frozen=True)
class Suggestion:
    level: float | None  # None when the point should be released
    release: str | None  # why the point ends: softened or patient_stop


def suggest_next(level: float, answer: str, *, measured: bool = False) -> Suggestion:
    """The next hold's level after `answer` to a hold at `level` (0-10 scale, or kg/cm² when measured)."""
    if answer not in ANSWERS:
        raise ValueError(f"unknown answer {answer!r}")
    if answer in ENDS_POINT:
        return Suggestion(None, ENDS_POINT[answer])
    if measured:
        return Suggestion(round(min(max(level + STEP_KG[answer], 0.0), MAX_KG), 1), None)
    return Suggestion(float(min(max(level + STEP[answer], 0), MAX_LEVEL)), None)
