"""Deterministic export files for the import tests: a Cliniko-style CSV with chosen bad rows, a FHIR bundle."""

import csv
import io
import json

CLINIKO_HEADERS = [
    "ID",
    "First Name",
    "Last Name",
    "Date of Birth",
    "Sex",
    "Email",
    "Mobile",
    "Address",
    "City",
    "State",
    "Postcode",
]

# Ten ways a row can be wrong, each with the words its reason must contain.
BAD_VALUES = [
    ({"First Name": ""}, "First name is empty"),
    ({"Last Name": ""}, "Last name is empty"),
    ({"Date of Birth": ""}, "Date of birth is empty"),
    ({"Date of Birth": "31/31/1980"}, "Date of birth is not a date"),
    ({"Date of Birth": "2999-01-01"}, "cannot be in the future"),
    ({"Date of Birth": "1850-01-01"}, "before 1900"),
    ({"Sex": "sometimes"}, "Sex is not one of"),
    ({"Email": "not-an-email"}, "Email"),
    ({"Mobile": "12"}, "Phone"),
    ({"First Name": "Ann\x07"}, "First name"),
]


def patient_record(n: int) -> dict[str, str]:
    return {
        "ID": f"CL-{n:05d}",
        "First Name": f"Imported{n}",
        "Last Name": f"Patient{n}",
        "Date of Birth": f"{1950 + n % 50}-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "Sex": ("Female", "Male", "", "F")[n % 4],
        "Email": f"imported{n}@example.org",
        "Mobile": f"+1303555{n % 10000:04d}",
        "Address": f"{n} Elm Street",
        "City": "Denver",
        "State": "CO",
        "Postcode": "80202",
    }


def bad_row_numbers(total: int, bad: int) -> list[int]:
    """Which records (0-based) are bad: spread through the file."""
    return [i * (total // bad) + 7 for i in range(bad)]


def cliniko_csv(total: int = 500, bad: int = 10, extra_columns: dict[str, list[str]] | None = None) -> bytes:
    bad_at = dict(zip(bad_row_numbers(total, bad), BAD_VALUES * (bad // len(BAD_VALUES) + 1), strict=False))
    headers = CLINIKO_HEADERS + list(extra_columns or {})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers, lineterminator="\n")
    writer.writeheader()
    for n in range(total):
        record = patient_record(n)
        if n in bad_at:
            record.update(bad_at[n][0])
        for column, values in (extra_columns or {}).items():
            record[column] = values[n]
        writer.writerow(record)
    return out.getvalue().encode()


def fhir_bundle(count: int = 3) -> bytes:
    entries = []
    for n in range(count):
        entries.append(
            {
                "fullUrl": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
                "resource": {
                    "resourceType": "Patient",
                    "id": f"fhir-{n}",
                    "name": [{"use": "official", "family": f"Bundled{n}", "given": [f"Fhir{n}"]}],
                    "gender": "female" if n % 2 else "male",
                    "birthDate": f"19{60 + n}-05-0{1 + n}",
                    "telecom": [
                        {"system": "email", "value": f"fhir{n}@example.org"},
                        {"system": "phone", "value": f"+1303555{7000 + n}"},
                    ],
                    "address": [{"line": [f"{n} Oak Road"], "city": "Boulder", "state": "CO", "postalCode": "80301"}],
                },
            }
        )
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}).encode()
