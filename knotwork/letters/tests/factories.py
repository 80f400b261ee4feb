"""A patient with a referring doctor, an examination with trigger points and a course under way, for letters."""

from django.utils import timezone

from knotwork.assessment import services as assessment
from knotwork.assessment.coding import get_codes
from knotwork.demo.course import load_demo_course
from knotwork.patients.tests.factories import ReferringClinicianFactory
from knotwork.treatment.tests.test_session import screened


def patient_with_course(clinic, practitioner, *, referrer_email: str = "dr.lee@practice.example.com"):
    """A screened patient referred by Dr Lee, examined (two trigger points, a diagnosis), eight days into a course."""
    referrer = ReferringClinicianFactory(
        clinic=clinic, name="Dr Ada Lee", practice="Riverside GP", email=referrer_email
    )
    patient = screened(clinic, practitioner)
    patient.referring_clinician = referrer
    patient.save(update_fields=["referring_clinician"])
    examination = assessment.start_examination(patient=patient, by=practitioner)
    findings = (
        ("gluteus-medius", "right", "right-buttock", 245, 520, True),
        ("quadratus-lumborum", "left", "left-low-back", 170, 430, False),
    )
    for muscle, side, region, x, y, recognised in findings:
        assessment.record_trigger_point(
            examination=examination,
            muscle=muscle,
            side=side,
            region=region,
            view="back",
            x=x,
            y=y,
            taut_band=True,
            spot_tenderness=True,
            pain_recognised=recognised,
            by=practitioner,
        )
    code = next(c for c in get_codes() if c.startswith("M79"))
    assessment.add_diagnosis(examination=examination, code=code, is_primary=True, by=practitioner)
    # The demo course began eight days ago: allow the clinic to record a course started that long ago.
    clinic.settings.plan_backdate_days_max = max(clinic.settings.plan_backdate_days_max, 30)
    clinic.settings.save(update_fields=["plan_backdate_days_max"])
    plan = load_demo_course(patient=patient, practitioner=practitioner, today=timezone.localdate())
    return patient, plan
