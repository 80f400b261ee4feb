"""Deterministic course-of-treatment data for tests: plans, goals and home programs with fixed values."""

import datetime
from decimal import Decimal

import factory

from knotwork.accounts.tests.factories import UserFactory
from knotwork.patients.tests.factories import PatientFactory
from knotwork.plans.models import Goal, GoalMeasure, HomeExercise, PlanStatus, TreatmentPlan

MONDAY = datetime.date(2026, 3, 2)


class TreatmentPlanFactory(factory.django.DjangoModelFactory):
    """An active course from Monday 2 March 2026 with the seed defaults; `ended=True` completes it on day 14."""

    class Meta:
        model = TreatmentPlan

    class Params:
        ended = factory.Trait(
            status=PlanStatus.COMPLETED,
            ended_at=datetime.datetime(2026, 3, 16, 17, 0, tzinfo=datetime.UTC),
            end_reason="Course completed",
        )

    patient = factory.SubFactory(PatientFactory)
    clinic = factory.SelfAttribute("patient.clinic")
    practitioner = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("practitioner")
    starts_on = MONDAY
    window_days_min = 4
    window_days_max = 14
    max_sessions = 4
    techniques = factory.LazyFunction(lambda: ["manual_therapy"])


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(TreatmentPlanFactory)
    clinic = factory.SelfAttribute("plan.clinic")
    description = factory.Sequence(lambda n: f"Sit through a one-hour meeting without pain ({n})")
    measure = GoalMeasure.PAIN
    baseline = Decimal("6.0")
    target = Decimal("2.0")


class HomeExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HomeExercise

    plan = factory.SubFactory(TreatmentPlanFactory)
    clinic = factory.SelfAttribute("plan.clinic")
    name = factory.Sequence(lambda n: f"Upper trapezius stretch {n}")
    muscle = "upper-trapezius"
    instructions = "Tilt the ear towards the other shoulder until a gentle stretch is felt."
    hold_seconds = 30
    repetitions = 3
    times_per_day = 2
    position = factory.LazyAttribute(lambda exercise: exercise.plan.home_program.count())
