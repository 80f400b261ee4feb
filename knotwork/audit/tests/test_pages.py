"""The audit trail pages by keyset: every entry reached once, newest first, with no count of the whole trail."""

import re
import subprocess
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knotwork.audit.models import AuditEntry
from knotwork.audit.services import record_views
from knotwork.audit.views import PAGE_SIZE
from knotwork.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _entries(practitioner, clinic, count: int) -> None:
    patients = PatientFactory.create_batch(count, clinic=clinic)
    record_views(instances=patients, by=practitioner, shown_in="list")


def _walk(client, url: str, link: str) -> tuple[list[str], list[int]]:
    seen, pages = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        rows = re.findall(r"<tr>\s*<td>", html)
        pages.append(len(rows))
        seen += [e.pk for e in response.context["page"].object_list]
        found = re.search(rf'href="(\?[^"]*{link}=[^"]+)" rel="(?:next|prev)"', html)
        url = reverse("audit:list") + found.group(1).replace("&amp;", "&") if found else ""
    return seen, pages


def test_older_pages_reach_every_entry_once_newest_first(owner_client, practitioner, clinic_a):
    _entries(practitioner, clinic_a, PAGE_SIZE * 2 + 7)
    total = AuditEntry.objects.filter(clinic=clinic_a).count()
    seen, pages = _walk(owner_client, reverse("audit:list"), "older")
    assert len(seen) == len(set(seen)) == total
    assert pages[0] == PAGE_SIZE
    assert pages[-1] == total - PAGE_SIZE * (len(pages) - 1)
    expected = list(
        AuditEntry.objects.filter(clinic=clinic_a).order_by("-timestamp", "-pk").values_list("pk", flat=True)
    )
    assert seen == expected


def test_newer_walks_back_to_the_first_page(owner_client, practitioner, clinic_a):
    _entries(practitioner, clinic_a, PAGE_SIZE * 2 + 3)
    first = owner_client.get(reverse("audit:list")).context["page"]
    second = owner_client.get(reverse("audit:list"), {"older": first.older}).context["page"]
    back = owner_client.get(reverse("audit:list"), {"newer": second.newer}).context["page"]
    assert [e.pk for e in back.object_list] == [e.pk for e in first.object_list]
    assert back.newer is None  # the top of the trail: no newer link


def test_a_page_costs_the_same_queries_however_long_the_trail(owner_client, practitioner, clinic_a):
    _entries(practitioner, clinic_a, 5)
    owner_client.get(reverse("audit:list"))
    with CaptureQueriesContext(connection) as small:
        owner_client.get(reverse("audit:list"))
    _entries(practitioner, clinic_a, PAGE_SIZE * 4)
    with CaptureQueriesContext(connection) as large:
        owner_client.get(reverse("audit:list"))
    assert len(large) == len(small)
    assert not any("COUNT(" in q["sql"].upper() and "audit" in q["sql"] for q in large.captured_queries)


@pytest.mark.parametrize("cursor", ["nonsense", "MjAyNi0xMS0yNFQxMDowMDowMHwxMg", "%%%"])
def test_an_edited_page_link_is_explained_not_an_error(owner_client, cursor):
    response = owner_client.get(reverse("audit:list"), {"older": cursor})
    assert response.status_code == 400
    assert "This page link is not valid" in response.content.decode()


def test_sqlite_keeps_its_connection_between_requests():
    """Outside the tests' own settings, a SQLite connection lives on (its pragmas run once per connection)."""
    code = (
        "import os; os.environ.update(DEBUG='1', SECRET_KEY='x'*50, DATABASE_URL='sqlite:////tmp/conn-age.sqlite3'); "
        "from config import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert int(out.strip()) > 0
    assert connection.vendor in ("sqlite", "postgresql")
