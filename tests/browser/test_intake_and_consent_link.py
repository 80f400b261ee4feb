"""A patient completes intake and consent through private links on a phone."""

import pytest
from playwright.sync_api import expect

from knotwork.assessment.models import Consent, IntakeStatus, SafetyScreen
from knotwork.assessment.screening import get_ruleset
from knotwork.patients.tests.factories import PatientFactory
from knotwork.portal.services import create_patient_link

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_patient_fills_the_intake_on_a_phone_and_the_screen_runs(
    phone, live_server, clinic_a, practitioner, screenshot
):
    patient = PatientFactory(clinic=clinic_a, first_name="Noor", email="")
    _link, token = create_patient_link(patient=patient, purpose="intake", by=practitioner, send_email=False)
    page = phone
    page.goto(f"/p/{token}/")
    expect(page.get_by_role("heading", name="Before your visit")).to_be_visible()
    # The token opened the form once; the form's own address (history, autosave requests) has none.
    assert page.url == f"{live_server.url}/p/intake/"
    assert token not in page.url
    page.get_by_label("What brings you in?").fill("Aching low back since moving house")
    page.get_by_label("Where is the main problem?").select_option("low_back")
    page.get_by_label("Pain now (0-10)").fill("6")
    page.locator("#intake-map [data-view=back] [data-region=right-low-back]").click()
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved")

    # Reloading keeps the visit, and closing the tab loses nothing: the same link reopens the draft.
    page.reload()
    expect(page.get_by_label("What brings you in?")).to_have_value("Aching low back since moving house")
    page.goto(f"/p/{token}/")
    assert page.url == f"{live_server.url}/p/intake/"
    expect(page.get_by_label("What brings you in?")).to_have_value("Aching low back since moving house")
    expect(page.locator("#intake-map [data-view=back] [data-region=right-low-back]")).to_have_attribute(
        "data-intensity", "5"
    )

    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Please answer every safety question")).to_be_visible()
    # Each answer is autosaved 600 ms after the last change: let that save finish before sending, as a person does
    # (the test server shares one SQLite connection between its threads, so two requests at once collide there).
    with page.expect_response(lambda r: r.request.method == "POST" and "autosave" in (r.request.post_data or "")):
        for question in get_ruleset().questions.values():
            if question.type == "yes_no":
                page.locator(f"input[name=q_{question.id}][value=no]").check()
    screenshot(page, "portal-intake-phone")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you, Noor")).to_be_visible()
    screen = SafetyScreen.objects.get(patient=patient)
    assert screen.status == "clear"
    assert screen.intake.status == IntakeStatus.SUBMITTED
    page.goto(f"/p/{token}/")
    expect(page.get_by_text("already been completed")).to_be_visible()


def test_patient_signs_a_consent_on_a_phone(phone, live_server, clinic_a, practitioner, screenshot):
    patient = PatientFactory(clinic=clinic_a, first_name="Ilse")
    _link, token = create_patient_link(
        patient=patient, purpose="consent", technique="dry_needling", by=practitioner, send_email=False
    )
    page = phone
    page.goto(f"/p/{token}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("needling")
    assert page.url == f"{live_server.url}/p/consent/"
    page.get_by_label("I have read this information").check()
    page.get_by_label("Type your full name").fill("Ilse Patient")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_text("Draw your signature in the box.")).to_be_visible()
    expect(page.get_by_label("Type your full name")).to_have_value("Ilse Patient")
    page.locator("[data-signature-surface]").scroll_into_view_if_needed()
    box = page.locator("[data-signature-surface]").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 60)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 60 + (step % 3) * 15)
    page.mouse.up()
    page.get_by_label("I have read this information").check()
    screenshot(page, "portal-consent-phone")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("heading", name="Thank you, Ilse")).to_be_visible()
    consent = Consent.objects.get(patient=patient)
    assert consent.signed_via_link
    assert consent.signature.startswith("M")
    # The visit opened this consent only: the care pages ask for their own link.
    page.goto("/p/care/")
    expect(page.get_by_role("heading", name="Open your private link again")).to_be_visible()
    screenshot(page, "portal-visit-needed-phone")
