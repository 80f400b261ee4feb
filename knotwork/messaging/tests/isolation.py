"""One row of every clinic-scoped model of the messaging app, for the clinic-isolation URL walk."""

from knotwork.messaging.services import send_to_patient


def records(patient, owner, marker) -> list:
    return [send_to_patient(patient=patient, subject=marker, body=marker, purpose="link")]
