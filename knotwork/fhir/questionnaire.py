"""A FHIR Questionnaire (the clinic's licensed ODI or NDI) as the wording file knotwork.outcomes loads.

The questions become the sections, in order; each question's six answer options become its statements, scored 0 to
5 (in the options' order, or by their ordinal values where every option carries one). Knotwork scores the answers
itself (outcomes/scoring.py), so only the wording is taken: a Questionnaire whose questions or options do not match
the instrument's is refused with what differs, never loaded in part.
"""

import json
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire
from pydantic import ValidationError as PydanticError

INSTRUMENTS = {"odi": "Oswestry Disability Index", "ndi": "Neck Disability Index"}
SECTIONS = 10  # both the ODI and the NDI have ten sections (docs/clinical-sources.md#outcome-measures)
OPTIONS = 6  # each scored 0 to 5
MAX_BYTES = 512 * 1024
# LOINC panels for the two instruments (docs/clinical-sources.md#fhir-codes, seen in one implementation guide): a
# Questionnaire coded as the other instrument is refused.
LOINC_PANELS = {"97908-8": "odi", "82226-2": "ndi"}
ORDINAL_URLS = (
    "http://hl7.org/fhir/StructureDefinition/ordinalValue",
    "http://hl7.org/fhir/StructureDefinition/itemWeight",
)
ANSWER_TYPES = ("choice", "coding", "open-choice")


class QuestionnaireError(ValueError):
    """The file cannot become the instrument's wording; `problems` says why, each in one sentence."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def _read(content: bytes) -> dict:
    if len(content) > MAX_BYTES:
        raise QuestionnaireError([f"The file is {len(content) // 1024} KB; a Questionnaire is at most 512 KB."])
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise QuestionnaireError(["The file is not UTF-8 text; export the Questionnaire as FHIR JSON."]) from None
    except ValueError as error:
        raise QuestionnaireError(
            [f"The file is not JSON (line {getattr(error, 'lineno', '?')}); export the Questionnaire as FHIR JSON."]
        ) from None
    if isinstance(data, dict) and data.get("resourceType") == "Bundle":
        found = [
            e.get("resource")
            for e in data.get("entry") or []
            if isinstance(e, dict)
            and isinstance(e.get("resource"), dict)
            and e["resource"].get("resourceType") == "Questionnaire"
        ]
        if len(found) != 1:
            raise QuestionnaireError([f"The Bundle holds {len(found)} Questionnaires; upload one at a time."])
        data = found[0]
    if not isinstance(data, dict) or data.get("resourceType") != "Questionnaire":
        said = data.get("resourceType") if isinstance(data, dict) else None
        what = f"a {str(said)[:40]}" if isinstance(said, str) else "no FHIR resource"
        raise QuestionnaireError([f"The file holds {what}, not a FHIR Questionnaire."])
    return data


def _validated(data: dict) -> Questionnaire:
    try:
        return Questionnaire.model_validate(data)
    except PydanticError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise QuestionnaireError(
            [f"The file is not a valid FHIR R4 Questionnaire: {where or 'the resource'}: {first.get('msg', '')}."]
        ) from None


def _questions(items: list[Any]) -> list[Any]:
    """The questions in order: display items are skipped, a group's questions are read in its place."""
    found = []
    for item in items or []:
        if item.type == "display":
            continue
        if item.type == "group":
            found.extend(_questions(item.item))
        else:
            found.append(item)
    return found


def _option_text(option) -> str:
    if option.valueCoding is not None:
        return (option.valueCoding.display or "").strip()
    if option.valueString is not None:
        return option.valueString.strip()
    return ""


def _ordinal(option) -> float | None:
    for extension in list(option.extension or []) + list(
        (option.valueCoding.extension or []) if option.valueCoding is not None else []
    ):
        if extension.url in ORDINAL_URLS and extension.valueDecimal is not None:
            return float(extension.valueDecimal)
        if extension.url in ORDINAL_URLS and extension.valueInteger is not None:
            return float(extension.valueInteger)
    return None


def _statements(number: int, question, problems: list[str]) -> list[str]:
    label = f"Question {number} ({(question.text or question.linkId)[:60]!r})"
    if question.type not in ANSWER_TYPES:
        problems.append(f"{label} is of type {question.type}; each question is a choice of {OPTIONS} statements.")
        return []
    options = list(question.answerOption or [])
    if not options and question.answerValueSet:
        problems.append(
            f"{label} gives its answers as a value set ({question.answerValueSet[:80]}); "
            "list the statements as answerOption in the Questionnaire."
        )
        return []
    if len(options) != OPTIONS:
        problems.append(f"{label} has {len(options)} answer options; each question has {OPTIONS} (scored 0 to 5).")
        return []
    ordinals = [_ordinal(o) for o in options]
    if all(v is not None for v in ordinals):
        if sorted(ordinals) != [float(s) for s in range(OPTIONS)]:  # type: ignore[type-var]
            problems.append(f"{label}: the answer options' ordinal values are not the scores 0 to 5.")
            return []
        options = [o for _v, o in sorted(zip(ordinals, options, strict=True), key=lambda pair: pair[0])]
    texts = [_option_text(o) for o in options]
    for score, text in enumerate(texts):
        if not text:
            problems.append(f"{label}: the option scored {score} has no text (valueString or valueCoding.display).")
    return texts


def convert(content: bytes, *, instrument: str) -> dict:
    """The wording file (as knotwork.outcomes.services.parse_questionnaire_text reads it) of a FHIR Questionnaire."""
    if instrument not in INSTRUMENTS:
        raise QuestionnaireError([f"The instrument must be odi or ndi, not {instrument[:20]!r}."])
    questionnaire = _validated(_read(content))
    name = INSTRUMENTS[instrument]
    problems: list[str] = []
    coded = {
        LOINC_PANELS[c.code]
        for c in questionnaire.code or []
        if c.system == "http://loinc.org" and c.code in LOINC_PANELS
    }
    if coded and instrument not in coded:
        other = INSTRUMENTS[coded.pop()]
        raise QuestionnaireError([f"This Questionnaire is coded as the {other}, not the {name}; choose {other}."])
    questions = _questions(questionnaire.item)
    if len(questions) != SECTIONS:
        raise QuestionnaireError(
            [
                f"The Questionnaire has {len(questions)} questions; the {name} has {SECTIONS}. "
                "Check that it is the licensed version of this instrument, with one question per section."
            ]
        )
    sections = []
    for number, question in enumerate(questions, 1):
        statements = _statements(number, question, problems)
        title = (question.text or "").strip()
        if not title:
            problems.append(f"Question {number} has no text to name its section.")
        sections.append({"name": title, "statements": statements})
    if problems:
        raise QuestionnaireError(problems)
    version = questionnaire.version or (str(questionnaire.date) if questionnaire.date else "")
    return {
        "instrument": instrument,
        "version": str(version or "FHIR import").strip(),
        "licence": (questionnaire.copyright or "").strip(),
        "sections": sections,
    }
