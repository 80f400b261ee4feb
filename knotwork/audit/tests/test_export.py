"""An owner downloads the trail of a date range as CSV; the download is itself an entry."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from knotwork.audit.actors import ActorKind
from knotwork.audit.models import AuditEntry
from knotwork.audit.services import record_view
from knotwork.patients.tests.factories import PatientFactory

EXPORT = reverse("audit:export")


def _rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_an_owner_exports_the_days_asked_for_and_the_export_is_recorded(owner_client, owner, practitioner, clinic_a):
    patient = PatientFactory(clinic=clinic_a, last_name="Exportme")
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)):
        record_view(instance=patient, by=practitioner)
    with time_machine.travel(datetime.datetime(2026, 3, 5, 12, tzinfo=datetime.UTC)):
        record_view(instance=patient, by=practitioner)
    response = owner_client.get(EXPORT, {"export-since": "2026-03-04", "export-until": "2026-03-06"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert 'filename="audit-trail-20260304-20260306.csv"' in response["Content-Disposition"]
    rows = _rows(response)
    assert [(r["action"], r["actor"], r["actor kind"], r["record"]) for r in rows] == [
        ("viewed", practitioner.email, "staff", str(patient))
    ]
    assert rows[0]["patient"] == str(patient.public_id)
    assert len(rows[0]["hash"]) == 64
    exported = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert (exported.actor, exported.actor_kind, exported.clinic) == (owner, ActorKind.STAFF, clinic_a)
    assert exported.additional_data == {
        "shown_in": "audit trail CSV",
        "from": "2026-03-04",
        "to": "2026-03-06",
        "entries": 1,
    }


def test_the_export_holds_only_the_owners_clinic(owner_client, practitioner_b, clinic_b):
    theirs = PatientFactory(clinic=clinic_b, last_name="Elsewhere")
    record_view(instance=theirs, by=practitioner_b)
    today = timezone.localdate().isoformat()
    rows = _rows(owner_client.get(EXPORT, {"export-since": today, "export-until": today}))
    assert "Elsewhere" not in str(rows)


def test_a_cell_a_spreadsheet_would_run_is_quoted(owner_client, practitioner, clinic_a):
    patient = PatientFactory(clinic=clinic_a, last_name="=HYPERLINK(1)")
    record_view(instance=patient, by=practitioner)
    today = timezone.localdate().isoformat()
    rows = _rows(owner_client.get(EXPORT, {"export-since": today, "export-until": today}))
    assert {r["record"][:2] for r in rows if "HYPERLINK" in r["record"]} == {"'="}


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("2026-03-10", "2026-03-01", "The end date is before the start date."),
        ("2026-02-30", "2026-03-01", "Enter a date as YYYY-MM-DD."),
        ("", "2026-03-01", "Enter the from date."),
        ("9999-12-31", "9999-12-31", "Choose a date between 2000 and 2999."),
        ("1999-12-31", "2026-03-01", "Choose a date between 2000 and 2999."),
    ],
)
def test_bad_dates_are_explained_and_export_nothing(owner_client, since, until, message):
    response = owner_client.get(EXPORT, {"export-since": since, "export-until": until})
    assert response.status_code == 400
    assert message in response.text
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_the_audit_page_offers_the_export_form(owner_client):
    page = owner_client.get(reverse("audit:list"))
    assert 'action="/audit/export.csv"' in page.text
    assert "Download CSV" in page.text


@pytest.mark.parametrize("persona", ["practitioner_client", "front_desk_client"])
def test_only_an_owner_exports_the_trail(request, persona):
    client = request.getfixturevalue(persona)
    response = client.get(EXPORT, {"export-since": "2026-03-01", "export-until": "2026-03-02"})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()
