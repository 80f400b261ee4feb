"""Clinical vignettes: a pain drawing and the muscles a practitioner would expect to examine first.

Each atlas change (a pattern split per trigger point, a corrected zone, a muscle added) has its own drawing here.
"""

import pytest

from knotwork.atlas.selectors import rank_referrals


def ranked(regions, intensity=7, top=3):
    return rank_referrals(dict.fromkeys(regions, intensity), top=top)


VIGNETTES = [
    # (what the patient draws, expected muscle, expected trigger point or None, within the first n)
    # ---- per trigger point patterns
    (["right-thigh-outer", "right-leg-outer"], "gluteus-minimus", "Anterior", 1),
    (["right-buttock", "right-thigh-back", "right-calf"], "gluteus-minimus", "Posterior", 1),
    (["right-buttock", "right-thigh-back"], "gluteus-minimus", "Posterior", 1),  # only the worst part drawn
    (["right-sacroiliac", "right-iliac-crest", "sacrum"], "gluteus-medius", "TrP1 (posterior)", 1),
    (["left-buttock", "left-hip-side", "left-thigh-outer"], "gluteus-medius", "TrP2 (middle)", 2),
    (["right-eye", "right-cheek", "right-occiput", "vertex"], "sternocleidomastoid", "Sternal head", 1),
    (["right-forehead", "right-ear", "right-mastoid"], "sternocleidomastoid", "Clavicular head", 1),
    (["right-lower-teeth", "right-jaw", "right-cheek"], "masseter", "Superficial", 1),
    (["left-ear", "left-jaw-joint"], "masseter", "Deep", 1),
    (["right-mid-back", "left-mid-back", "right-upper-abdomen"], "rectus-abdominis", "Upper", 1),
    (["right-low-back", "left-low-back", "right-lower-abdomen", "suprapubic"], "rectus-abdominis", "Lower", 1),
    (["right-elbow-inner", "right-forearm-front", "right-fingers-ring-little"], "triceps-brachii", None, 1),
    (["right-arm-back", "right-shoulder-back"], "triceps-brachii", "Long head", 2),
    (["right-between-scapulae", "right-scapula"], "infraspinatus", "Medial", 3),
    (["right-temple", "right-side-neck"], "upper-trapezius", "TrP1", 1),
    (["right-heel", "right-achilles"], "soleus", "TrP1 (low medial)", 1),
    # ---- corrected zones
    (["right-low-back"], "quadratus-lumborum", None, 3),  # one-sided low back pain lists quadratus lumborum
    (["left-low-back", "left-hip-side", "left-iliac-crest"], "quadratus-lumborum", None, 2),
    (["right-chest", "right-arm-back", "right-thumb", "right-between-scapulae"], "scalenes", None, 1),
    (["right-arm-back", "right-forearm-back", "right-thumb", "right-fingers-index-middle"], "scalenes", None, 1),
    (["right-shoulder-front", "right-arm-outer", "right-thumb", "right-hand-back"], "infraspinatus", "Lateral", 1),
    (["right-shoulder-back", "right-wrist-back", "right-wrist-front"], "subscapularis", None, 1),
    (["right-shoulder-back", "right-scapula", "right-wrist-back"], "subscapularis", None, 1),
    (["right-thumb", "right-hand-back", "right-elbow-front"], "brachialis", None, 1),
    # ---- muscles added
    (["coccyx", "right-thigh-back"], "obturator-internus", "Pelvic part", 1),
    (["right-groin", "suprapubic"], "bulbospongiosus", None, 3),
    (["right-side-chest", "right-upper-abdomen"], "diaphragm", None, 1),
    (["right-front-neck", "right-side-neck", "right-ear"], "longus-colli", None, 2),
    (["right-thigh-front", "right-groin", "right-low-back"], "iliacus", None, 1),
    (["right-low-back", "right-sacroiliac", "right-buttock", "right-thigh-front"], "iliopsoas", None, 3),
    (["right-upper-abdomen", "left-upper-abdomen", "right-side-chest"], "transversus-abdominis", None, 2),
    (["right-fingers-index-middle", "right-fingers-ring-little", "right-hand-back"], "hand-interossei", None, 1),
    (["left-lesser-toes", "left-sole", "left-foot-top"], "foot-interossei", None, 1),
    (["right-sole", "right-big-toe"], "adductor-hallucis", None, 3),
    (["right-buttock", "right-thigh-back", "right-hip-side"], "quadratus-femoris", None, 3),
    (["right-cheek", "right-upper-teeth"], "buccinator", None, 3),
]


@pytest.mark.parametrize(
    ("regions", "muscle", "point", "within"), VIGNETTES, ids=lambda v: v if isinstance(v, str) else None
)
def test_vignette(regions, muscle, point, within):
    results = ranked(regions, top=within)
    found = [r for r in results if r.muscle_id == muscle]
    assert found, f"{muscle} not in the first {within}: {[(r.muscle_id, r.side) for r in results]}"
    side = {r.partition("-")[0] for r in regions if r.startswith(("right-", "left-"))}
    if len(side) == 1:
        assert found[0].side in side | {"both"}
    if point:
        assert point in found[0].trigger_points


def test_one_sided_low_back_pain_explains_the_low_back_with_quadratus_lumborum():
    ql = next(r for r in ranked(["right-low-back"], top=10) if r.muscle_id == "quadratus-lumborum")
    assert ql.side == "right"
    assert ql.explained_essential == ("right-low-back",)


def test_the_scalenes_refer_down_the_back_of_the_arm():
    scalenes = next(r for r in ranked(["right-arm-back"], top=20) if r.muscle_id == "scalenes")
    assert scalenes.explained_essential == ("right-arm-back",)


def test_infraspinatus_spills_over_to_the_radial_hand_not_as_essential():
    found = next(r for r in ranked(["right-shoulder-front", "right-thumb"], top=5) if r.muscle_id == "infraspinatus")
    assert found.explained_essential == ("right-shoulder-front",)
    assert found.explained_spillover == ("right-thumb",)


def test_subscapularis_and_brachialis_essential_zones():
    sub = next(r for r in ranked(["right-shoulder-back", "right-scapula"], top=5) if r.muscle_id == "subscapularis")
    assert (sub.explained_essential, sub.explained_spillover) == (("right-shoulder-back",), ("right-scapula",))
    brach = next(r for r in ranked(["right-thumb", "right-arm-front"], top=5) if r.muscle_id == "brachialis")
    assert (brach.explained_essential, brach.explained_spillover) == (("right-thumb",), ("right-arm-front",))
