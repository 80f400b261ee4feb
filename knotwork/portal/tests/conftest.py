import dataclasses
import datetime

import pytest
from django.test import Client
from django.urls import reverse

from knotwork.scheduling import services as scheduling


@pytest.fixture
def patient_client():
    """The patient's own browser: never the staff test client (`client`, which the staff fixtures sign in)."""
    return Client()


def open_link(client, token: str):
    """Open a private link as the patient's browser does: one request with the token, then its page without it."""
    first = client.get(reverse("portal:entry", args=[token]))
    assert first.status_code == 302, first.status_code
    assert token not in first["Location"]
    return client.get(first["Location"])


NOW = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)  # a Monday, 08:00 in London (winter: UTC)


@dataclasses.dataclass
class Calendar:
    clinic: object
    practitioner: object
    kind: object

    def at(self, day: int, hour: int, minute: int = 0) -> datetime.datetime:
        """Day `day` after Monday 2 March 2026, at a London wall-clock time."""
        return scheduling.local_start(
            day=NOW.date() + datetime.timedelta(days=day), at=datetime.time(hour, minute), clinic=self.clinic
        )

    def book(self, patient, day: int, hour: int, *, by, **extra):
        return scheduling.book_appointment(
            patient=patient,
            practitioner=self.practitioner,
            appointment_type=self.kind,
            starts_at=self.at(day, hour),
            by=by,
            **extra,
        )


@pytest.fixture
def calendar(clinic_a, owner, practitioner, time_machine):
    """Clinic A in London with a phone, the practitioner working weekdays 9-17, one kind of visit; it is NOW."""
    time_machine.move_to(NOW, tick=False)
    clinic_a.time_zone = "Europe/London"
    clinic_a.phone = "+44 20 7946 0000"
    clinic_a.save()
    scheduling.set_working_hours(
        practitioner=practitioner,
        clinic=clinic_a,
        hours=[(day, datetime.time(9), datetime.time(17)) for day in range(5)],
        by=owner,
    )
    kind = scheduling.create_appointment_type(clinic=clinic_a, name="Treatment", duration_minutes=45, by=owner)
    return Calendar(clinic=clinic_a, practitioner=practitioner, kind=kind)


def links_in(text: str) -> list[str]:
    """The private-link tokens in a message, in order."""
    return [part.split("/")[0].split()[0] for part in text.split("/p/")[1:]]
