"""The one way to make and change treatment plans, their goals and home program, and to book the course."""

import datetime
import itertools
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.policy import acting_staff
from knotwork.assessment.models import Technique
from knotwork.core.arguments import refuse_unknown
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require
from knotwork.plans import hooks
from knotwork.plans.models import PLAN_TRANSITIONS, Goal, HomeExercise, PlanStatus, TreatmentPlan
from knotwork.scheduling.clock import day_bounds
from knotwork.scheduling.models import Appointment, AppointmentStatus
from knotwork.scheduling.services import book_appointment, cancel_appointment


@transaction.atomic
def create_plan(
    *,
    patient,
    practitioner,
    by: Actor,
    starts_on: datetime.date,
    techniques: list[str],
    diagnosis=None,
    window_days_min: int | None = None,
    window_days_max: int | None = None,
    max_sessions: int | None = None,
    notes: str = "",
    goals: list[dict] | None = None,
    override_reason: str = "",
) -> TreatmentPlan:
    """Start a course; the window and session limit default to the clinic's settings (seed: 4-14 days, 4).

    A start further in the past than the clinic allows, or more sessions than its maximum, needs
    `override_reason`; the reason is kept on the plan.
    """
    require(by, "create_plan", patient)
    clinic_settings = patient.clinic.settings
    if TreatmentPlan.objects.filter(patient=patient, status=PlanStatus.ACTIVE).exists():
        raise ClinicRuleError("This patient already has an active course. End it before starting a new one.")
    if diagnosis is not None and diagnosis.patient_id != patient.pk:
        raise ClinicRuleError("Choose one of this patient's diagnoses.")
    if practitioner.membership.clinic_id != patient.clinic_id:
        raise ClinicRuleError("Choose a practitioner of this clinic.")
    unknown = [t for t in techniques if t not in Technique.values]
    if unknown:
        raise ValidationError({"techniques": "Choose techniques from the list."})
    plan = TreatmentPlan(
        clinic_id=patient.clinic_id,
        patient=patient,
        practitioner=practitioner,
        diagnosis=diagnosis,
        starts_on=starts_on,
        window_days_min=window_days_min or clinic_settings.course_window_days_min,
        window_days_max=window_days_max or clinic_settings.course_window_days_max,
        max_sessions=max_sessions or clinic_settings.course_max_sessions,
        techniques=list(dict.fromkeys(techniques)),
        notes=notes.strip(),
        created_by=acting_staff(by),
    )
    plan.limits_override = _check_limits(plan, override_reason, fields={"starts_on", "max_sessions"})
    plan.full_clean()
    plan.save()
    for goal in goals or []:
        add_goal(plan=plan, by=by, **goal)
    _adopt_booked_appointments(plan)
    _adopt_sessions(plan)
    return plan


def limits_exceeded(plan: TreatmentPlan, *, fields: set[str]) -> list[str]:
    """What in the plan goes beyond the clinic's limits (a start too far back, too many sessions), in words."""
    clinic_settings = plan.patient.clinic.settings
    today = timezone.localdate(timezone=plan.patient.clinic.tzinfo)
    problems = []
    earliest = today - datetime.timedelta(days=clinic_settings.plan_backdate_days_max)
    if "starts_on" in fields and plan.starts_on < earliest:
        allowed = clinic_settings.plan_backdate_days_max
        start, ago = f"{plan.starts_on.day} {plan.starts_on:%b %Y}", (today - plan.starts_on).days
        problems.append(
            f"The course starts on {start}, {ago} days ago; the clinic "
            f"allows a start at most {allowed} day{'s' if allowed != 1 else ''} in the past."
        )
    if "max_sessions" in fields and plan.max_sessions > clinic_settings.course_max_sessions:
        problems.append(
            f"The course has {plan.max_sessions} sessions; the clinic's maximum is "
            f"{clinic_settings.course_max_sessions}."
        )
    return problems


def _check_limits(plan: TreatmentPlan, override_reason: str, *, fields: set[str]) -> str:
    """Refuse a plan beyond the clinic's limits unless the clinician says why; the reason to keep, or ''."""
    problems = limits_exceeded(plan, fields=fields)
    if not problems:
        return plan.limits_override
    reason = " ".join(override_reason.split())
    if len(reason) < 5:
        raise ClinicRuleError(
            " ".join(problems) + " To go beyond the clinic's limits, tick the override and say why "
            "(for example: course begun on paper before the clinic used Knotwork)."
        )
    return reason[:300]


def _adopt_sessions(plan: TreatmentPlan) -> int:
    """Sessions the patient already had inside the window without a course (the first visit, treated before the
    plan was written) become part of it, so the review counts them as the chart plots their pain."""
    tz = plan.patient.clinic.tzinfo
    start, end = day_bounds(plan.starts_on, tz)[0], day_bounds(plan.ends_on, tz)[1]
    return plan.patient.sessions.filter(plan=None, created_at__gte=start, created_at__lt=end).update(plan=plan)


def _adopt_booked_appointments(plan: TreatmentPlan) -> int:
    """Appointments the patient already has inside the window become part of the course (and count in it)."""
    tz = plan.patient.clinic.tzinfo
    start, end = day_bounds(plan.starts_on, tz)[0], day_bounds(plan.ends_on, tz)[1]
    return Appointment.objects.filter(
        patient=plan.patient, plan=None, status=AppointmentStatus.BOOKED, starts_at__gte=start, starts_at__lt=end
    ).update(plan=plan)


def sessions_left_to_book(plan: TreatmentPlan) -> int:
    """The course's sessions not yet done, in progress or booked."""
    return max(
        plan.max_sessions - plan.sessions.count() - plan.appointments.filter(status=AppointmentStatus.BOOKED).count(), 0
    )


class PlanChanges(TypedDict, total=False):
    """What may change in a running course."""

    starts_on: datetime.date
    window_days_min: int
    window_days_max: int
    max_sessions: int
    techniques: list[str]
    notes: str
    override_reason: str  # needed when a new start or session count goes beyond the clinic's limits


@transaction.atomic
def update_plan(*, plan: TreatmentPlan, by: Actor, **changes: Unpack[PlanChanges]) -> TreatmentPlan:
    """Change the course's details given; those left out keep their value."""
    require(by, "update_plan", plan)
    refuse_unknown("update_plan", changes, PlanChanges)
    plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.ACTIVE:
        raise ClinicRuleError("A finished course cannot be changed.")
    override_reason = changes.pop("override_reason", "")
    changed = {field for field, value in changes.items() if getattr(plan, field) != value}
    for field, value in changes.items():
        setattr(plan, field, value)
    plan.limits_override = _check_limits(plan, override_reason, fields=changed)
    plan.full_clean()
    plan.save()
    return plan


def _active(plan: TreatmentPlan) -> None:
    if plan.status != PlanStatus.ACTIVE:
        raise ClinicRuleError("This course has ended; start a new plan to change it.")


@transaction.atomic
def add_goal(*, plan: TreatmentPlan, by: Actor, description: str, measure: str, baseline=None, target=None) -> Goal:
    require(by, "add_goal", plan)
    _active(plan)
    goal = Goal(
        clinic_id=plan.clinic_id,
        plan=plan,
        description=description.strip(),
        measure=measure,
        baseline=baseline,
        target=target,
    )
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def mark_goal_met(*, goal: Goal, by: Actor, met_on: datetime.date | None = None) -> Goal:
    require(by, "mark_goal_met", goal)
    goal.met_on = met_on or timezone.localdate()
    goal.save(update_fields=["met_on", "updated_at"])
    return goal


@transaction.atomic
def add_home_exercise(
    *,
    plan: TreatmentPlan,
    by: Actor,
    name: str,
    instructions: str = "",
    muscle: str = "",
    hold_seconds: int = 30,
    repetitions: int = 3,
    times_per_day: int = 2,
) -> HomeExercise:
    require(by, "add_home_exercise", plan)
    _active(plan)
    exercise = HomeExercise(
        clinic_id=plan.clinic_id,
        plan=plan,
        name=name.strip(),
        instructions=instructions.strip(),
        muscle=muscle,
        hold_seconds=hold_seconds,
        repetitions=repetitions,
        times_per_day=times_per_day,
        position=plan.home_program.count(),
    )
    exercise.full_clean()
    exercise.save()
    return exercise


@transaction.atomic
def remove_home_exercise(*, exercise: HomeExercise, by: Actor) -> None:
    """Take a stretch out of the program; the row stays for the record of what the patient was given."""
    require(by, "remove_home_exercise", exercise)
    if exercise.removed_at is None:
        exercise.removed_at = timezone.now()
        exercise.save(update_fields=["removed_at", "updated_at"])


@transaction.atomic
def book_course(*, plan: TreatmentPlan, appointment_type, slots: list[datetime.datetime], by: Actor, practitioner=None):
    """Book the chosen slots for the course, all or none: a slot taken meanwhile stops the whole booking."""
    require(by, "book_course", plan)
    _active(plan)
    if not slots:
        raise ClinicRuleError("Choose at least one appointment to book.")
    left = sessions_left_to_book(plan)
    if len(slots) > left:
        raise ClinicRuleError(
            f"You chose {len(slots)} appointments; the course allows {plan.max_sessions} sessions and "
            f"{plan.max_sessions - left} are already booked or done, so {left} can be booked."
        )
    window_end = plan.ends_on
    tz = plan.patient.clinic.tzinfo
    ordered = sorted(slots)
    for first, second in itertools.pairwise(ordered):
        if second < first + appointment_type.duration:
            raise ClinicRuleError(
                f"Two of the chosen times overlap: {first.astimezone(tz):%a %d %b %H:%M} and "
                f"{second.astimezone(tz):%H:%M}. Untick one."
            )
    for slot in slots:
        day = slot.astimezone(tz).date()
        if not plan.starts_on <= day <= window_end:
            raise ClinicRuleError(
                f"{day:%a %d %b} is outside the course window ({plan.starts_on:%d %b}-{window_end:%d %b})."
            )
    return [
        book_appointment(
            patient=plan.patient,
            practitioner=practitioner or plan.practitioner,
            appointment_type=appointment_type,
            starts_at=slot,
            by=by,
            plan=plan,
        )
        for slot in sorted(slots)
    ]


@transaction.atomic
def end_plan(
    *, plan: TreatmentPlan, by: Actor, status: str, reason: str = "", cancel_appointments: bool = True
) -> TreatmentPlan:
    """Close the course as completed (reviewed) or stopped; a stopped course needs a reason.

    Its future appointments are cancelled unless `cancel_appointments` is False.
    """
    require(by, "end_plan", plan)
    plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    new = PlanStatus(status)
    if new not in PLAN_TRANSITIONS[PlanStatus(plan.status)]:
        raise ClinicRuleError(f"This course is already {plan.get_status_display().lower()}.")
    if new == PlanStatus.STOPPED and len(reason.strip()) < 5:
        raise ClinicRuleError("Say why the course stops early (for example: referred to the GP).")
    # Higher floors may refuse (treatment: a session of the course is still in progress).
    refusal = next((reason for reason in hooks.course_ending.call(plan=plan) if reason), None)
    if refusal:
        raise ClinicRuleError(refusal)
    plan.status = new
    plan.end_reason = reason.strip()
    plan.ended_at = timezone.now()
    plan.save()
    if cancel_appointments:
        why = f"Course {new.label.lower()}" + (f": {plan.end_reason}" if plan.end_reason else "")
        for appointment in plan.appointments.filter(status=AppointmentStatus.BOOKED, starts_at__gt=plan.ended_at):
            cancel_appointment(appointment=appointment, by=by, reason=why[:300])
    return plan
