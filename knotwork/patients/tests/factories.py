import datetime

import factory

from knotwork.core.policy import PatientLinkActor
from knotwork.patients.models import Patient, ReferringClinician, Sex


def as_patient(patient: Patient) -> PatientLinkActor:
    """The patient acting through their private link, without making one (the link itself is tested in portal)."""
    return PatientLinkActor(patient_id=patient.pk, clinic_id=patient.clinic_id)


class ReferringClinicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferringClinician

    name = factory.Sequence(lambda n: f"Dr. Referrer {n}")
    practice = "Family Practice"
    email = factory.Sequence(lambda n: f"referrer{n}@practice.example.com")


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    chart_number = factory.Sequence(lambda n: f"T-{n:05d}")
    first_name = factory.Sequence(lambda n: f"Pat{n}")
    last_name = factory.Sequence(lambda n: f"Testperson{n}")
    # Adults born 1950-2004, whatever the sequence number (a child would change the safety screen).
    date_of_birth = factory.Sequence(lambda n: datetime.date(1950, 1, 1) + datetime.timedelta(days=(97 * n) % 20000))
    sex = Sex.FEMALE
    phone = factory.Sequence(lambda n: f"+1303555{100 + n % 100:04d}")
    email = factory.Sequence(lambda n: f"pat{n}@example.org")
