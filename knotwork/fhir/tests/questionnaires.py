"""FHIR Questionnaires for the tests, with placeholder wording (never the licensed text)."""

import json


def questionnaire_data(questions: int = 10, options: int = 6, *, marker: str = "Placeholder", **changes) -> dict:
    return {
        "resourceType": "Questionnaire",
        "status": "active",
        "version": "2.1a-fhir",
        "copyright": f"{marker} licence for the tests",
        "item": [
            {
                "linkId": str(q),
                "text": f"{marker} section {q}",
                "type": "choice",
                "answerOption": [{"valueString": f"{marker} statement {q}.{o}"} for o in range(options)],
            }
            for q in range(1, questions + 1)
        ],
    } | changes


def fhir_questionnaire(questions: int = 10, options: int = 6, **changes) -> bytes:
    return json.dumps(questionnaire_data(questions, options, **changes)).encode()
