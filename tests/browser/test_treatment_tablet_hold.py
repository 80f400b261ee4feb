"""The hold screen on a 1024 x 768 tablet: timer and answers on screen without scrolling, answers during the hold."""

import pytest
from playwright.sync_api import expect

from knotwork.treatment.models import Hold
from knotwork.treatment.tests.test_session import screened
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_patient_registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TABLET = {"width": 1024, "height": 768}


def _session_with_a_point(browser, live_server, clinic, practitioner):
    patient = screened(clinic, practitioner)
    context = browser.new_context(base_url=live_server.url, viewport=TABLET, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, practitioner.email)
    page.goto(patient.get_absolute_url())
    page.get_by_role("link", name="Start a session").click()
    page.get_by_label("Pain now (0-10)").fill("7")
    page.get_by_role("button", name="Start the session").click()
    page.get_by_label("Muscle").first.select_option("upper-trapezius")
    page.get_by_role("button", name="Add point").click()
    return context, page


def _on_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= TABLET["height"]


def test_the_timer_and_every_answer_fit_a_1024_by_768_tablet_and_an_answer_ends_the_hold(
    browser, live_server, clinic_a, practitioner
):
    clinic_a.settings.hold_seconds_min = 1  # a hold of a second or two is long enough here: no confirmation
    clinic_a.settings.hold_seconds_max = 90  # the longest a clinic may allow
    clinic_a.settings.save()
    context, page = _session_with_a_point(browser, live_server, clinic_a, practitioner)
    panel = page.locator("[data-hold-panel]")
    expect(panel.get_by_role("heading")).to_contain_text("Upper trapezius")
    expect(panel).to_contain_text("Hold 1\N{EN DASH}90 s")
    page.evaluate("window.scrollTo(0, 0)")
    assert page.evaluate("window.scrollY") == 0
    for control in [panel.locator("[data-timer]"), panel.get_by_role("button", name="Start hold")] + [
        panel.get_by_role("button", name=name, exact=True)
        for name in ("Too little", "Good pain", "Too much", "Referral", "Better", "Stop")
    ]:
        assert _on_screen(page, control), f"{control} is below the fold at 1024 x 768"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "treatment-hold-1024x768.png"))  # the screen as the tablet shows it

    # One value on screen for the level: the level itself, marked as the suggestion until it is changed.
    level_label = panel.locator("label[for=hold-level]")
    expect(level_label).to_have_text("Pressure 5/10")
    expect(panel.locator("[data-suggestion-note]")).to_have_text("suggested")
    panel.locator("[data-level]").fill("7")
    expect(level_label).to_have_text("Pressure 7/10")
    expect(panel.locator("[data-suggestion-note]")).to_have_text("your choice")
    panel.get_by_role("button", name="Back to the suggestion").click()
    expect(level_label).to_have_text("Pressure 5/10")

    # Answers are there from the moment the hold starts; one ends the hold and saves it.
    good_pain = panel.get_by_role("button", name="Good pain")
    expect(good_pain).to_be_disabled()
    panel.get_by_role("button", name="Start hold").click()
    expect(good_pain).to_be_enabled()
    page.wait_for_timeout(1600)
    good_pain.click()
    expect(panel.locator("[data-status]")).to_contain_text("Hold 1 saved")
    expect(panel.get_by_role("button", name="Start hold")).to_be_enabled()
    hold = Hold.objects.get()
    assert hold.answer == "good_pain"
    assert 1 <= hold.seconds <= 4  # ended by the answer, not left running
    # The count updates at once, in the panel and in the list of points.
    expect(panel.locator("[data-hold-count]")).to_have_text("1 hold so far")
    expect(page.locator("[data-point-holds]").first).to_have_text("1 hold")
    page.screenshot(path=str(SCREENSHOTS / "treatment-hold-saved-1024x768.png"))
    context.close()


def test_a_short_hold_asks_before_it_is_saved_and_a_stop_never_waits(browser, live_server, clinic_a, practitioner):
    context, page = _session_with_a_point(browser, live_server, clinic_a, practitioner)  # clinic minimum 10 s
    panel = page.locator("[data-hold-panel]")
    panel.get_by_role("button", name="Start hold").click()
    page.wait_for_timeout(400)
    panel.get_by_role("button", name="Too little").click()
    dialog = panel.get_by_role("alertdialog")
    expect(dialog).to_contain_text("shorter than the clinic's 10 s")
    expect(panel.get_by_role("button", name="Too little")).to_be_disabled()
    page.screenshot(path=str(SCREENSHOTS / "treatment-hold-short-1024x768.png"))
    panel.get_by_role("button", name="Discard it").click()
    expect(panel.locator("[data-status]")).to_contain_text("Hold discarded")
    assert Hold.objects.count() == 0

    panel.get_by_role("button", name="Start hold").click()
    page.wait_for_timeout(400)
    panel.get_by_role("button", name="Stop", exact=True).click()  # the patient says stop: saved at once
    expect(panel.locator("[data-status]")).to_contain_text("released")
    assert Hold.objects.get().answer == "stop"
    context.close()


def test_the_needling_form_shows_the_safe_depth_and_checks_the_depth_as_it_is_typed(
    browser, live_server, clinic_a, practitioner
):
    patient = screened(clinic_a, practitioner, consents=("manual_therapy", "dry_needling"))
    context = browser.new_context(base_url=live_server.url, viewport=TABLET, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, practitioner.email)
    page.goto(patient.get_absolute_url())
    page.get_by_role("link", name="Start a session").click()
    page.get_by_label("Pain now (0-10)").fill("6")
    page.get_by_role("button", name="Start the session").click()
    page.get_by_text("Record needling").click()
    form = page.locator("[data-needle-form]")
    depth_box = form.locator("[data-needle-depth]")
    form.locator("select[name=dn-muscle]").select_option("rhomboids")
    expect(depth_box).to_contain_text("safe depth 15 mm (usual build)")
    form.locator("[name=dn-length_mm]").fill("30")
    form.locator("[name=dn-depth_mm]").fill("20")
    expect(depth_box).to_contain_text("20 mm is past the safe depth")
    form.locator("[name=dn-depth_mm]").fill("40")
    expect(depth_box).to_contain_text("beyond the needle's length (30 mm)")
    form.locator("select[name=dn-muscle]").select_option("soleus")  # no lung under the calf: no depth limit
    form.locator("[name=dn-depth_mm]").fill("25")
    expect(depth_box).to_be_hidden()
    form.locator("select[name=dn-muscle]").select_option("rhomboids")
    form.locator("[name=dn-depth_mm]").fill("20")
    depth_box.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "treatment-needle-depth-1024x768.png"))
    context.close()
