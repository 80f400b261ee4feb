"""Reading another system's export: a CSV with a column mapping, or a FHIR R4 Bundle of Patient resources.

Both become the same `SourceRow`s (Knotwork's field names, text values as the file had them), which the import
service checks and applies row by row. Nothing here touches the database.
"""

import csv
import dataclasses
import io
import json
import re

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError as PydanticError

MAX_BYTES = 10 * 1024 * 1024  # a 10 MB export is tens of thousands of patients
MAX_ROWS = 20_000


class SourceError(ValueError):
    """The file cannot be read at all (not a CSV, not a Bundle, too big): nothing is imported."""


# The fields an import fills, in the order the mapping screen shows them, with their labels.
FIELDS: dict[str, str] = {
    "source_id": "Patient ID in the other system",
    "first_name": "First name",
    "last_name": "Last name",
    "preferred_name": "Preferred name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "email": "Email",
    "phone": "Phone",
    "address_line1": "Address",
    "address_line2": "Address (line 2)",
    "city": "City",
    "region": "State / region",
    "postal_code": "Postcode / ZIP",
    "appointment_start": "Upcoming appointment: start",
    "practitioner": "Upcoming appointment: practitioner",
    "appointment_type": "Upcoming appointment: type",
}
REQUIRED = ("first_name", "last_name", "date_of_birth")

# Knotwork's guesses of the column headers of Cliniko's and Jane's patient exports (and of common spreadsheets),
# not taken from either vendor's documentation: the owner checks each on the mapping screen before anything runs.
# Headers are compared without case, spaces, underscores or hyphens.
PRESETS: dict[str, tuple[str, ...]] = {
    "source_id": ("ID", "Patient ID", "patient_id", "Client ID", "Patient Number"),
    "first_name": ("First Name", "first_name", "Given Name", "Forename"),
    "last_name": ("Last Name", "last_name", "Surname", "Family Name"),
    "preferred_name": ("Preferred First Name", "Preferred Name", "preferred_name", "Nickname"),
    "date_of_birth": ("Date of Birth", "DOB", "date_of_birth", "Birth Date", "Birthdate"),
    "sex": ("Sex", "Gender", "Sex at Birth"),
    "email": ("Email", "Email Address", "email"),
    "phone": ("Mobile", "Mobile Phone", "Phone", "Cell Phone", "Home Phone", "Phone Number"),
    "address_line1": ("Address", "Address 1", "Address Line 1", "Street", "address1"),
    "address_line2": ("Address 2", "Address Line 2", "address2"),
    "city": ("City", "Suburb", "Town", "City/Suburb"),
    "region": ("State", "Province", "Region", "State/Province"),
    "postal_code": ("Postcode", "Post Code", "Zip", "ZIP Code", "Postal Code", "postal_code"),
    "appointment_start": ("Appointment Start", "Next Appointment", "appointment_start", "Start Time"),
    "practitioner": ("Practitioner", "Practitioner Name", "Staff Member", "Provider"),
    "appointment_type": ("Appointment Type", "appointment_type", "Treatment", "Service"),
}


def _squash(header: str) -> str:
    return re.sub(r"[\s_\-]+", "", header).casefold()


@dataclasses.dataclass(frozen=True)
class SourceRow:
    """One patient of the file: its line (CSV, counting the header as line 1) or entry number, and its values."""

    number: int
    values: dict[str, str]


@dataclasses.dataclass(frozen=True)
class CsvFile:
    headers: list[str]
    records: list[list[str]]


def read_csv(data: bytes) -> CsvFile:
    """The header and records of a CSV export (UTF-8, with or without a byte order mark; comma, semicolon or tab)."""
    if len(data) > MAX_BYTES:
        raise SourceError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into smaller files.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise SourceError("The file is not text: export it as CSV (UTF-8) and try again.") from error
    if "\x00" in text:
        raise SourceError("The file is not text: export it as CSV (UTF-8) and try again.")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise SourceError(f"The file is not a CSV we can read ({error}).") from error
    lines = [line for line in lines if any(cell.strip() for cell in line)]
    if not lines:
        raise SourceError("The file is empty.")
    headers = [header.strip() for header in lines[0]]
    if len(headers) < 2 or not all(headers):
        raise SourceError("The first line must name every column (the export's header row).")
    if len(set(headers)) != len(headers):
        raise SourceError("Two columns have the same name in the header row; rename one and export again.")
    if len(lines) - 1 > MAX_ROWS:
        raise SourceError(f"The file has more than {MAX_ROWS} patients; split it into smaller files.")
    if len(lines) == 1:
        raise SourceError("The file has a header row but no patients.")
    return CsvFile(headers=headers, records=lines[1:])


def preset_mapping(headers: list[str]) -> dict[str, str]:
    """Knotwork field -> the file's column, for each field whose preset names a column of the file."""
    by_squashed = {_squash(header): header for header in headers}
    mapping = {}
    for field, names in PRESETS.items():
        for name in names:
            if _squash(name) in by_squashed:
                mapping[field] = by_squashed[_squash(name)]
                break
    return mapping


def check_mapping(headers: list[str], mapping: dict[str, str]) -> None:
    """Refuse a mapping without the required fields, or naming a column the file does not have."""
    unknown = sorted(field for field in mapping if field not in FIELDS)
    if unknown:
        raise SourceError(f"Unknown fields in the mapping: {', '.join(unknown)}.")
    missing = [FIELDS[field] for field in REQUIRED if not mapping.get(field)]
    if missing:
        raise SourceError(f"Choose the columns for: {', '.join(missing)}.")
    absent = sorted(column for column in mapping.values() if column and column not in headers)
    if absent:
        raise SourceError(f"The file has no column called {', '.join(absent)}.")
    appointment = [mapping.get(f) for f in ("appointment_start", "practitioner", "appointment_type")]
    if any(appointment) and not all(appointment):
        raise SourceError(
            "To bring upcoming appointments over, choose the columns for the start, the practitioner and the type "
            "(or none of them)."
        )


def csv_rows(csv_file: CsvFile, mapping: dict[str, str]) -> list[SourceRow]:
    check_mapping(csv_file.headers, mapping)
    index = {header: i for i, header in enumerate(csv_file.headers)}
    rows = []
    for number, record in enumerate(csv_file.records, start=2):
        values = {}
        for field, column in mapping.items():
            if column:
                i = index[column]
                values[field] = record[i].strip() if i < len(record) else ""
        rows.append(SourceRow(number=number, values=values))
    return rows


_FHIR_GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}


def fhir_rows(data: bytes) -> list[SourceRow]:
    """The patients of a FHIR R4 Bundle of Patient resources (other resource types are refused)."""
    if len(data) > MAX_BYTES:
        raise SourceError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into smaller files.")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SourceError("The file is not JSON: a FHIR Patient bundle is a JSON Bundle resource.") from error
    if not isinstance(document, dict) or document.get("resourceType") != "Bundle":
        raise SourceError("The file is not a FHIR Bundle (its resourceType must be Bundle).")
    try:
        bundle = Bundle.model_validate(document)
    except PydanticError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise SourceError(f"The bundle is not valid FHIR R4 ({where}: {first.get('msg', 'invalid')}).") from error
    entries = bundle.entry or []
    if not entries:
        raise SourceError("The bundle has no entries.")
    if len(entries) > MAX_ROWS:
        raise SourceError(f"The bundle has more than {MAX_ROWS} patients; split it into smaller bundles.")
    rows = []
    for number, entry in enumerate(entries, start=1):
        resource = entry.resource
        if resource is None or resource.get_resource_type() != "Patient":
            kind = resource.get_resource_type() if resource is not None else "nothing"
            raise SourceError(f"Entry {number} is {kind}; a patient bundle holds only Patient resources.")
        rows.append(SourceRow(number=number, values=_patient_values(resource)))
    return rows


def _patient_values(patient) -> dict[str, str]:
    values: dict[str, str] = {"source_id": patient.id or ""}
    names = patient.name or []
    name = next((n for n in names if n.use == "official"), names[0] if names else None)
    if name is not None:
        values["first_name"] = " ".join(name.given or [])
        values["last_name"] = name.family or ""
    nickname = next((n for n in names if n.use == "nickname" and n.given), None)
    if nickname is not None:
        values["preferred_name"] = nickname.given[0]
    values["date_of_birth"] = patient.birthDate.isoformat() if patient.birthDate else ""
    values["sex"] = _FHIR_GENDER.get(patient.gender or "", "")
    for point in patient.telecom or []:
        if point.system == "email" and "email" not in values:
            values["email"] = point.value or ""
        elif point.system == "phone" and "phone" not in values:
            values["phone"] = point.value or ""
    addresses = patient.address or []
    if addresses:
        address = addresses[0]
        lines = address.line or []
        values["address_line1"] = lines[0] if lines else ""
        values["address_line2"] = ", ".join(lines[1:])
        values["city"] = address.city or ""
        values["region"] = address.state or ""
        values["postal_code"] = address.postalCode or ""
    return values
