"""A practitioner paints a pain drawing, sees the ranking update, and opens a suggested muscle."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_patient_registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_paint_a_drawing_and_open_a_suggested_muscle(page, practitioner, screenshot, axe_violations):
    sign_in(page, practitioner.email)
    page.get_by_role("link", name="Atlas").click()
    expect(page.get_by_text("trigger point sites")).to_be_visible()
    page.get_by_role("link", name="Where does it hurt?").click()

    results = page.locator("#referral-results")
    expect(results).to_contain_text("Nothing drawn yet")
    page.get_by_label("Intensity", exact=True).fill("8")
    expect(page.locator("#paint-intensity-value")).to_have_text("8")
    drawing = page.locator("#drawing-map")
    drawing.locator("[data-view=back] [data-region=right-buttock]").click()
    drawing.locator("[data-view=back] [data-region=right-thigh-outer]").click()
    drawing.locator("[data-view=front] [data-region=right-leg-outer]").click()
    expect(drawing.locator("[data-view=back] [data-region=right-buttock]")).to_have_attribute("data-intensity", "8")
    expect(results.get_by_role("link").filter(has_text="Gluteus minimus (right)")).to_be_visible()

    page.get_by_role("button", name="Undo").click()
    expect(drawing.locator("[data-view=front] [data-region=right-leg-outer]")).not_to_have_attribute(
        "data-intensity", "8"
    )
    drawing.locator("[data-view=front] [data-region=right-leg-outer]").click()

    results.get_by_role("link").filter(has_text="Gluteus minimus (right)").click()
    panel = page.locator("#muscle-panel")
    expect(panel.get_by_role("heading", name="Gluteus minimus (right)")).to_be_visible()
    expect(panel.locator(".bm-site").first).to_be_attached()
    expect(panel.locator("[data-zone=essential]").first).to_be_attached()
    screenshot(page, "referral-differential")
    assert axe_violations(page) == []

    page.reload()  # the drawing lives in the address, so a reload keeps it
    expect(drawing.locator("[data-view=back] [data-region=right-buttock]")).to_have_attribute("data-intensity", "8")


def test_the_drawing_can_be_painted_with_the_keyboard(page, practitioner):
    sign_in(page, practitioner.email)
    page.goto("/atlas/where-does-it-hurt/")
    front = page.locator("#drawing-map [data-view=front]")
    first = front.locator("[data-region][tabindex='0']")
    first.focus()
    start = first.get_attribute("data-region")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.dataset.region")
    assert focused != start
    page.keyboard.press("Enter")
    expect(front.locator(f"[data-region='{focused}']")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#referral-results .drawn-list")).to_contain_text("5/10")
    page.keyboard.press("Delete")
    expect(front.locator(f"[data-region='{focused}']")).to_have_attribute("aria-pressed", "false")
