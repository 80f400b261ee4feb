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


def test_at_least_80_muscles_covering_every_part_of_the_body():
    assert len(ATLAS.muscles) >= 80
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
    ],
)
def test_the_loader_refuses_broken_data_naming_the_muscle(change, message):
    raw = copy.deepcopy(_raw())
    change(raw["muscles"][0])
    muscle_id = raw["muscles"][0]["id"]
    with pytest.raises(AtlasDataError, match=f"{muscle_id}.*{message.replace('[', '.').replace(']', '.')}"):
        catalog.load_muscles(raw, ATLAS.regions, ATLAS.areas, ATLAS.shapes)


def test_product_text_does_not_repeat_the_seeds_marketing_physiology():
    text = (catalog.DATA / "muscles.yaml").read_text().lower()
    assert "lactic acid" not in text
    assert "toxin" not in text
