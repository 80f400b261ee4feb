"""Deterministic guided-session data for tests.

`treated_session` runs a session as the tablet does (start, points, holds, finish, through the services), so the
note, the check-ins and the guards are what Knotwork itself would make; the model factories build rows directly,
with fixed values, when a test needs many of them. Nothing here draws random values.
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from knotwork.accounts.tests.factories import UserFactory
from knotwork.patients.models import Patient
from knotwork.patients.tests.factories import PatientFactory
from knotwork.treatment import services
from knotwork.treatment.models import (
    Answer,
    Hold,
    SessionPoint,
    SessionStatus,
    Tool,
    TreatmentSession,
)

# Neck and shoulder muscles with sites on both sides, in the order points are added.
MUSCLES = ["upper-trapezius", "levator-scapulae", "infraspinatus", "sternocleidomastoid", "supraspinatus"]
SESSION_STARTED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def treated_session(
    patient: Patient, by, *, points: int = 1, holds: int = 1, finish: bool = True, pain_before: int = 6
) -> TreatmentSession:
    """A session with `points` trigger points of `holds` holds each ("good pain" at 5/10), finished by default."""
    session = services.start_session(patient=patient, by=by, pain_before=pain_before)
    now = timezone.now()
    for muscle in MUSCLES[:points]:
        point = services.add_point(session=session, muscle=muscle, side="right", by=by)
        for _ in range(holds):
            services.record_hold(
                point=point,
                by=by,
                started_at=now - datetime.timedelta(seconds=30),
                ended_at=now - datetime.timedelta(seconds=10),
                level=Decimal(5),
                tool=Tool.THUMB,
                answer=Answer.GOOD_PAIN,
            )
    if finish:
        services.finish_session(session=session, by=by, pain_after=max(pain_before - 3, 0))
    session.refresh_from_db()
    return session


class TreatmentSessionFactory(factory.django.DjangoModelFactory):
    """A session in progress; `finished=True` closes it at a fixed time (without the note `finish_session` drafts)."""

    class Meta:
        model = TreatmentSession

    class Params:
        finished = factory.Trait(
            status=SessionStatus.FINISHED,
            pain_after=3,
            ended_at=SESSION_STARTED + datetime.timedelta(hours=1),
        )

    patient = factory.SubFactory(PatientFactory)
    clinic = factory.SelfAttribute("patient.clinic")
    practitioner = factory.SubFactory(UserFactory)
    pain_before = 6


class SessionPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionPoint

    session = factory.SubFactory(TreatmentSessionFactory)
    clinic = factory.SelfAttribute("session.clinic")
    muscle = "upper-trapezius"
    side = "right"
    region = "right-shoulder-top"
    view = "back"
    x = 0.45
    y = 0.45


class HoldFactory(factory.django.DjangoModelFactory):
    """The point's next hold, 20 s of "good pain" at 5/10, a minute after the one before."""

    class Meta:
        model = Hold

    point = factory.SubFactory(SessionPointFactory)
    clinic = factory.SelfAttribute("point.clinic")
    number = factory.LazyAttribute(lambda hold: hold.point.holds.count() + 1)
    started_at = factory.LazyAttribute(lambda hold: SESSION_STARTED + datetime.timedelta(minutes=hold.number))
    ended_at = factory.LazyAttribute(lambda hold: hold.started_at + datetime.timedelta(seconds=20))
    level = Decimal("5.0")
    tool = Tool.THUMB
    answer = Answer.GOOD_PAIN
    suggested_level = Decimal("5.0")
