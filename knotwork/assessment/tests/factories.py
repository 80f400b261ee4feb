"""Deterministic first-visit data for tests.

`screened_patient` takes a patient through the first visit as Knotwork does (intake, safety screen and consents,
all through the services). The model factories build examination rows directly, with fixed values, for tests that
need many of them; they never draw random values.
"""

import datetime
from decimal import Decimal

import factory

from knotwork.accounts.tests.factories import UserFactory
from knotwork.assessment import services
from knotwork.assessment.models import ConsentForm, Diagnosis, Examination, PptUnit, Side, TriggerPointFinding
from knotwork.assessment.screening import get_ruleset
from knotwork.patients.models import Patient
from knotwork.patients.tests.factories import PatientFactory, as_patient


def screen_answers(*, yes=()) -> dict[str, bool]:
    """Every yes/no question of the safety screen answered no, except the ones named."""
    answers = {question.id: False for question in get_ruleset().questions.values() if question.type == "yes_no"}
    return answers | dict.fromkeys(yes, True)


def screened_patient(
    clinic, by, *, yes=(), consents=("manual_therapy",), complaint_area: str = "neck", **patient_fields
) -> Patient:
    """A patient with a submitted intake (so a safety screen) and the consents named, signed through their link."""
    patient = PatientFactory(clinic=clinic, **({"date_of_birth": datetime.date(1980, 1, 1)} | patient_fields))
    intake = services.start_intake(patient=patient, by=by)
    services.submit_intake(
        intake=intake,
        chief_complaint="Neck and shoulder pain",
        complaint_area=complaint_area,
        pain_now=6,
        answers=screen_answers(yes=yes),
        by=by,
    )
    services.ensure_consent_forms(clinic=clinic, by=by)
    for technique in consents:
        version = ConsentForm.objects.get(clinic=clinic, technique=technique).versions.get()
        services.sign_consent(
            patient=patient,
            version=version,
            signed_name=patient.first_name,
            signature="M1 1 L2 2",
            shown_hash=version.body_hash,
            by=as_patient(patient),
        )
    return patient


class ExaminationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Examination

    patient = factory.SubFactory(PatientFactory)
    clinic = factory.SelfAttribute("patient.clinic")
    examined_by = factory.SubFactory(UserFactory)


class TriggerPointFindingFactory(factory.django.DjangoModelFactory):
    """An active right upper trapezius point meeting all three Delphi criteria; `ppt=True` adds a reading."""

    class Meta:
        model = TriggerPointFinding

    class Params:
        ppt = factory.Trait(
            ppt_value=Decimal("3.00"),
            ppt_unit=PptUnit.KG_CM2,
            ppt_kpa=factory.LazyAttribute(lambda finding: services.to_kpa(finding.ppt_value, finding.ppt_unit)),
        )

    examination = factory.SubFactory(ExaminationFactory)
    patient = factory.SelfAttribute("examination.patient")
    clinic = factory.SelfAttribute("examination.clinic")
    muscle = "upper-trapezius"
    side = Side.RIGHT
    region = "right-shoulder-top"
    view = "back"
    x = 0.45
    y = 0.45
    taut_band = True
    spot_tenderness = True
    referred_pain = True
    pain_recognised = True
    palpation_pain = 6


class DiagnosisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnosis

    examination = factory.SubFactory(ExaminationFactory)
    patient = factory.SelfAttribute("examination.patient")
    clinic = factory.SelfAttribute("examination.clinic")
    code = "M79.12"
    description = "Myalgia of auxiliary muscles, head and neck"
    is_primary = True
