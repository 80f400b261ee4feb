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


def _centre(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_a_drag_paints_every_region_it_crosses_with_mouse_and_touch(browser, live_server, practitioner):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 820, "height": 1180}, has_touch=True)
    page = context.new_page()
    sign_in(page, practitioner.email)
    page.goto("/atlas/where-does-it-hurt/")
    back = page.locator("#drawing-map [data-view=back]")
    expect(page.locator("[data-paint-controls]")).to_be_visible()
    start = _centre(back.locator("[data-region=right-thigh-back]"))
    end = _centre(back.locator("[data-region=right-calf]"))
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(end[0], end[1], steps=12)
    page.mouse.up()
    for region in ("right-thigh-back", "right-knee-back", "right-calf"):
        expect(back.locator(f"[data-region={region}]")).to_have_attribute("aria-pressed", "true")

    page.get_by_role("button", name="Clear").click()
    cdp = context.new_cdp_session(page)
    points = [(start[0], start[1] + (end[1] - start[1]) * i / 12) for i in range(13)]
    cdp.send(
        "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": points[0][0], "y": points[0][1]}]}
    )
    for x, y in points[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    for region in ("right-thigh-back", "right-knee-back", "right-calf"):
        expect(back.locator(f"[data-region={region}]")).to_have_attribute("aria-pressed", "true")
    context.close()


def test_adding_from_the_list_keeps_what_was_painted(page, practitioner):
    sign_in(page, practitioner.email)
    page.goto("/atlas/where-does-it-hurt/")
    back = page.locator("#drawing-map [data-view=back]")
    back.locator("[data-region=right-buttock]").click()
    expect(page.locator("#referral-results .drawn-list")).to_contain_text("Right buttock")
    page.get_by_role("combobox", name="Region").select_option("right-calf")
    page.get_by_role("button", name="Add to drawing").click()
    drawn = page.locator("#referral-results .drawn-list")
    expect(drawn).to_contain_text("Right calf")
    expect(drawn).to_contain_text("Right buttock")
