"""One row of every clinic-scoped letters model, for the clinic-isolation URL walk (tests/test_clinic_isolation.py)."""

from knotwork.letters import services


def records(patient, owner, marker) -> list:
    template = services.save_letter_template(
        clinic=patient.clinic, kind="discharge", closing=f"{marker} regards, {{{{practitioner.name}}}}", by=owner
    )
    letter = services.send_letter(patient=patient, kind="progress", delivery="print", next_steps=marker, by=owner)
    return [template, letter, letter.document]
