"""The de-identified research export: one row per course, as CSV and as FHIR R4 bundles, with a data dictionary.

What leaves: pseudonyms (keyed hashes, not reversible without the installation's secret), age bands, sex, area,
period, shifted dates, techniques, muscles and regions (atlas ids), pain scores, questionnaire scores, soreness and
adverse event counts. What never leaves: names, contact details, chart numbers, free text (notes, reasons,
patients' own words), exact dates, Knotwork's ids.

Every date of one person moves by the same secret offset (up to half a year either way), so intervals within a
person survive and calendars do not. The quasi-identifiers (age band, sex, area, period) are generalised until
every group of them holds at least k people (`deidentify.k_anonymise`); rows still in a smaller group are left
out and counted.
"""

import csv
import datetime
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from knotwork.evidence import deidentify, figures
from knotwork.outcomes.models import Occasion, QuestionnaireResponse
from knotwork.patients.models import Patient
from knotwork.plans.models import TreatmentPlan

FHIR_PER_BUNDLE = 200  # people per bundle file
PAIN_LOINC = "72514-3"  # LOINC: Pain severity - 0-10 verbal numeric rating [Score] - Reported
SEVERITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
EXTENSION = "urn:knotwork:evidence:"  # our own extensions: age band, area, period (the data dictionary says each)

COLUMNS = (
    ("person", "text", "Pseudonym of the person (keyed hash); the same person has the same pseudonym in one export"),
    ("course", "text", "Pseudonym of the course"),
    ("age_band", "text", "Age at the start of the course, banded (10 or 20 years, '90+'); '*' when generalised away"),
    ("sex", "text", "female, male, other, unknown; 'other or not stated' or '*' when generalised"),
    ("area", "text", "City or region of the person's address, or '*' when generalised away"),
    ("period", "text", "Year the course started (or two years, or '*' when generalised)"),
    ("course_start", "date", "Start of the course, shifted by the person's secret offset (not the real date)"),
    ("course_end", "date", "End of the course, shifted the same way; empty while it runs"),
    ("outcome", "text", "evaluable, or why the course has no responder result: no_baseline, no_follow_up, running"),
    ("technique", "text", "Techniques used over the course: pressure release, dry needling, TENS, combinations"),
    ("sessions", "integer", "Treatment sessions in the course"),
    ("muscles", "text", "Muscles treated (the atlas's names), separated by ';'"),
    ("regions", "text", "Body-map regions on the intake pain drawing (the atlas's names), separated by ';'"),
    ("baseline_pain", "integer", "First pain score of the course (0-10)"),
    ("latest_pain", "integer", "Last pain score of the course (0-10)"),
    ("responder", "boolean", "Met the clinic's responder rule (pain down by the clinic's points or percent)"),
    ("rule", "text", "The responder rule the clinic used: '<points> points or <percent> %'"),
    ("relief_day", "integer", "Days from the first pain score to the first that met the rule; empty if never"),
    ("followed_days", "integer", "Days from the first pain score to the last (the censoring time when no relief)"),
    ("instrument", "text", "odi or ndi (the questionnaire asked at intake and discharge), or empty"),
    ("intake_score", "decimal", "Questionnaire score at intake (percent)"),
    ("discharge_score", "decimal", "Questionnaire score at discharge (percent)"),
    ("soreness_first_mean", "decimal", "Mean soreness (0-10) at the first check-in after each session"),
    ("soreness_last_mean", "decimal", "Mean soreness (0-10) at the last check-in after each session"),
    ("twitch_responses", "integer", "Local twitch responses recorded over the course's needling"),
    ("adverse_events", "integer", "Adverse events recorded in the course (needling entries, check-ins)"),
    ("adverse_grades", "text", "Their grades: mild, moderate, severe, ungraded, separated by ';'"),
)


def export_secret() -> bytes:
    """The key for pseudonyms and date offsets: KNOTWORK_EXPORT_SECRET when set, else derived from SECRET_KEY."""
    secret = getattr(settings, "KNOTWORK_EXPORT_SECRET", "") or settings.SECRET_KEY
    return hashlib.sha256(f"knotwork-evidence-export:{secret}".encode()).digest()


@dataclass
class Written:
    rows: int = 0
    suppressed: int = 0
    level: str = ""
    people: int = 0
    files: list[str] = field(default_factory=list)
    rows_by_clinic: dict[int, int] = field(default_factory=dict)


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _mean(values: list[int]) -> str:
    return f"{sum(values) / len(values):.2f}" if values else ""


def _collect(clinic, secret: bytes) -> list[dict]:
    """One raw row per course of the clinic (quasi-identifiers still exact: generalised in `write_export`)."""
    today = timezone.localdate(timezone=clinic.tzinfo)
    courses = list(figures.course_facts(clinic, today=today))
    by_plan: dict[int, list[figures.SessionFact]] = defaultdict(list)
    for fact in figures.session_facts(clinic):
        if fact.plan_id is not None:
            by_plan[fact.plan_id].append(fact)
    people = {
        p.pk: p
        for p in Patient.objects.filter(clinic=clinic).only(
            "pk", "public_id", "date_of_birth", "sex", "city", "region", "clinic_id"
        )
    }
    plan_public = dict(TreatmentPlan.objects.filter(clinic=clinic).values_list("pk", "public_id"))
    scores: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)
    responses = QuestionnaireResponse.objects.filter(
        clinic=clinic, plan__isnull=False, occasion__in=[Occasion.INTAKE, Occasion.DISCHARGE]
    ).order_by("taken_at")
    for plan_id, instrument, occasion, percent in responses.values_list("plan_id", "instrument", "occasion", "percent"):
        scores[plan_id].setdefault(occasion, (instrument, "" if percent is None else str(percent)))
    rule = f"{clinic.settings.responder_points} points or {clinic.settings.responder_percent} %"
    rows = []
    for fact in courses:
        person = people[fact.patient_id]
        key = str(person.public_id)
        offset = datetime.timedelta(days=deidentify.date_offset(secret, key))
        sessions = by_plan.get(fact.plan_id, [])
        events = [event for s in sessions for event in s.events]
        intake = scores[fact.plan_id].get(Occasion.INTAKE, ("", ""))
        discharge = scores[fact.plan_id].get(Occasion.DISCHARGE, ("", ""))
        rows.append(
            {
                "_quasi": deidentify.RawQuasi(
                    person=deidentify.pseudonym(secret, key),
                    age=_age(person.date_of_birth, fact.start),
                    sex=person.sex,
                    city=person.city.strip().title(),
                    region=person.region.strip().upper(),
                    year=fact.start.year,
                ),
                "_clinic": clinic.pk,
                "person": deidentify.pseudonym(secret, key),
                "course": deidentify.pseudonym(secret, f"course:{plan_public[fact.plan_id]}"),
                "course_start": (fact.start + offset).isoformat(),
                "course_end": (fact.end + offset).isoformat() if fact.end else "",
                "outcome": fact.outcome,
                "technique": fact.technique,
                "sessions": fact.sessions,
                "muscles": ";".join(sorted(fact.muscles)),
                "regions": ";".join(sorted(fact.regions)),
                "baseline_pain": "" if fact.baseline is None else fact.baseline,
                "latest_pain": "" if fact.latest is None else fact.latest,
                "responder": "" if fact.outcome != "evaluable" else str(fact.responder).lower(),
                "rule": rule,
                "relief_day": "" if fact.relief_day is None else fact.relief_day,
                "followed_days": fact.followed_days if fact.outcome == "evaluable" else "",
                "instrument": intake[0] or discharge[0],
                "intake_score": intake[1],
                "discharge_score": discharge[1],
                "soreness_first_mean": _mean([s.soreness_first for s in sessions if s.soreness_first is not None]),
                "soreness_last_mean": _mean([s.soreness_last for s in sessions if s.soreness_last is not None]),
                "twitch_responses": sum(s.twitches or 0 for s in sessions),
                "adverse_events": len(events),
                "adverse_grades": ";".join(sorted(grade for _kind, _event, grade in events)),
                "_events": events,
            }
        )
    return rows


def _fhir_person(rows: list[dict]) -> list[dict]:
    """The FHIR R4 resources of one person: Patient, and per course an EpisodeOfCare, a Procedure, Observations of
    pain and response, and AdverseEvents. Dates only (shifted), no names, no text but our own labels."""
    first = rows[0]
    person = first["person"]
    patient: dict = {"resourceType": "Patient", "id": person}
    if first["sex"] in ("female", "male", "other", "unknown"):
        patient["gender"] = first["sex"]
    patient["extension"] = [
        {"url": f"{EXTENSION}age-band", "valueString": first["age_band"]},
        {"url": f"{EXTENSION}area", "valueString": first["area"]},
    ]
    resources = [patient]
    subject = {"reference": f"Patient/{person}"}
    for row in rows:
        course = row["course"]
        episode: dict = {
            "resourceType": "EpisodeOfCare",
            "id": course,
            "status": "active" if row["outcome"] == "running" else "finished",
            "patient": subject,
            "period": {"start": row["course_start"]},
            "extension": [{"url": f"{EXTENSION}period", "valueString": row["period"]}],
        }
        if row["course_end"]:
            episode["period"]["end"] = row["course_end"]
        resources.append(episode)
        context = {"reference": f"EpisodeOfCare/{course}"}
        procedure: dict = {
            "resourceType": "Procedure",
            "id": f"{course}-treatment",
            "status": "completed" if row["outcome"] != "running" else "in-progress",
            "code": {"text": row["technique"]},
            "subject": subject,
            "performedPeriod": dict(episode["period"]),
            "extension": [{"url": f"{EXTENSION}sessions", "valueInteger": int(row["sessions"])}],
        }
        if row["muscles"]:
            procedure["bodySite"] = [{"text": m} for m in row["muscles"].split(";")]
        resources.append(procedure)
        for which, value in (("baseline", row["baseline_pain"]), ("latest", row["latest_pain"])):
            if value == "":
                continue
            resources.append(
                {
                    "resourceType": "Observation",
                    "id": f"{course}-pain-{which}",
                    "status": "final",
                    "code": {
                        "coding": [{"system": "http://loinc.org", "code": PAIN_LOINC}],
                        "text": f"Pain 0-10, {which} of the course",
                    },
                    "subject": subject,
                    "focus": [context],
                    "valueInteger": int(value),
                }
            )
        if row["responder"]:
            resources.append(
                {
                    "resourceType": "Observation",
                    "id": f"{course}-responder",
                    "status": "final",
                    "code": {"text": f"Responder by the clinic's rule ({row['rule']})"},
                    "subject": subject,
                    "focus": [context],
                    "valueBoolean": row["responder"] == "true",
                }
            )
        for number, (_kind, event, grade) in enumerate(row["_events"], start=1):
            adverse: dict = {
                "resourceType": "AdverseEvent",
                "id": f"{course}-ae-{number}",
                "actuality": "actual",
                "event": {"text": event.replace("_", " ")},
                "subject": subject,
            }
            if grade in ("mild", "moderate", "severe"):
                adverse["severity"] = {"coding": [{"system": SEVERITY_SYSTEM, "code": grade}]}
            resources.append(adverse)
    return resources


def _bundle(resources: list[dict], number: int) -> dict:
    return {
        "resourceType": "Bundle",
        "id": f"knotwork-evidence-{number:04d}",
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{_urn(r)}", "resource": r} for r in resources],
    }


def _urn(resource: dict) -> str:
    """A stable UUID for a resource's fullUrl, from its type and id (both already pseudonymous)."""
    digest = hashlib.sha256(f"{resource['resourceType']}/{resource['id']}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"


def write_export(clinics, *, out: Path, k: int) -> Written:
    """Collect, k-anonymise and write: evidence.csv, fhir/bundle-NNNN.json, data-dictionary.csv, export.json."""
    secret = export_secret()
    rows = [row for clinic in clinics for row in _collect(clinic, secret)]
    anonymised = deidentify.k_anonymise([row["_quasi"] for row in rows], k=k)
    kept = []
    for row, key in zip(rows, anonymised.keys, strict=True):
        if key is None:
            continue
        row["age_band"], row["sex"], row["area"], row["period"] = key
        kept.append(row)
    out.mkdir(parents=True, exist_ok=True)
    written = Written(rows=len(kept), suppressed=anonymised.suppressed, level=anonymised.level.name)
    names = [name for name, _type, _meaning in COLUMNS]
    with (out / "evidence.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for row in kept:
            writer.writerow([cell(row[name]) for name in names])
            written.rows_by_clinic[row["_clinic"]] = written.rows_by_clinic.get(row["_clinic"], 0) + 1
    with (out / "data-dictionary.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["column", "type", "meaning"])
        writer.writerows(COLUMNS)
    written.files += ["evidence.csv", "data-dictionary.csv"]
    by_person: dict[str, list[dict]] = defaultdict(list)
    for row in kept:
        by_person[row["person"]].append(row)
    written.people = len(by_person)
    fhir = out / "fhir"
    fhir.mkdir(exist_ok=True)
    people = sorted(by_person)
    for number, start in enumerate(range(0, len(people), FHIR_PER_BUNDLE), start=1):
        resources = [r for person in people[start : start + FHIR_PER_BUNDLE] for r in _fhir_person(by_person[person])]
        name = f"fhir/bundle-{number:04d}.json"
        (out / name).write_text(json.dumps(_bundle(resources, number), indent=1), encoding="utf-8")
        written.files.append(name)
    meta = {
        "k": k,
        "quasi_identifiers": list(deidentify.QUASI_IDENTIFIERS),
        "generalisation": anonymised.level.name,
        "rows": written.rows,
        "rows_suppressed": written.suppressed,
        "people": written.people,
        "dates": f"shifted per person by a secret offset of up to {deidentify.MAX_SHIFT_DAYS} days",
        "fhir": "R4 Bundles of type collection",
    }
    (out / "export.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    written.files.append("export.json")
    return written


def cell(value) -> str:
    """A CSV cell; one a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
