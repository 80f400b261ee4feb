"""The evidence figures on the scale generator's data: refreshed by the worker, read by the page, suppressed below
the clinic's minimum, pooled only across three opted-in clinics, exported de-identified with k-anonymity."""

import csv
import json
from collections import defaultdict
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import sign_in
from knotwork.accounts.models import User
from knotwork.audit.models import AuditEntry
from knotwork.clinics.models import Clinic
from knotwork.core.policy import NotAllowed, SystemActor
from knotwork.evidence import services, tasks
from knotwork.evidence.models import EvidenceSettings, EvidenceSummary
from knotwork.patients.models import Patient

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")


@pytest.fixture(scope="module")
def _generated_group(django_db_setup, django_db_blocker):
    """The group is generated once for the module (it takes seconds) and committed. Each test runs in a transaction
    that is rolled back after it, so no test sees another's changes; the rows are flushed when the module ends."""
    with django_db_blocker.unblock():
        call_command("generate_clinic_group", "--clinics", "3", "--patients", "150", "--seed", "5", stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def group(_generated_group, db):
    return list(Clinic.objects.order_by("pk"))


def _owner(clinic):
    return User.objects.get(membership__clinic=clinic, membership__role="owner")


def test_the_owner_refreshes_and_the_page_shows_rates_with_intervals_and_denominators(
    group, client, django_capture_on_commit_callbacks
):
    clinic = group[0]
    owner = _owner(clinic)
    sign_in(client, owner)
    assert "No figures yet" in client.get(reverse("evidence:page")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the immediate task backend runs the task on commit
        client.post(reverse("evidence:refresh"))
    response = client.get(reverse("evidence:page"))
    assert EvidenceSummary.objects.filter(clinic=clinic, period="all").exists()
    text = response.content.decode()
    assert "Figures computed" in text
    assert "95 % interval" in text
    summary = EvidenceSummary.objects.get(clinic=clinic, period="all")
    courses = summary.figures["courses"]
    assert f"<strong>{courses['evaluable']}</strong> can be judged" in text
    assert "Left out:" in text
    # The page reads the summaries: a handful of queries, whatever the size of the history.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("evidence:page")).status_code == 200
    assert len(queries) < 20
    assert not [q for q in queries.captured_queries if "treatment_" in q["sql"] or "followup_" in q["sql"]]


def test_the_refresh_task_is_queued_with_the_clinic_id_only(group, django_capture_on_commit_callbacks, monkeypatch):
    clinic = group[0]
    queued = []
    monkeypatch.setattr(tasks, "refresh_evidence_task", SimpleNamespace(enqueue=lambda **kw: queued.append(kw)))
    with django_capture_on_commit_callbacks(execute=True):
        services.request_refresh(clinic=clinic, by=_owner(clinic))
    assert queued == [{"clinic_id": clinic.pk}]


def test_groups_under_the_minimum_count_are_suppressed(group, client):
    clinic = group[0]
    services.refresh_summaries(clinic=clinic, by=SYSTEM)
    owner = _owner(clinic)
    sign_in(client, owner)
    services.change_evidence_settings(clinic=clinic, by=owner, minimum_count=200)
    text = client.get(reverse("evidence:page")).content.decode()
    assert "fewer than 200: not shown" in text
    rows = list(csv.reader(client.get(reverse("evidence:csv")).getvalue().decode().splitlines()))
    technique_rows = [r for r in rows if r[0] == "responders: by technique"]
    assert technique_rows
    small = [r for r in technique_rows if int(r[3]) < 200]
    assert small
    assert all(r[4] == "" and r[5] == "" and r[7].startswith("suppressed") for r in small)


def test_a_practitioner_reads_the_page_but_cannot_refresh_or_change_settings(group, client):
    clinic = group[0]
    services.refresh_summaries(clinic=clinic, by=SYSTEM)
    practitioner = User.objects.filter(membership__clinic=clinic, membership__role="practitioner").first()
    sign_in(client, practitioner)
    text = client.get(reverse("evidence:page")).content.decode()
    assert "Responders by technique" in text
    assert "Refresh figures" not in text
    assert client.post(reverse("evidence:refresh")).status_code == 403
    with pytest.raises(NotAllowed):
        services.change_evidence_settings(clinic=clinic, by=practitioner, pooled=True)
    assert client.post(reverse("evidence:settings"), {"minimum_count": 5, "pooled": "on"}).status_code == 403


def test_a_minimum_count_out_of_range_is_refused_with_a_message(group, client):
    clinic = group[0]
    sign_in(client, _owner(clinic))
    response = client.post(reverse("evidence:settings"), {"minimum_count": 2}, follow=True)
    assert "Smallest group shown" in response.content.decode()
    assert not EvidenceSettings.objects.filter(clinic=clinic, minimum_count=2).exists()


def test_pooled_figures_need_three_opted_in_clinics_and_the_viewer_opted_in(group, client):
    for clinic in group:
        services.refresh_summaries(clinic=clinic, by=SYSTEM)
    clinic = group[0]
    owner = _owner(clinic)
    sign_in(client, owner)
    services.change_evidence_settings(clinic=clinic, by=owner, pooled=True)
    services.change_evidence_settings(clinic=group[1], by=_owner(group[1]), pooled=True)
    assert "Pooled over" not in client.get(reverse("evidence:page")).content.decode()  # two clinics: no pool
    services.change_evidence_settings(clinic=group[2], by=_owner(group[2]), pooled=True)
    text = client.get(reverse("evidence:page")).content.decode()
    assert "Pooled over 3 clinics" in text
    # Another clinic's name or figures alone never appear.
    assert group[1].name not in text
    assert group[2].name not in text
    services.change_evidence_settings(clinic=clinic, by=owner, pooled=False)  # not sharing: not seeing
    assert "Pooled over" not in client.get(reverse("evidence:page")).content.decode()


def test_an_unknown_period_falls_back_with_a_message(group, client):
    services.refresh_summaries(clinic=group[0], by=SYSTEM)
    sign_in(client, _owner(group[0]))
    response = client.get(reverse("evidence:page"), {"period": "1999"}, follow=True)
    assert response.status_code == 200
    assert "There are no figures for that period" in response.content.decode()


def test_the_csv_escapes_cells_a_spreadsheet_would_run(group, client):
    clinic = group[0]
    services.refresh_summaries(clinic=clinic, by=SYSTEM)
    practitioner = User.objects.filter(membership__clinic=clinic, membership__role="practitioner").first()
    practitioner.first_name, practitioner.last_name = "=HYPERLINK(1)", "X"
    practitioner.save()
    services.refresh_summaries(clinic=clinic, by=SYSTEM)
    sign_in(client, _owner(clinic))
    services.change_evidence_settings(clinic=clinic, by=_owner(clinic), minimum_count=5)
    body = client.get(reverse("evidence:csv")).getvalue().decode()
    assert "'=HYPERLINK(1) X" in body
    assert ",=HYPERLINK" not in body


def test_refresh_command_refuses_bad_input_with_a_clear_message(group):
    with pytest.raises(CommandError, match="No clinic 'Nowhere'"):
        call_command("refresh_evidence", "--clinic", "Nowhere")
    call_command("refresh_evidence", "--clinic", str(group[1].public_id))
    assert EvidenceSummary.objects.filter(clinic=group[1]).exists()
    assert not EvidenceSummary.objects.filter(clinic=group[0]).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--k", "zero"], "--k must be a whole number"),
        (["--k", "1"], "--k must be between 2 and 100"),
        (["--clinic", ""], "--clinic needs"),
    ],
)
def test_export_command_refuses_bad_input(group, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_evidence", "--out", str(tmp_path / "out"), *args)


def test_export_command_refuses_a_directory_that_is_not_empty(group, tmp_path):
    (tmp_path / "old.csv").write_text("x")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("export_evidence", "--out", str(tmp_path))


def test_the_research_export_is_k_anonymous_and_carries_no_identifiers(group, tmp_path, capsys):
    out = tmp_path / "export"
    call_command("export_evidence", "--out", str(out), "--k", "5")
    assert "courses of" in capsys.readouterr().out
    with (out / "evidence.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    # Re-identification by the quasi-identifiers: every group of (age band, sex, area, period) holds >= k people.
    people = defaultdict(set)
    for row in rows:
        people[(row["age_band"], row["sex"], row["area"], row["period"])].add(row["person"])
    assert min(len(group) for group in people.values()) >= 5
    # No names, contact details, chart numbers or exact dates of any patient appear anywhere in the export.
    everything = (out / "evidence.csv").read_text() + "".join(p.read_text() for p in (out / "fhir").glob("*.json"))
    for patient in Patient.objects.all()[:60]:
        for value in (
            patient.last_name,
            patient.email,
            str(patient.phone),
            patient.chart_number,
            str(patient.public_id),
        ):
            assert value not in everything
        assert patient.date_of_birth.isoformat() not in everything
    meta = json.loads((out / "export.json").read_text())
    assert meta["k"] == 5
    dictionary = (out / "data-dictionary.csv").read_text()
    assert all(column in dictionary for column in rows[0])
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == len(group)


def test_the_fhir_bundles_are_r4_collections_with_references_that_resolve(group, tmp_path):
    out = tmp_path / "export"
    services.export_research_data(clinics=group, out=out, k=5, by=SYSTEM)
    bundles = sorted((out / "fhir").glob("bundle-*.json"))
    assert bundles
    for path in bundles:
        bundle = json.loads(path.read_text())
        assert bundle["resourceType"] == "Bundle"
        assert bundle["type"] == "collection"
        ids = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in bundle["entry"]}
        for entry in bundle["entry"]:
            resource = entry["resource"]
            assert entry["fullUrl"].startswith("urn:uuid:")
            assert "name" not in resource
            assert "telecom" not in resource
            assert "birthDate" not in resource
            for key in ("subject", "patient"):
                if key in resource:
                    assert resource[key]["reference"] in ids
            if resource["resourceType"] == "Observation":
                assert resource["status"] == "final"
            if resource["resourceType"] == "AdverseEvent":
                assert resource["actuality"] == "actual"
    # Full validation with fhir.resources' R4B models (R4 with its errata; the package's default is R5).
    from fhir.resources.R4B import bundle

    for path in bundles:
        bundle.Bundle.model_validate_json(path.read_text())


def test_the_charts_are_drawn_once_per_set_of_figures(group, client, django_capture_on_commit_callbacks, monkeypatch):
    """Drawing is most of the page's time: a second view reads the SVGs back; new figures are drawn afresh."""
    from django.core.cache import cache

    from knotwork.evidence import charts

    cache.clear()
    clinic = group[0]
    sign_in(client, _owner(clinic))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evidence:refresh"))
    drawn = []
    real = charts.relief_chart
    monkeypatch.setattr(charts, "relief_chart", lambda curves: drawn.append(1) or real(curves))
    first = client.get(reverse("evidence:page")).content.decode()
    second = client.get(reverse("evidence:page")).content.decode()
    assert len(drawn) == 1
    assert first.count("<svg") == second.count("<svg") >= 3
    summary = EvidenceSummary.objects.get(clinic=clinic, period="all")
    summary.figures["curves"] = {}  # other figures: the chart shows something else, so it is drawn again
    summary.save()
    client.get(reverse("evidence:page"))
    assert len(drawn) == 2
