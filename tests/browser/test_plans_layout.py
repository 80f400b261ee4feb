"""At 1024 px (a tablet held sideways, a small laptop) no word on the loop's pages is broken in the middle."""

import pytest
from django.utils import timezone

from tests.browser.test_patient_registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TABLET = {"width": 1024, "height": 768}

# Each word of four letters or more in the page's text whose box spans two lines: a word broken mid-word.
# Long unbroken tokens (addresses, ids) may wrap anywhere and are left out.
BROKEN_WORDS = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (getComputedStyle(parent).visibility === 'hidden') continue;
    if (parent.closest('[hidden], details:not([open]) > :not(summary)')) continue;
    const pattern = /[\\p{L}]{4,30}/gu;
    let match;
    const text = node.textContent;
    while ((match = pattern.exec(text))) {
      // The whitespace-delimited token the word is in: an email address or a link may wrap anywhere.
      let start = match.index, end = match.index + match[0].length;
      while (start > 0 && !/\\s/.test(text[start - 1])) start--;
      while (end < text.length && !/\\s/.test(text[end])) end++;
      if (/[@\\/]/.test(text.slice(start, end))) continue;
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(`${match[0]} in <${node.parentElement.tagName.toLowerCase()}>`);
    }
  }
  return broken;
}"""


@pytest.fixture
def course(clinic_a, practitioner):
    from knotwork.demo.course import load_demo_course
    from knotwork.treatment.tests.test_session import screened

    clinic_a.settings.plan_backdate_days_max = 14  # the demo course began eight days ago
    clinic_a.settings.save()
    patient = screened(clinic_a, practitioner)
    return load_demo_course(patient=patient, practitioner=practitioner, today=timezone.localdate())


def test_no_word_is_broken_mid_word_at_1024_px(browser, live_server, course, practitioner, screenshot):
    patient = course.patient
    session = course.sessions.order_by("created_at").first()
    pages = {
        "chart": patient.get_absolute_url(),
        "course": course.get_absolute_url(),
        "propose": f"/plans/{course.public_id}/appointments/",
        "new-plan": f"/plans/new/{patient.public_id}/",
        "aftercare": f"/treatment/sessions/{session.public_id}/aftercare/",
        "patients": "/patients/",
        "patient-form": "/patients/new/",
        "outcomes": f"/outcomes/patients/{patient.public_id}/",
        "calendar-week": "/schedule/?view=week",
        "book": "/schedule/book/",
        "today": "/",
    }
    context = browser.new_context(base_url=live_server.url, viewport=TABLET)
    page = context.new_page()
    sign_in(page, practitioner.email)
    failures = {}
    for name, path in pages.items():
        response = page.goto(path)
        assert response.ok, (name, path, response.status)
        page.wait_for_load_state("load")
        broken = page.evaluate(BROKEN_WORDS)
        if broken:
            failures[name] = broken
            screenshot(page, f"broken-words-{name}-1024")
        assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"], name
    screenshot(page, "today-1024")
    page.goto(course.get_absolute_url())
    screenshot(page, "course-1024")
    context.close()
    assert failures == {}
