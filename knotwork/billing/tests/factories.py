"""A visit ready to invoice: a fee schedule, a booked and attended appointment, a signed session with CPT lines."""

import datetime
from decimal import Decimal

from django.utils import timezone

from knotwork.assessment import services as assessment
from knotwork.billing import services
from knotwork.billing.models import FeeKind
from knotwork.scheduling import services as scheduling
from knotwork.treatment import services as treatment
from knotwork.treatment.tests.test_session import screened


def fee_schedule(clinic, owner, *, currency: str = "USD", tax_rate: Decimal = Decimal("0")) -> dict:
    services.update_billing_settings(
        clinic=clinic, by=owner, currency=currency, default_tax_rate=tax_rate, npi="1234567893", taxonomy="225100000X"
    )
    visit_type = scheduling.create_appointment_type(clinic=clinic, name="Treatment", duration_minutes=45, by=owner)
    return {
        "type": visit_type,
        "visit": services.create_fee_item(
            clinic=clinic,
            kind=FeeKind.APPOINTMENT,
            name="Treatment visit",
            price=Decimal("40.00"),
            appointment_type=visit_type,
            by=owner,
        ),
        "97140": services.create_fee_item(
            clinic=clinic, kind=FeeKind.SERVICE, name="Manual therapy", code="97140", price=Decimal("35.00"), by=owner
        ),
        "20561": services.create_fee_item(
            clinic=clinic,
            kind=FeeKind.SERVICE,
            name="Dry needling, 3+ muscles",
            code="20561",
            price=Decimal("60.00"),
            by=owner,
        ),
        "roller": services.create_fee_item(
            clinic=clinic,
            kind=FeeKind.PRODUCT,
            name="Foam roller",
            price=Decimal("25.00"),
            tax_rate=Decimal("10"),
            by=owner,
        ),
        "package": services.create_fee_item(
            clinic=clinic, kind=FeeKind.PACKAGE, name="Course of 5", price=Decimal("300.00"), sessions=5, by=owner
        ),
    }


def signed_visit(clinic, owner, fees, *, patient=None, needled=("soleus", "gastrocnemius", "upper-trapezius")):
    """A patient's attended appointment and its signed session: 3 muscles needled, 23 minutes of pressure release."""
    patient = patient or screened(clinic, owner, consents=("manual_therapy", "dry_needling"))
    examination = assessment.start_examination(patient=patient, by=owner)
    assessment.add_diagnosis(examination=examination, code="M79.18", is_primary=True, by=owner)
    assessment.add_diagnosis(examination=examination, code="M62.830", is_primary=False, by=owner)
    # Two hours ago, but today in the clinic's zone (a past date cannot be booked): just after midnight, at midnight.
    now = timezone.now().replace(microsecond=0, second=0)
    midnight = timezone.localtime(now, clinic.tzinfo).replace(hour=0, minute=0)
    starts = max(now - datetime.timedelta(hours=2), midnight)
    starts -= datetime.timedelta(minutes=starts.minute % 5)
    appointment = scheduling.book_appointment(
        patient=patient,
        practitioner=owner,
        appointment_type=fees["type"],
        starts_at=starts,
        by=owner,
        allow_outside_hours=True,
    )
    session = treatment.start_session(patient=patient, by=owner, pain_before=6)
    for muscle in needled:
        treatment.record_needling(
            session=session,
            muscle=muscle,
            side="right",
            diameter_mm="0.25",
            length_mm=40,
            technique="static",
            depth_mm=20,
            needles_in=1,
            needles_out=1,
            clean_technique=True,
            by=owner,
        )
    treatment.record_technique(session=session, kind="pressure", minutes=23, region="calf", by=owner)
    note = treatment.finish_session(session=session, by=owner, pain_after=3)
    treatment.sign_note(note=note, by=owner, version=note.version)
    session.refresh_from_db()
    scheduling.mark_attended(appointment=appointment, by=owner, session=session)
    appointment.refresh_from_db()
    return appointment, session
