"""One row of every clinic-scoped outcomes model, for the clinic-isolation URL walk (tests/test_clinic_isolation.py)."""

import json

from knotwork.outcomes import services


def wording_file(instrument: str = "odi", marker: str = "Placeholder", **changes) -> bytes:
    """A wording file with placeholder statements (never the licensed text)."""
    data = {
        "instrument": instrument,
        "version": "2.1a",
        "licence": f"{marker} licence",
        "sections": [
            {"name": f"{marker} section {s}", "statements": [f"{marker} statement {s}.{i}" for i in range(6)]}
            for s in range(1, 11)
        ],
    } | changes
    return json.dumps(data).encode()


def records(patient, owner, marker) -> list:
    text = services.load_questionnaire_text(
        clinic=patient.clinic, content=wording_file("odi", marker), filename=f"{marker}.json", by=owner
    )
    response = services.record_questionnaire(
        patient=patient,
        instrument="psfs",
        occasion="intake",
        answers=[3, 5],
        activities=[f"{marker} gardening", "Lifting a child"],
        by=owner,
    )
    odi = services.record_questionnaire(
        patient=patient, instrument="odi", occasion="intake", answers=[1] * 10, wording=text, by=owner
    )
    return [text, response, odi]
