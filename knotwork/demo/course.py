"""A demo course of treatment: plan, two earlier sessions with check-ins and diary, a home program.

Demo data only. Sessions are recorded through the real services, then moved back in time so the course
review has a history to show; nothing here is a path a clinic uses.
"""

import datetime

from knotwork.core.policy import PatientLinkActor
from knotwork.followup import services as followup
from knotwork.followup.models import CheckIn
from knotwork.plans import services
from knotwork.plans.models import GoalMeasure, TreatmentPlan
from knotwork.treatment import services as treatment
from knotwork.treatment.models import TreatmentSession


def _past_session(patient, practitioner, *, ended_at: datetime.datetime, pain_before: int, pain_after: int):
    session = treatment.start_session(patient=patient, by=practitioner, pain_before=pain_before)
    treatment.record_technique(session=session, kind="pressure", minutes=15, by=practitioner)
    note = treatment.finish_session(session=session, by=practitioner, pain_after=pain_after)
    treatment.sign_note(note=note, by=practitioner, version=note.version)
    TreatmentSession.objects.filter(pk=session.pk).update(
        created_at=ended_at - datetime.timedelta(minutes=45), ended_at=ended_at
    )
    for check_in in CheckIn.objects.filter(session=session):
        CheckIn.objects.filter(pk=check_in.pk).update(due_at=ended_at + datetime.timedelta(hours=check_in.hours_after))
    return session


def _answer(session, hours: int, *, soreness: int, pain: int, **more) -> None:
    check_in = CheckIn.objects.get(session=session, hours_after=hours)
    followup.record_check_in(
        check_in=check_in,
        soreness=soreness,
        pain=pain,
        by=_the_patient(session.patient),
        now=check_in.due_at + datetime.timedelta(hours=1),
        **more,
    )


def _the_patient(patient) -> PatientLinkActor:
    """The demo patient answers as if through their care link (the demo makes no link: nothing to send)."""
    return PatientLinkActor(patient_id=patient.pk, clinic_id=patient.clinic_id)


def load_demo_course(*, patient, practitioner, today: datetime.date) -> TreatmentPlan:
    """A course that began a week ago: sessions 7 and 4 days ago, check-ins, a diary and a home program."""
    tz = patient.clinic.tzinfo
    plan = services.create_plan(
        patient=patient,
        practitioner=practitioner,
        by=practitioner,
        starts_on=today - datetime.timedelta(days=7),
        techniques=["manual_therapy"],
        diagnosis=patient.diagnoses.order_by("-is_primary").first(),
        notes="Pressure release of the gluteal trigger points; review driving tolerance at each visit.",
        goals=[
            {"description": "Pain when driving", "measure": GoalMeasure.PAIN, "baseline": 7, "target": 3},
            {
                "description": "Drive 45 minutes to work without leg pain",
                "measure": GoalMeasure.ACTIVITY,
            },
        ],
    )
    services.add_home_exercise(
        plan=plan,
        by=practitioner,
        name="Seated figure-four stretch",
        muscle="piriformis",
        instructions="Sit tall, rest the right ankle on the left knee and lean forward from the hips until you "
        "feel a pull in the right buttock.",
        hold_seconds=30,
        repetitions=3,
        times_per_day=2,
    )
    services.add_home_exercise(
        plan=plan,
        by=practitioner,
        name="Lying cross-over hip stretch",
        muscle="gluteus-minimus",
        instructions="Lie on your back, cross the right leg over the left and let the knee drop across.",
        hold_seconds=20,
        repetitions=4,
        times_per_day=2,
    )

    def at(days_ago: int, hour: int) -> datetime.datetime:
        return datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(hour), tzinfo=tz)

    first = _past_session(patient, practitioner, ended_at=at(7, 10), pain_before=7, pain_after=4)
    _answer(first, 24, soreness=5, pain=5)
    _answer(first, 36, soreness=3, pain=5)
    second = _past_session(patient, practitioner, ended_at=at(4, 10), pain_before=5, pain_after=3)
    _answer(second, 24, soreness=5, pain=4)
    _answer(second, 36, soreness=5, pain=4)  # still sore at 36 h: a flag on the practitioner's Today page
    for days_ago, pain, note in (
        (7, 6, "Stiff in the morning"),
        (6, 5, "Drove 20 minutes, fine"),
        (5, 5, ""),
        (3, 4, "Did the stretches twice"),
        (2, 4, ""),
        (1, 4, "Drove to work, mild ache after"),
    ):
        followup.add_diary_entry(
            patient=patient,
            recorded_on=today - datetime.timedelta(days=days_ago),
            pain=pain,
            note=note,
            by=_the_patient(patient),
        )
    return plan
