"""Bringing a clinic's patients over: check every row, then create or update through the patients and scheduling
services, so an imported patient is registered exactly as one typed in by the owner.

A dry run does the whole import inside a transaction and rolls it back, so what it reports is what the real run
does. A real run with rows that have problems changes nothing unless the owner asked for the good rows only.
"""

import dataclasses
import datetime
import hashlib
import logging
import uuid
from collections import Counter
from typing import cast

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone
from phonenumber_field.phonenumber import to_python

from knotwork.accounts.models import User
from knotwork.clinics.models import Clinic
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require
from knotwork.imports.models import ImportRow, ImportRun, ImportSource, ImportStatus, Outcome
from knotwork.imports.sources import (
    FIELDS,
    MAX_BYTES,
    SourceError,
    SourceRow,
    csv_rows,
    fhir_rows,
    preset_mapping,
    read_csv,
)
from knotwork.patients.models import Patient, Sex
from knotwork.patients.selectors import find_possible_duplicates
from knotwork.patients.services import register_patient, update_patient
from knotwork.scheduling import selectors as scheduling
from knotwork.scheduling.models import Appointment
from knotwork.scheduling.services import book_appointment

logger = logging.getLogger(__name__)

PATIENT_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
)
DATE_ORDERS = {
    "mdy": "month first (03/31/1984)",
    "dmy": "day first (31/03/1984)",
}
_DATE_FORMATS = {
    "mdy": ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y"),
    "dmy": ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"),
}
_TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M%p", "%I:%M:%S %p")
_SEX = {
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
    "woman": Sex.FEMALE,
    "male": Sex.MALE,
    "m": Sex.MALE,
    "man": Sex.MALE,
    "other": Sex.OTHER,
    "non-binary": Sex.OTHER,
    "nonbinary": Sex.OTHER,
    "x": Sex.OTHER,
    "": Sex.UNKNOWN,
    "unknown": Sex.UNKNOWN,
    "u": Sex.UNKNOWN,
    "not stated": Sex.UNKNOWN,
    "prefer not to say": Sex.UNKNOWN,
}
IMPORTED = (Outcome.CREATE, Outcome.UPDATE, Outcome.SKIP)


@dataclasses.dataclass
class RowResult:
    """What a row does (or would do). `name` is for the dry-run page only and is never stored."""

    number: int
    outcome: str
    reason: str = ""
    name: str = ""
    key: str = ""
    patient: Patient | None = None
    appointment: Appointment | None = None

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label


@dataclasses.dataclass
class ImportResult:
    rows: list[RowResult]
    applied: bool
    dry_run: bool
    refusal: str = ""
    run: ImportRun | None = None

    @property
    def counts(self) -> Counter:
        return Counter(row.outcome for row in self.rows)

    @property
    def problems(self) -> list[RowResult]:
        return [row for row in self.rows if row.outcome == Outcome.ERROR]

    @property
    def appointments(self) -> int:
        return sum(1 for row in self.rows if row.appointment is not None)

    def summary(self) -> str:
        counts = self.counts
        verb = "would" if self.dry_run or not self.applied else "did"
        parts = [
            f"{counts[Outcome.CREATE]} to create" if verb == "would" else f"{counts[Outcome.CREATE]} created",
            f"{counts[Outcome.UPDATE]} to update" if verb == "would" else f"{counts[Outcome.UPDATE]} updated",
            f"{counts[Outcome.SKIP]} unchanged",
            f"{counts[Outcome.DUPLICATE]} possible duplicates (not created)",
            f"{counts[Outcome.ERROR]} with problems",
            f"{self.appointments} upcoming appointments" + (" to book" if verb == "would" else " booked"),
        ]
        return ", ".join(parts)


# --- reading one row ------------------------------------------------------------------------


def _date(text: str, order: str) -> datetime.date | None:
    for fmt in _DATE_FORMATS[order]:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def _start(text: str, order: str, clinic: Clinic) -> datetime.datetime | None:
    """An appointment start in the clinic's time zone ("2026-12-01 09:30", "12/01/2026 9:30 AM", ISO with offset)."""
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        parsed = None
        date_part, _, time_part = text.replace("T", " ").partition(" ")
        day = _date(date_part, order)
        for fmt in _TIME_FORMATS:
            try:
                moment = datetime.datetime.strptime(time_part.strip().upper(), fmt).time()  # noqa: DTZ007 - made aware below
            except ValueError:
                continue
            if day is not None:
                parsed = datetime.datetime.combine(day, moment)
            break
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        return parsed.replace(tzinfo=clinic.tzinfo)
    return parsed


def _import_key(clinic: Clinic, values: dict[str, str], dob: datetime.date) -> str:
    """The other system's patient id when the file has one, else name and date of birth; hashed, so the run
    record keeps no names."""
    source_id = values.get("source_id", "").strip()
    if source_id:
        key = f"id:{source_id}"
    else:
        key = f"name:{values['first_name'].strip().casefold()}|{values['last_name'].strip().casefold()}|{dob}"
    return hashlib.sha256(f"{clinic.pk}:{key}".encode()).hexdigest()


def _read_details(values: dict[str, str], date_order: str) -> tuple[dict, list[str]]:
    details: dict = {}
    problems = []
    for field in PATIENT_FIELDS:
        value = values.get(field, "").strip()
        if field == "date_of_birth":
            if not value:
                problems.append("Date of birth is empty.")
            else:
                parsed = _date(value, date_order)
                if parsed is None:
                    problems.append(
                        "Date of birth is not a date we can read (expected 1984-03-31 or "
                        + ("03/31/1984)." if date_order == "mdy" else "31/03/1984).")
                    )
                details[field] = parsed
        elif field == "sex":
            sex = _SEX.get(value.casefold())
            if sex is None:
                problems.append("Sex is not one of female, male, other or unknown.")
            details[field] = sex or Sex.UNKNOWN
        elif field in ("first_name", "last_name") and not value:
            problems.append(f"{FIELDS[field]} is empty.")
        elif value:
            details[field] = value
    return details, problems


def _messages(error: ValidationError | ClinicRuleError) -> str:
    if isinstance(error, ClinicRuleError):
        return str(error)
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{FIELDS.get(field, field.replace('_', ' ').capitalize())}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


class _Context:
    """What every row of one import needs: the clinic's practitioners and appointment types, the keys seen."""

    def __init__(self, clinic: Clinic, by: Actor, date_order: str):
        self.clinic = clinic
        self.by = by
        self.date_order = date_order
        self.now = timezone.now()
        self.seen: dict[str, int] = {}
        self.practitioners: dict[str, object] = {}
        for membership in scheduling.list_practitioners(by):
            user = membership.user
            for name in (user.get_full_name(), user.email):
                if name:
                    self.practitioners.setdefault(name.strip().casefold(), user)
        self.types = {t.name.strip().casefold(): t for t in scheduling.list_appointment_types(by, active_only=True)}

    def previous_patient(self, key: str) -> Patient | None:
        row = (
            ImportRow.objects.filter(
                clinic=self.clinic,
                import_key=key,
                outcome__in=IMPORTED,
                run__status=ImportStatus.DONE,
                patient__isnull=False,
            )
            .select_related("patient")
            .order_by("-pk")
            .first()
        )
        return row.patient if row else None


def _appointment_plan(values: dict[str, str], ctx: _Context) -> tuple[dict | None, str, list[str]]:
    """(booking arguments, a note, problems) for the row's upcoming appointment, if it has one."""
    start_text = values.get("appointment_start", "").strip()
    if not start_text:
        return None, "", []
    starts_at = _start(start_text, ctx.date_order, ctx.clinic)
    if starts_at is None:
        return None, "", ["Appointment start is not a date and time we can read (expected 2026-12-01 09:30)."]
    if starts_at < ctx.now:
        return None, "The appointment is in the past: history is not brought over.", []
    problems = []
    practitioner = ctx.practitioners.get(values.get("practitioner", "").strip().casefold())
    if practitioner is None:
        problems.append("Practitioner is not a practitioner of this clinic (match their full name or email).")
    appointment_type = ctx.types.get(values.get("appointment_type", "").strip().casefold())
    if appointment_type is None:
        problems.append("Appointment type is not one this clinic offers (add it under Settings first).")
    if problems:
        return None, "", problems
    return {"practitioner": practitioner, "appointment_type": appointment_type, "starts_at": starts_at}, "", []


def _changed(patient: Patient, details: dict) -> dict:
    """The details of the row that differ from the patient's; empty cells never erase what the clinic has."""
    changes = {}
    for field, value in details.items():
        if field == "sex" and value == Sex.UNKNOWN:
            continue
        if value in ("", None):
            continue
        current = getattr(patient, field)
        if field == "phone":
            if current != to_python(value):  # the same number however it is written
                changes[field] = value
        elif str(current or "") != str(value):
            changes[field] = value
    return changes


def _apply_row(row: SourceRow, ctx: _Context) -> RowResult:
    values = row.values
    details, problems = _read_details(values, ctx.date_order)
    name = " ".join(part for part in (values.get("first_name", ""), values.get("last_name", "")) if part).strip()
    booking, note, appointment_problems = _appointment_plan(values, ctx)
    problems += appointment_problems
    if problems:
        return RowResult(row.number, Outcome.ERROR, " ".join(problems), name=name)
    key = _import_key(ctx.clinic, values, details["date_of_birth"])
    if key in ctx.seen:
        return RowResult(
            row.number,
            Outcome.DUPLICATE,
            f"The same patient as row {ctx.seen[key]} of this file: not imported twice.",
            name=name,
            key=key,
        )
    ctx.seen[key] = row.number
    try:
        with transaction.atomic():
            result = _patient_for_row(row, details, key, name, ctx)
            if result.outcome == Outcome.DUPLICATE:
                return result
            if booking is not None:
                _book(result, booking, ctx)
            elif note:
                result.reason = f"{result.reason} {note}".strip()
            return result
    except (ValidationError, ClinicRuleError) as error:
        return RowResult(row.number, Outcome.ERROR, _messages(error), name=name, key=key)


def _patient_for_row(row: SourceRow, details: dict, key: str, name: str, ctx: _Context) -> RowResult:
    patient = ctx.previous_patient(key)
    if patient is not None:
        changes = _changed(patient, details)
        if not changes:
            return RowResult(row.number, Outcome.SKIP, "Imported before; nothing changed.", name, key, patient)
        patient = update_patient(patient=patient, by=ctx.by, **changes)
        labels = ", ".join(FIELDS[field].lower() for field in changes)
        return RowResult(row.number, Outcome.UPDATE, f"Imported before; changed: {labels}.", name, key, patient)
    twins = list(
        find_possible_duplicates(
            ctx.by,
            first_name=details["first_name"],
            last_name=details["last_name"],
            date_of_birth=details["date_of_birth"],
        )[:3]
    )
    if twins:
        charts = ", ".join(twin.chart_number for twin in twins)
        return RowResult(
            row.number,
            Outcome.DUPLICATE,
            f"Chart {charts} has the same name and date of birth: not created, and nothing merged. If they are "
            "different people, register this one by hand.",
            name,
            key,
            twins[0],
        )
    patient = register_patient(clinic=ctx.clinic, by=ctx.by, **details)
    return RowResult(row.number, Outcome.CREATE, "New patient.", name, key, patient)


def _book(result: RowResult, booking: dict, ctx: _Context) -> None:
    patient = result.patient
    already = scheduling.list_upcoming_for_patient(patient, now=ctx.now).filter(starts_at=booking["starts_at"])
    if already.exists():
        result.reason = f"{result.reason} The upcoming appointment is already booked.".strip()
        return
    result.appointment = book_appointment(patient=patient, by=ctx.by, allow_outside_hours=True, **booking)
    result.reason = f"{result.reason} Books the upcoming appointment.".strip()
    if result.outcome == Outcome.SKIP:
        result.outcome = Outcome.UPDATE


# --- the import -----------------------------------------------------------------------------


def import_patients(
    *,
    clinic: Clinic,
    by: Actor,
    rows: list[SourceRow],
    source: str,
    date_order: str = "mdy",
    dry_run: bool = False,
    good_rows_only: bool = False,
    run: ImportRun | None = None,
    file_name: str = "",
) -> ImportResult:
    """Import `rows` as `by` (the owner): every row checked, created or updated through the patients and
    scheduling services, and the outcome of each recorded. A dry run, or a real run with problem rows when
    `good_rows_only` is not set, rolls everything back."""
    require(by, "import_patients", clinic)
    if date_order not in DATE_ORDERS:
        raise ClinicRuleError(f"The date order must be one of {', '.join(DATE_ORDERS)}.")
    if run is not None and (run.clinic_id != clinic.pk or run.status != ImportStatus.UPLOADED):
        raise ClinicRuleError("This import has already been run or discarded; upload the file again.")
    with transaction.atomic():
        ctx = _Context(clinic, by, date_order)
        results = [_apply_row(row, ctx) for row in rows]
        result = ImportResult(rows=results, applied=False, dry_run=dry_run)
        problems = len(result.problems)
        if problems and not good_rows_only and not dry_run:
            result.refusal = (
                f"{problems} row{'s have' if problems != 1 else ' has'} problems, so nothing was imported. Fix "
                "them in the file, or import the good rows only and bring the others over by hand."
            )
        if dry_run or result.refusal:
            transaction.set_rollback(True)
            return result
        result.run = _record(clinic, by, result, run, source=source, file_name=file_name, good_rows_only=good_rows_only)
        result.applied = True
    logger.info("Import %s: %s", result.run.public_id, dict(result.counts))
    return result


def _record(clinic, by, result: ImportResult, run, *, source, file_name, good_rows_only) -> ImportRun:
    if run is None:
        # Only the owner may import (the policy above), so `by` is a staff user.
        run = ImportRun(clinic=clinic, source=source, file_name=file_name[:200], started_by=cast(User, by))
    counts = result.counts
    run.status = ImportStatus.DONE
    run.good_rows_only = good_rows_only
    run.finished_at = timezone.now()
    run.created_count = counts[Outcome.CREATE]
    run.updated_count = counts[Outcome.UPDATE]
    run.skipped_count = counts[Outcome.SKIP]
    run.duplicate_count = counts[Outcome.DUPLICATE]
    run.error_count = counts[Outcome.ERROR]
    run.appointment_count = result.appointments
    run.full_clean()
    run.save()
    ImportRow.objects.bulk_create(
        ImportRow(
            clinic=clinic,
            run=run,
            number=row.number,
            import_key=row.key,
            outcome=row.outcome,
            reason=row.reason[:500],
            patient=row.patient,
            appointment=row.appointment,
        )
        for row in result.rows
    )
    return run


# --- the browser's steps: upload, map, review, import or discard ----------------------------------


def import_storage() -> Storage:
    return storages["default"]


def read_upload(data: bytes, file_name: str) -> tuple[str, list[str]]:
    """(source, the CSV's headers) of an uploaded file, or SourceError when it cannot be read at all."""
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if file_name.lower().endswith(".json") or stripped.startswith(b"{"):
        fhir_rows(data)
        return ImportSource.FHIR, []
    return ImportSource.CSV, read_csv(data).headers


@transaction.atomic
def start_import(*, clinic: Clinic, by: Actor, data: bytes, file_name: str) -> ImportRun:
    """Keep an uploaded export privately until it is imported or discarded, with the column mapping preset."""
    require(by, "import_patients", clinic)
    if len(data) > MAX_BYTES:
        raise ClinicRuleError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into smaller files.")
    try:
        source, headers = read_upload(data, file_name)
    except SourceError as error:
        raise ClinicRuleError(str(error)) from error
    run = ImportRun(
        clinic=clinic,
        source=source,
        file_name=file_name.rsplit("/", 1)[-1][:200],
        started_by=cast(User, by),  # only the owner may import
        mapping=preset_mapping(headers) if source == ImportSource.CSV else {},
    )
    # A random name under the clinic's private folder: it names neither the patients nor the file.
    path = f"clinics/{clinic.public_id}/imports/{uuid.uuid4().hex}.upload"
    run.stored_file = import_storage().save(path, ContentFile(data))
    try:
        run.full_clean()
        run.save()
    except Exception:
        import_storage().delete(run.stored_file)
        raise
    return run


def _stored_bytes(run: ImportRun) -> bytes:
    if not run.stored_file:
        raise ClinicRuleError("The uploaded file is no longer kept; upload it again.")
    try:
        with import_storage().open(run.stored_file, "rb") as handle:
            return handle.read()
    except FileNotFoundError as error:
        raise ClinicRuleError("The uploaded file is no longer kept; upload it again.") from error


def headers_of(run: ImportRun) -> list[str]:
    """The CSV's column names (for the mapping screen)."""
    if run.source != ImportSource.CSV:
        return []
    try:
        return read_csv(_stored_bytes(run)).headers
    except SourceError as error:
        raise ClinicRuleError(str(error)) from error


def rows_of(run: ImportRun) -> list[SourceRow]:
    """The stored file's rows, read with the run's mapping."""
    data = _stored_bytes(run)
    try:
        if run.source == ImportSource.FHIR:
            return fhir_rows(data)
        return csv_rows(read_csv(data), run.mapping)
    except SourceError as error:
        raise ClinicRuleError(str(error)) from error


@transaction.atomic
def set_import_mapping(*, run: ImportRun, by: Actor, mapping: dict[str, str], date_order: str) -> ImportRun:
    """Save which column of the file fills which field, and how its dates are written."""
    require(by, "import_patients", run)
    if run.status != ImportStatus.UPLOADED:
        raise ClinicRuleError("This import has already been run or discarded; upload the file again.")
    if date_order not in DATE_ORDERS:
        raise ClinicRuleError(f"The date order must be one of {', '.join(DATE_ORDERS)}.")
    mapping = {field: column for field, column in mapping.items() if column}
    if run.source == ImportSource.CSV:
        try:
            csv_rows(read_csv(_stored_bytes(run)), mapping)
        except SourceError as error:
            raise ClinicRuleError(str(error)) from error
    run.mapping = mapping
    run.date_order = date_order
    run.save(update_fields=["mapping", "date_order", "updated_at"])
    return run


def _forget_file(run: ImportRun) -> None:
    path = run.stored_file
    run.stored_file = ""
    if path:
        transaction.on_commit(lambda: import_storage().delete(path))


def dry_run_import(*, run: ImportRun, by: Actor) -> ImportResult:
    """What importing the run's file would do, row by row; changes nothing."""
    require(by, "import_patients", run)
    return import_patients(
        clinic=run.clinic, by=by, rows=rows_of(run), source=run.source, date_order=run.date_order, dry_run=True
    )


def apply_import(*, run: ImportRun, by: Actor, good_rows_only: bool) -> ImportResult:
    """Import the run's file for real; once imported, the file is deleted."""
    require(by, "import_patients", run)
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ImportStatus.UPLOADED:
            raise ClinicRuleError("This import has already been run or discarded; upload the file again.")
        result = import_patients(
            clinic=run.clinic,
            by=by,
            rows=rows_of(run),
            source=run.source,
            date_order=run.date_order,
            good_rows_only=good_rows_only,
            run=run,
        )
        if result.applied:
            _forget_file(run)
            run.save(update_fields=["stored_file", "updated_at"])
    return result


@transaction.atomic
def discard_import(*, run: ImportRun, by: Actor) -> ImportRun:
    """Stop before importing: the uploaded file is deleted and nothing is imported."""
    require(by, "import_patients", run)
    if run.status != ImportStatus.UPLOADED:
        raise ClinicRuleError("This import has already been run or discarded.")
    _forget_file(run)
    run.status = ImportStatus.DISCARDED
    run.finished_at = timezone.now()
    run.save(update_fields=["stored_file", "status", "finished_at", "updated_at"])
    return run
