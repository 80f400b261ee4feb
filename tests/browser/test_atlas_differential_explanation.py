"""The differential says why: a practitioner paints a drawing and reads, per suggestion, which trigger point fits,
which drawn regions it explains (essential, spillover, over the point) and which it does not; a drawing on both
sides suggests the muscle on both sides; the muscle page lists each trigger point's own pattern."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_patient_registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_suggestion_explains_what_it_does_and_does_not_explain(page, practitioner, screenshot, axe_violations):
    sign_in(page, practitioner.email)
    page.goto("/atlas/where-does-it-hurt/")
    drawing = page.locator("#drawing-map")
    results = page.locator("#referral-results")
    page.get_by_label("Intensity", exact=True).fill("7")
    drawing.locator("[data-view=back] [data-region=right-shoulder-top]").click()
    drawing.locator("[data-view=back] [data-region=right-temple]").click()
    drawing.locator("[data-view=front] [data-region=right-side-neck]").click()
    drawing.locator("[data-view=back] [data-region=left-calf]").click()

    first = results.locator(".referrals > li").first
    expect(first.get_by_role("link")).to_contain_text("Upper trapezius (right)")
    why = first.locator("[data-referral-why]")
    expect(why).to_contain_text("Explains 3 of 4 drawn regions.")
    expect(why).to_contain_text("Trigger point: TrP1")
    expect(why.locator("[data-why=essential]")).to_contain_text("right side of the neck, right temple")
    expect(why.locator("[data-why=site]")).to_contain_text("right top of the shoulder")
    expect(why.locator("[data-why=unexplained]")).to_have_text("does not explain left calf")
    expect(results).not_to_contain_text("score")
    screenshot(page, "atlas-differential-explanation")
    assert axe_violations(page) == []


def test_a_drawing_on_both_sides_suggests_the_muscle_on_both_sides(page, practitioner, screenshot):
    sign_in(page, practitioner.email)
    regions = [f"{side}-{area}:7:ache" for side in ("right", "left") for area in ("thigh-outer", "leg-outer")]
    page.goto("/atlas/where-does-it-hurt/?" + "&".join(f"r={r}" for r in regions))
    first = page.locator("#referral-results .referrals > li").first
    expect(first.get_by_role("link")).to_contain_text("Gluteus minimus (both sides)")
    expect(first.locator("[data-referral-why]")).to_contain_text("Explains all 4 drawn regions.")
    expect(first.locator("[data-why=unexplained]")).to_have_count(0)
    first.get_by_role("link").click()
    panel = page.locator("#muscle-panel")
    expect(panel.get_by_role("heading", name="Gluteus minimus (both sides)")).to_be_visible()
    expect(panel.locator(".trigger-point-list")).to_contain_text("Anterior: essential")
    expect(panel.locator("[data-view=front] [data-region=left-leg-outer][data-zone=essential]")).to_be_attached()
    expect(panel.locator("[data-view=front] [data-region=right-leg-outer][data-zone=essential]")).to_be_attached()
    screenshot(page, "atlas-differential-both-sides")


def test_the_muscle_page_lists_its_trigger_points_and_shows_one_on_the_map(page, practitioner, screenshot):
    sign_in(page, practitioner.email)
    page.goto("/atlas/muscles/gluteus-minimus/")
    points = page.locator("#trigger-points")
    expect(points.locator("[data-trigger-point=Anterior]")).to_contain_text("Essential: right outer knee")
    expect(points.locator("[data-trigger-point=Posterior]")).to_contain_text("right back of the thigh")
    page.get_by_role("link", name="Posterior", exact=True).click()
    expect(page.get_by_role("heading", name="Posterior: its referral zones (right side)")).to_be_visible()
    muscle_map = page.locator("#muscle-map")
    expect(muscle_map.locator("[data-region=right-calf][data-zone=essential]")).to_be_attached()
    expect(muscle_map.locator("[data-region=right-leg-outer][data-zone]")).to_have_count(0)
    screenshot(page, "atlas-muscle-trigger-points")
