"""Cursor pages with updated_since: a client reaches every row once, oldest change first, and only what changed."""

import datetime

import pytest
from django.utils import timezone
from ninja import NinjaAPI, Router, Schema
from ninja.pagination import paginate
from ninja.testing import TestClient

from knotwork.core.api import CursorPagination, install_problem_handlers
from knotwork.patients.models import Patient
from knotwork.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


class Row(Schema):
    chart_number: str


def _client() -> TestClient:
    router = Router()

    @router.get("/rows", response=list[Row], auth=None)
    @paginate(CursorPagination)
    def rows(request):
        return Patient.objects.all()

    api = NinjaAPI(urls_namespace="cursor-test")
    install_problem_handlers(api)
    api.add_router("/", router)
    return TestClient(api)


def test_pages_reach_every_row_once_in_change_order(clinic_a):
    patients = PatientFactory.create_batch(7, clinic=clinic_a)
    client, seen, cursor = _client(), [], None
    while True:
        page = client.get("/rows", query_params={"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        seen += [row["chart_number"] for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    expected = [p.chart_number for p in sorted(patients, key=lambda p: (p.updated_at, p.pk))]
    assert seen == expected


def test_updated_since_lists_only_what_changed(clinic_a):
    old, changed = PatientFactory.create_batch(2, clinic=clinic_a)
    Patient.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    page = _client().get("/rows", query_params={"updated_since": since}).json()
    assert [row["chart_number"] for row in page["items"]] == [changed.chart_number]
    assert page["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "status"), [({"cursor": "edited"}, 422), ({"limit": 0}, 422), ({"limit": 201}, 422)]
)
def test_bad_paging_input_is_refused_with_a_problem(params, status):
    answer = _client().get("/rows", query_params=params)
    assert answer.status_code == status
