"""The one way to save a questionnaire response and to load a clinic's licensed questionnaire wording."""

import datetime
import json
from decimal import Decimal

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.policy import acting_staff
from knotwork.core.policy import Actor, PatientLinkActor, require
from knotwork.outcomes import scoring
from knotwork.outcomes.models import (
    INSTRUMENT_VERSIONS,
    LICENSED,
    Instrument,
    Occasion,
    QuestionnaireResponse,
    QuestionnaireText,
)

PSFS_MAX_ACTIVITIES = 5
ACTIVITY_MAX_LENGTH = 120

# The licensed-wording file: small, and every piece of text short enough to read on a phone.
TEXT_FILE_MAX_BYTES = 64 * 1024
SECTION_NAME_MAX = 80
STATEMENT_MAX = 300
VERSION_MAX = 40
STATEMENTS_PER_SECTION = 6
SECTIONS_PER_INSTRUMENT = 10


def _decimal(value, places: int) -> Decimal:
    return scoring.round_half_up(value, places)


def _check_activities(activities: list[str], answers: list[int | None]) -> list[str]:
    cleaned = [str(a).strip() for a in activities]
    if not 1 <= len(cleaned) <= PSFS_MAX_ACTIVITIES:
        raise ValidationError(f"Name 1 to {PSFS_MAX_ACTIVITIES} activities and rate each from 0 to 10.")
    if len(cleaned) != len(answers):
        raise ValidationError(f"{len(cleaned)} activities were named but {len(answers)} ratings were given.")
    for number, name in enumerate(cleaned, 1):
        if not name:
            raise ValidationError(f"Activity {number} has a rating but no name.")
        if len(name) > ACTIVITY_MAX_LENGTH:
            raise ValidationError(f"Activity {number}: keep the name under {ACTIVITY_MAX_LENGTH} characters.")
    if len({n.casefold() for n in cleaned}) != len(cleaned):
        raise ValidationError("Each activity may be named only once.")
    return cleaned


@transaction.atomic
def record_questionnaire(
    *,
    patient,
    instrument: str,
    occasion: str,
    answers: list[int | None],
    activities: list[str] | None = None,
    by: Actor,
    session=None,
    plan=None,
    wording: QuestionnaireText | None = None,
    taken_at: datetime.datetime | None = None,
) -> QuestionnaireResponse:
    """Score the answers exactly and keep them; refuse answers that cannot be scored (nothing is saved).

    `by` is the staff user who recorded it, or the patient answering through their private link.
    """
    require(by, "record_questionnaire", patient)
    if instrument not in Instrument.values:
        raise ValidationError(f"Unknown questionnaire {instrument!r}; choose one of {', '.join(Instrument.values)}.")
    if occasion not in Occasion.values:
        raise ValidationError(f"Unknown occasion {occasion!r}; choose one of {', '.join(Occasion.values)}.")
    for linked, what in ((session, "session"), (plan, "course")):
        if linked is not None and linked.patient_id != patient.pk:
            raise ValidationError(f"That {what} belongs to another patient.")
    if wording is not None and (wording.clinic_id != patient.clinic_id or wording.instrument != instrument):
        raise ValidationError("That questionnaire wording is not this clinic's wording of this questionnaire.")
    if taken_at is not None and taken_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError("A questionnaire cannot be taken in the future; check the date and time.")
    answers = list(answers)
    for number, answer in enumerate(answers, 1):
        if answer is not None and (isinstance(answer, bool) or not isinstance(answer, int)):
            raise ValidationError(f"Answer {number}: {answer!r} is not a whole number (or null for skipped).")
    names: list[str] = []
    if instrument == Instrument.PSFS:
        names = _check_activities(activities or [], answers)
    elif activities:
        raise ValidationError("Only the Patient-Specific Functional Scale names activities.")
    try:
        result = scoring.score(instrument, answers)
    except scoring.ScoringError as error:
        raise ValidationError(str(error)) from error
    response = QuestionnaireResponse(
        clinic=patient.clinic,
        patient=patient,
        instrument=instrument,
        version=wording.version if wording is not None else INSTRUMENT_VERSIONS[instrument],
        occasion=occasion,
        session=session,
        plan=plan,
        answers=answers,
        activities=names,
        wording=wording,
        raw=_decimal(result.raw, 3),
        maximum=result.maximum,
        percent=None if result.percent is None else _decimal(result.percent, 3),
        band=result.band,
        answered=result.answered,
        skipped=result.skipped,
        taken_at=taken_at or timezone.now(),
        via_link=isinstance(by, PatientLinkActor),
        recorded_by=acting_staff(by),
    )
    response.full_clean()
    response.save()
    return response


# --- The clinic's licensed wording -------------------------------------------------------------------------------


def parse_questionnaire_text(content: bytes, *, filename: str = "") -> dict:
    """Read and check a wording file (YAML or JSON); raise ValidationError naming every problem found first."""
    if len(content) > TEXT_FILE_MAX_BYTES:
        raise ValidationError(f"The file is {len(content) // 1024} KB; a wording file is at most 64 KB.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read); save it as UTF-8."
        ) from error
    try:
        data = json.loads(text) if filename.lower().endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        where = getattr(error, "problem_mark", None)
        line = f" near line {where.line + 1}" if where is not None else ""
        raise ValidationError(f"The file is not valid YAML or JSON{line}.") from error
    if not isinstance(data, dict):
        raise ValidationError("The file must hold a mapping with instrument, version and sections.")
    problems: list[str] = []
    unknown = sorted(str(key)[:40] for key in set(data) - {"instrument", "version", "licence", "sections"})
    if unknown:
        problems.append(f"Unknown keys: {', '.join(unknown[:10])}.")
    given = data.get("instrument")
    instrument = given.strip().lower() if isinstance(given, str) else ""
    if instrument not in LICENSED:
        # Only a short text is echoed back: a YAML alias could make anything else enormous.
        said = repr(given) if isinstance(given, str) and len(given) <= 40 else "something else"
        problems.append(f"instrument must be odi or ndi (the licensed questionnaires); the file says {said}.")
    version = data.get("version")
    if not isinstance(version, str | int | float) or not str(version).strip():
        problems.append("version is missing (e.g. version: 2.1a).")
    elif len(str(version)) > VERSION_MAX:
        problems.append(f"version is longer than {VERSION_MAX} characters.")
    licence = data.get("licence", "")
    if not isinstance(licence, str) or len(licence) > 500:
        problems.append("licence must be text of at most 500 characters.")
    sections = data.get("sections")
    if not isinstance(sections, list):
        problems.append(f"sections must be a list of {SECTIONS_PER_INSTRUMENT} sections.")
        sections = []
    elif len(sections) != SECTIONS_PER_INSTRUMENT:
        problems.append(f"There are {len(sections)} sections; the questionnaire has {SECTIONS_PER_INSTRUMENT}.")
    cleaned = []
    for number, section in enumerate(sections, 1):
        if not isinstance(section, dict) or set(section) - {"name", "statements"}:
            problems.append(f"Section {number} must have only a name and statements.")
            continue
        name = section.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"Section {number} has no name.")
        elif len(name) > SECTION_NAME_MAX:
            problems.append(f"Section {number}: the name is longer than {SECTION_NAME_MAX} characters.")
        statements = section.get("statements")
        if not isinstance(statements, list) or len(statements) != STATEMENTS_PER_SECTION:
            count = len(statements) if isinstance(statements, list) else 0
            problems.append(
                f"Section {number} has {count} statements; each section has {STATEMENTS_PER_SECTION} (scored 0 to 5)."
            )
            continue
        for index, statement in enumerate(statements):
            if not isinstance(statement, str) or not statement.strip():
                problems.append(f"Section {number}, statement {index} (score {index}) is empty.")
            elif len(statement) > STATEMENT_MAX:
                problems.append(
                    f"Section {number}, statement {index} is {len(statement)} characters; at most {STATEMENT_MAX}."
                )
        if isinstance(name, str):
            cleaned.append({"name": name.strip(), "statements": [str(s).strip() for s in statements]})
    if problems:
        raise ValidationError(problems)
    return {"instrument": instrument, "version": str(version).strip(), "licence": licence.strip(), "sections": cleaned}


@transaction.atomic
def load_questionnaire_text(*, clinic, content: bytes, filename: str = "", by: Actor) -> QuestionnaireText:
    """Check a wording file and make it the clinic's wording of its questionnaire; on any error nothing changes."""
    require(by, "load_questionnaire_text", clinic)
    data = parse_questionnaire_text(content, filename=filename)
    text = QuestionnaireText(
        clinic=clinic,
        instrument=data["instrument"],
        version=data["version"],
        sections=data["sections"],
        licence_note=data["licence"],
        filename=filename[:200],
        uploaded_by=acting_staff(by),
    )
    text.full_clean()
    text.save()
    return text
