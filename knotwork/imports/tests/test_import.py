import datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command

from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import NotAllowed
from knotwork.imports import services
from knotwork.imports.models import ImportRow, ImportRun, ImportSource, ImportStatus, Outcome
from knotwork.imports.sources import csv_rows, fhir_rows, preset_mapping, read_csv
from knotwork.imports.tests.generated import BAD_VALUES, bad_row_numbers, cliniko_csv, fhir_bundle
from knotwork.patients.models import Patient
from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling.models import Appointment
from knotwork.scheduling.tests.factories import AppointmentTypeFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _rows(data: bytes):
    parsed = read_csv(data)
    return csv_rows(parsed, preset_mapping(parsed.headers))


def _import(clinic, by, data, **options):
    return services.import_patients(clinic=clinic, by=by, rows=_rows(data), source=ImportSource.CSV, **options)


def test_the_cliniko_and_jane_headers_are_mapped_without_help():
    cliniko = preset_mapping(["ID", "First Name", "Last Name", "Date of Birth", "Mobile", "Sex", "Postcode"])
    jane = preset_mapping(["first_name", "last_name", "DOB", "Phone", "Gender", "Zip", "Appointment Start"])
    assert cliniko["first_name"] == "First Name"
    assert cliniko["source_id"] == "ID"
    assert cliniko["phone"] == "Mobile"
    assert jane["first_name"] == "first_name"
    assert jane["date_of_birth"] == "DOB"
    assert jane["sex"] == "Gender"
    assert jane["postal_code"] == "Zip"
    assert jane["appointment_start"] == "Appointment Start"


def test_a_dry_run_of_500_rows_reports_490_to_create_and_10_problems_with_reasons(clinic_a, owner):
    result = _import(clinic_a, owner, cliniko_csv(), dry_run=True)

    assert result.counts[Outcome.CREATE] == 490
    problems = result.problems
    assert [row.number for row in problems] == [n + 2 for n in bad_row_numbers(500, 10)]
    for row, (_values, words) in zip(problems, BAD_VALUES, strict=True):
        assert words in row.reason, (row.number, row.reason)
    assert not Patient.objects.filter(clinic=clinic_a).exists()
    assert not ImportRun.objects.exists()


def test_a_file_with_bad_rows_imports_nothing_unless_the_good_rows_are_asked_for(clinic_a, owner):
    refused = _import(clinic_a, owner, cliniko_csv())
    assert not refused.applied
    assert "10 rows have problems, so nothing was imported" in refused.refusal
    assert not Patient.objects.filter(clinic=clinic_a).exists()

    done = _import(clinic_a, owner, cliniko_csv(), good_rows_only=True, file_name="patients.csv")
    assert done.applied
    assert Patient.objects.filter(clinic=clinic_a).count() == 490
    run = ImportRun.objects.get()
    assert (run.created_count, run.error_count, run.status) == (490, 10, ImportStatus.DONE)
    assert run.rows.filter(outcome=Outcome.ERROR).count() == 10
    assert not run.rows.filter(reason__contains="Imported").exists()  # no names kept in the record

    again = _import(clinic_a, owner, cliniko_csv(), good_rows_only=True)
    assert again.counts[Outcome.CREATE] == 0
    assert again.counts[Outcome.SKIP] == 490
    assert Patient.objects.filter(clinic=clinic_a).count() == 490


def test_a_changed_detail_updates_the_patient_imported_before(clinic_a, owner):
    _import(clinic_a, owner, cliniko_csv(total=3, bad=0))
    changed = cliniko_csv(total=3, bad=0).replace(b"imported1@example.org", b"new1@example.org")
    result = _import(clinic_a, owner, changed, dry_run=True)
    assert [row.outcome for row in result.rows] == [Outcome.SKIP, Outcome.UPDATE, Outcome.SKIP]
    assert "changed: email" in result.rows[1].reason
    _import(clinic_a, owner, changed)
    assert Patient.objects.get(first_name="Imported1").email == "new1@example.org"
    assert Patient.objects.filter(clinic=clinic_a).count() == 3


def test_a_patient_already_registered_by_hand_is_flagged_not_merged(clinic_a, owner):
    existing = PatientFactory(
        clinic=clinic_a, first_name="Imported1", last_name="Patient1", date_of_birth=datetime.date(1951, 2, 2)
    )
    result = _import(clinic_a, owner, cliniko_csv(total=3, bad=0))
    duplicate = result.rows[1]
    assert duplicate.outcome == Outcome.DUPLICATE
    assert existing.chart_number in duplicate.reason
    assert "nothing merged" in duplicate.reason
    assert Patient.objects.filter(clinic=clinic_a, first_name="Imported1").count() == 1
    assert ImportRow.objects.get(number=3).patient == existing


def test_the_same_patient_twice_in_one_file_is_flagged(clinic_a, owner):
    data = cliniko_csv(total=2, bad=0) + cliniko_csv(total=2, bad=0).split(b"\n", 1)[1].split(b"\n")[0] + b"\n"
    result = _import(clinic_a, owner, data)
    assert [row.outcome for row in result.rows] == [Outcome.CREATE, Outcome.CREATE, Outcome.DUPLICATE]
    assert "same patient as row 2" in result.rows[2].reason


def test_upcoming_appointments_are_booked_once_through_scheduling(clinic_a, owner, practitioner):
    kind = AppointmentTypeFactory(clinic=clinic_a, name="Follow-up")
    columns = {
        "Appointment Start": ["2026-03-10 10:00", "2026-02-01 10:00", "", "2026-03-11 10:00"],
        "Practitioner": [practitioner.email, practitioner.email, "", "Dr Nobody"],
        "Appointment Type": ["follow-up", "Follow-up", "", "Follow-up"],
    }
    data = cliniko_csv(total=4, bad=0, extra_columns=columns)
    result = _import(clinic_a, owner, data, good_rows_only=True)

    assert [row.outcome for row in result.rows] == [Outcome.CREATE, Outcome.CREATE, Outcome.CREATE, Outcome.ERROR]
    assert "Practitioner is not a practitioner of this clinic" in result.rows[3].reason
    assert "in the past" in result.rows[1].reason
    booked = Appointment.objects.get()
    assert (booked.practitioner, booked.appointment_type, booked.booked_by) == (practitioner, kind, owner)
    assert booked.starts_at == datetime.datetime(2026, 3, 10, 10, 0, tzinfo=clinic_a.tzinfo)

    second = _import(clinic_a, owner, data, good_rows_only=True)
    assert second.counts[Outcome.CREATE] == 0
    assert "already booked" in second.rows[0].reason
    assert Appointment.objects.count() == 1


def test_a_fhir_patient_bundle_imports_each_patient_once(clinic_a, owner):
    rows = fhir_rows(fhir_bundle(3))
    result = services.import_patients(clinic=clinic_a, by=owner, rows=rows, source=ImportSource.FHIR)
    assert result.counts[Outcome.CREATE] == 3
    patient = Patient.objects.get(last_name="Bundled1")
    assert (patient.first_name, patient.sex, patient.city) == ("Fhir1", "female", "Boulder")
    assert patient.date_of_birth == datetime.date(1961, 5, 2)
    again = services.import_patients(clinic=clinic_a, by=owner, rows=rows, source=ImportSource.FHIR)
    assert again.counts[Outcome.SKIP] == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"resourceType": "Patient", "id": "x"}', "not a FHIR Bundle"),
        (
            b'{"resourceType": "Bundle", "type": "collection", "entry": '
            b'[{"resource": {"resourceType": "Practitioner"}}]}',
            "only Patient resources",
        ),
        (
            b'{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": '
            b'{"resourceType": "Patient", "birthDate": "31/12/1980"}}]}',
            "not valid FHIR R4",
        ),
        (b"{not json", "not JSON"),
    ],
)
def test_a_bad_fhir_file_is_refused_whole(data, message):
    with pytest.raises(services.SourceError, match=message):
        fhir_rows(data)


def test_only_the_owner_may_import(clinic_a, practitioner, front_desk):
    for user in (practitioner, front_desk):
        with pytest.raises(NotAllowed):
            _import(clinic_a, user, cliniko_csv(total=2, bad=0), dry_run=True)


def test_the_browser_steps_keep_the_file_only_until_the_import(clinic_a, owner, django_capture_on_commit_callbacks):
    run = services.start_import(clinic=clinic_a, by=owner, data=cliniko_csv(total=10, bad=1), file_name="export.csv")
    storage = services.import_storage()
    assert run.stored_file.startswith(f"clinics/{clinic_a.public_id}/imports/")
    assert "export" not in run.stored_file
    assert storage.exists(run.stored_file)
    assert run.mapping["first_name"] == "First Name"

    with pytest.raises(ClinicRuleError, match="Choose the columns for: Last name, Date of birth"):
        services.set_import_mapping(run=run, by=owner, mapping={"first_name": "First Name"}, date_order="mdy")

    preview = services.dry_run_import(run=run, by=owner)
    assert (preview.counts[Outcome.CREATE], preview.counts[Outcome.ERROR]) == (9, 1)

    path = run.stored_file
    refused = services.apply_import(run=run, by=owner, good_rows_only=False)
    assert "1 row has problems" in refused.refusal
    assert storage.exists(path)  # refused: the file stays for another try
    with django_capture_on_commit_callbacks(execute=True):
        done = services.apply_import(run=run, by=owner, good_rows_only=True)
    assert done.counts[Outcome.CREATE] == 9
    with pytest.raises(ClinicRuleError, match="already been run"):
        services.apply_import(run=run, by=owner, good_rows_only=True)
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE
    assert run.stored_file == ""
    assert not storage.exists(path)


def test_a_discarded_upload_is_deleted(clinic_a, owner, django_capture_on_commit_callbacks):
    run = services.start_import(clinic=clinic_a, by=owner, data=fhir_bundle(1), file_name="bundle.json")
    assert run.source == ImportSource.FHIR
    path = run.stored_file
    with django_capture_on_commit_callbacks(execute=True):
        services.discard_import(run=run, by=owner)
    assert not services.import_storage().exists(path)
    with pytest.raises(ClinicRuleError):
        services.apply_import(run=run, by=owner, good_rows_only=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"First Name,Last Name\n", "no patients"), (b"\x00\x01\x02", "not text")],
)
def test_an_unreadable_upload_is_refused(clinic_a, owner, data, message):
    with pytest.raises(ClinicRuleError, match=message):
        services.start_import(clinic=clinic_a, by=owner, data=data, file_name="x.csv")
    assert not ImportRun.objects.exists()


# --- the command ------------------------------------------------------------------------------


def test_the_command_dry_run_and_good_rows_only(clinic_a, owner, tmp_path, capsys):
    export = tmp_path / "cliniko.csv"
    export.write_bytes(cliniko_csv())

    call_command("import_patients", str(export), "--clinic", clinic_a.name, "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run (nothing changed): 490 to create" in out
    assert "10 with problems" in out
    assert f"row {bad_row_numbers(500, 10)[0] + 2}: Problem. First name is empty." in out
    assert not Patient.objects.exists()

    with pytest.raises(CommandError, match="10 rows have problems, so nothing was imported"):
        call_command("import_patients", str(export), "--clinic", clinic_a.name)
    assert not Patient.objects.exists()

    call_command("import_patients", str(export), "--clinic", clinic_a.name, "--good-rows-only")
    assert "Imported: 490 created" in capsys.readouterr().out
    call_command("import_patients", str(export), "--clinic", clinic_a.name, "--good-rows-only")
    assert "Imported: 0 created, 0 updated, 490 unchanged" in capsys.readouterr().out
    assert Patient.objects.count() == 490


@pytest.mark.parametrize(
    ("name", "content", "clinic", "message"),
    [
        ("missing.csv", None, "Clinic A Myotherapy", "No file at"),
        ("p.csv", b"a,b\n1,2\n", "Nowhere Clinic", "No clinic is called"),
        ("p.csv", b"Name,Phone\nAnn,1\n", "Clinic A Myotherapy", "Choose the columns for: First name"),
        ("p.json", b'{"resourceType": "Bundle"', "Clinic A Myotherapy", "not JSON"),
        ("p.csv", b"", "Clinic A Myotherapy", "empty"),
    ],
)
def test_the_command_refuses_bad_input_and_changes_nothing(clinic_a, owner, tmp_path, name, content, clinic, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_patients", str(path), "--clinic", clinic)
    assert not Patient.objects.exists()
    assert not ImportRun.objects.exists()


def test_the_command_needs_an_owner(clinic_a, tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(cliniko_csv(total=2, bad=0))
    with pytest.raises(CommandError, match="has no active owner"):
        call_command("import_patients", str(path), "--clinic", clinic_a.name)


def test_a_jane_style_export_with_semicolons_and_day_first_dates(clinic_a, owner):
    data = (
        b"first_name;last_name;DOB;Gender;Phone;Zip\n"
        b"Maeve;Jane-Export;31/03/1984;F;+1 303 555 0142;80202\n"
        b"Liam;Jane-Export;03/31/1984;M;;80202\n"
    )
    result = _import(clinic_a, owner, data, date_order="dmy", good_rows_only=True)
    assert [row.outcome for row in result.rows] == [Outcome.CREATE, Outcome.ERROR]
    assert "31/03/1984" in result.rows[1].reason  # the expected form, not the cell's value
    assert "03/31/1984" not in result.rows[1].reason
    maeve = Patient.objects.get(first_name="Maeve")
    assert (maeve.date_of_birth, maeve.sex, maeve.postal_code) == (datetime.date(1984, 3, 31), "female", "80202")


def test_an_appointment_that_clashes_is_a_problem_on_its_row(clinic_a, owner, practitioner):
    AppointmentTypeFactory(clinic=clinic_a, name="Follow-up")
    columns = {
        "Appointment Start": ["2026-03-10 10:00", "2026-03-10 10:15"],
        "Practitioner": [practitioner.email, practitioner.email],
        "Appointment Type": ["Follow-up", "Follow-up"],
    }
    result = _import(clinic_a, owner, cliniko_csv(total=2, bad=0, extra_columns=columns), good_rows_only=True)
    assert [row.outcome for row in result.rows] == [Outcome.CREATE, Outcome.ERROR]
    assert Patient.objects.count() == 1  # the row's patient is not created without its appointment
    assert Appointment.objects.count() == 1
