"""The atlas data files: every rule the loader enforces, and the figures the product promises."""

import copy

import pytest

from knotwork.atlas import catalog
from knotwork.atlas.catalog import AtlasDataError, get_atlas

ATLAS = get_atlas()


def mirror(region_id: str) -> str:
    if region_id.startswith("right-"):
        return "left-" + region_id.removeprefix("right-")
    if region_id.startswith("left-"):
        return "right-" + region_id.removeprefix("left-")
    return region_id


def test_the_region_vocabulary_has_80_areas_and_155_region_ids():
    assert len(ATLAS.areas) == 80
    assert len(ATLAS.regions) == 155
    assert sum(1 for a in ATLAS.areas.values() if not a["bilateral"]) == 5


def test_the_body_map_draws_every_region_on_its_views_only():
    for region in ATLAS.regions.values():
        drawn_on = {view for view in catalog.VIEWS if region.id in ATLAS.shapes[view]}
        assert drawn_on, region.id
        assert drawn_on <= set(region.views), region.id


def test_at_least_130_muscles_covering_every_part_of_the_body():
    assert len(ATLAS.muscles) >= 130
    groups = {m.group for m in ATLAS.muscles.values()}
    assert groups == set(catalog.GROUPS)
    for must_have in (
        "quadratus-lumborum",
        "gluteus-minimus",
        "piriformis",
        "upper-trapezius",
        "masseter",
        "infraspinatus",
        "soleus",
        "iliopsoas",
        "sternocleidomastoid",
        "levator-scapulae",
        # added with the per-trigger-point atlas
        "obturator-internus",
        "bulbospongiosus",
        "diaphragm",
        "longus-colli",
        "iliacus",
        "transversus-abdominis",
        "hand-interossei",
        "foot-interossei",
        "adductor-hallucis",
    ):
        assert must_have in ATLAS.muscles


@pytest.mark.parametrize("muscle", ATLAS.muscles.values(), ids=lambda m: m.id)
def test_every_muscle_is_complete_sourced_and_mirrors_left_and_right(muscle):
    assert muscle.sites["right"], "no trigger point site"
    assert muscle.patterns["right"].essential, "no essential zone"
    assert all(citation for citation, _ in muscle.sources)
    assert muscle.sources
    assert muscle.self_care
    assert muscle.needling_safety
    assert muscle.differential
    for right, left in zip(muscle.sites["right"], muscle.sites["left"], strict=True):
        assert left.region == mirror(right.region)
        assert left.x == pytest.approx(400 - right.x, abs=0.2)
        assert left.y == right.y
    right, left = muscle.patterns["right"], muscle.patterns["left"]
    assert {mirror(r) for r in right.essential} == left.essential
    assert {mirror(r) for r in right.spillover} == left.spillover
    assert set(right.essential | right.spillover) <= set(ATLAS.regions)
    for r_site, l_site in zip(muscle.sites["right"], muscle.sites["left"], strict=True):
        assert r_site.pattern.essential, f"{r_site.label} has no pattern"
        assert r_site.sources, f"{r_site.label} has no source"
        assert r_site.pattern.core <= r_site.pattern.essential
        assert {mirror(r) for r in r_site.pattern.essential} == l_site.pattern.essential
        assert {mirror(r) for r in r_site.pattern.spillover} == l_site.pattern.spillover


def test_the_classic_muscles_have_a_pattern_per_trigger_point():
    def own(muscle_id, label):
        site = next(s for s in ATLAS.muscles[muscle_id].sites["right"] if s.label == label)
        assert site.own_pattern
        return site.pattern

    assert "right-calf" in own("gluteus-minimus", "Posterior").essential
    assert (
        "right-calf" not in own("gluteus-minimus", "Anterior").essential | own("gluteus-minimus", "Anterior").spillover
    )
    assert own("sternocleidomastoid", "Sternal head").essential >= {"vertex", "sternum"}
    assert "vertex" not in own("sternocleidomastoid", "Clavicular head").essential
    assert own("masseter", "Deep").essential == {"right-ear", "right-jaw-joint"}
    assert own("rectus-abdominis", "Upper").essential >= {"right-mid-back", "left-mid-back"}
    assert own("rectus-abdominis", "Lower").essential >= {"right-low-back", "left-low-back"}
    assert (
        len(
            {
                own("gluteus-medius", f"TrP{n} ({w})").essential
                for n, w in ((1, "posterior"), (2, "middle"), (3, "anterior"))
            }
        )
        == 3
    )
    assert len({s.pattern.essential for s in ATLAS.muscles["triceps-brachii"].sites["right"]}) >= 4


def test_the_corrected_zones():
    patterns = {
        m: ATLAS.muscles[m].patterns["right"]
        for m in ("quadratus-lumborum", "scalenes", "infraspinatus", "subscapularis", "brachialis")
    }
    assert "right-low-back" in patterns["quadratus-lumborum"].essential
    assert "right-arm-back" in patterns["scalenes"].essential
    assert {"right-thumb", "right-hand-back"} <= patterns["infraspinatus"].spillover
    assert patterns["subscapularis"].essential == {"right-shoulder-back"}
    assert patterns["brachialis"].essential == {"right-thumb"}
    assert "iliacus" not in {s.label.lower() for s in ATLAS.muscles["iliopsoas"].sites["right"]}


def test_sites_sit_inside_their_regions_box():
    for muscle in ATLAS.muscles.values():
        for site in muscle.sites["right"] + muscle.sites["left"]:
            min_x, min_y, max_x, max_y = ATLAS.shapes[site.view][site.region].bbox
            assert min_x - 0.2 <= site.x <= max_x + 0.2, (muscle.id, site.label)
            assert min_y <= site.y <= max_y, (muscle.id, site.label)


def test_the_atlas_counts_its_trigger_point_sites():
    assert ATLAS.site_count == sum(len(m.sites["right"]) for m in ATLAS.muscles.values())
    assert ATLAS.site_count >= 100


def _raw():
    return catalog._read("muscles.yaml")


def _raw_with_a_muscle_pattern():
    """The data, with the first muscle's first point pattern moved up to the muscle (what these tests break)."""
    raw = copy.deepcopy(_raw())
    first = raw["muscles"][0]
    if "referral" not in first:
        first["referral"] = first["sites"][0].pop("referral")
    return raw


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m["referral"].update(essential=["low-backk"]), "unknown body area 'low-backk'"),
        (lambda m: m["referral"].update(essential=[]), "essential referral zone is empty"),
        (lambda m: m.update(sites=[]), "sites is missing or empty"),
        (lambda m: m["sites"][0].update(view="front", region="occiput"), "is not on the front view"),
        (lambda m: m.update(source=["NOPE"]), "source 'NOPE' is not defined"),
        (lambda m: m.update(activating_factors=["toxins"]), "outside the seed vocabulary"),
        (lambda m: m["sites"][0].update(pos=[1.5, 0.2]), "pos must be within [0, 1]"),
        (lambda m: m["referral"].update(core=["temple"]), "core of a pattern must be part of its essential zone"),
        (lambda m: m["referral"].update(worst=["forehead"]), "unknown referral keys"),
        (lambda m: m["sites"][0].update(referral={"essential": []}), "essential referral zone is empty"),
        (lambda m: m["sites"][0].update(source=["NOPE"]), "source 'NOPE' is not defined"),
        (lambda m: m.update(sites=[m["sites"][0], dict(m["sites"][0])]), "two trigger point sites share a label"),
        (lambda m: m.pop("referral"), "referral is missing or empty"),
    ],
)
def test_the_loader_refuses_broken_data_naming_the_muscle(change, message):
    raw = _raw_with_a_muscle_pattern()
    change(raw["muscles"][0])
    muscle_id = raw["muscles"][0]["id"]
    with pytest.raises(AtlasDataError, match=f"{muscle_id}.*{message.replace('[', '.').replace(']', '.')}"):
        catalog.load_muscles(raw, ATLAS.regions, ATLAS.areas, ATLAS.shapes)


def test_product_text_does_not_repeat_the_seeds_marketing_physiology():
    text = (catalog.DATA / "muscles.yaml").read_text().lower()
    assert "lactic acid" not in text
    assert "toxin" not in text


def test_a_muscle_whose_every_point_has_its_own_pattern_needs_no_muscle_pattern():
    raw = _raw_with_a_muscle_pattern()
    entry = raw["muscles"][0]
    entry["sites"][0]["referral"] = {"essential": ["temple"], "spillover": ["eye"]}
    entry.pop("referral")
    muscles = catalog.load_muscles({**raw, "muscles": [entry]}, ATLAS.regions, ATLAS.areas, ATLAS.shapes)
    pattern = muscles[entry["id"]].patterns["left"]
    assert (pattern.essential, pattern.spillover) == ({"left-temple"}, {"left-eye"})


def test_touching_regions_are_neighbours_on_the_same_side_only():
    assert "right-sacroiliac" in ATLAS.neighbours["right-low-back"]
    assert "sacrum" in ATLAS.neighbours["right-low-back"]
    assert "left-low-back" not in ATLAS.neighbours["right-low-back"]
    assert "right-heel" not in ATLAS.neighbours["right-low-back"]
