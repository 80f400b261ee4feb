"""Treatment plans: make the course, book it, follow it and review it."""

import datetime
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from knotwork.audit.services import record_view
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.errors import ClinicRuleError
from knotwork.core.forms import add_service_errors
from knotwork.patients.selectors import get_patient
from knotwork.plans import selectors, services
from knotwork.plans.forms import BookCourseForm, EndPlanForm, GoalForm, HomeExerciseForm, PlanForm, ProposeForm
from knotwork.plans.proposal import spread_slots
from knotwork.scheduling.models import AppointmentStatus
from knotwork.scheduling.selectors import list_appointment_types, list_free_slots


@clinic_member(may="create_plan")
@require_http_methods(["GET", "POST"])
def plan_create(request: ClinicRequest, patient_id):
    patient = get_patient(request.user, patient_id)
    if request.method == "GET":
        record_view(instance=patient, by=request.user, shown_in="new treatment plan")
    clinic_settings = request.clinic.settings
    initial = {
        "starts_on": timezone.localdate(),
        "window_days_min": clinic_settings.course_window_days_min,
        "window_days_max": clinic_settings.course_window_days_max,
        "max_sessions": clinic_settings.course_max_sessions,
        "practitioner": str(request.user.membership.public_id),
        "techniques": ["manual_therapy"],
    }
    latest = patient.diagnoses.order_by("-is_primary", "-created_at").first()
    if latest is not None:
        initial["diagnosis"] = str(latest.public_id)
    form = PlanForm(request.POST or None, initial=initial, user=request.user, patient=patient)
    goal_form = GoalForm(request.POST or None, prefix="goal")
    for field in goal_form.fields.values():  # the first goal is optional here
        field.required = False
    goal_given = request.method == "POST" and bool(request.POST.get("goal-description", "").strip())
    if request.method == "POST" and form.is_valid() and (not goal_given or goal_form.is_valid()):
        data = form.cleaned_data
        goals = [goal_form.cleaned_data] if goal_given else []
        try:
            plan = services.create_plan(
                patient=patient,
                practitioner=data["practitioner"],
                by=request.user,
                starts_on=data["starts_on"],
                techniques=data["techniques"],
                diagnosis=data["diagnosis"],
                window_days_min=data["window_days_min"],
                window_days_max=data["window_days_max"],
                max_sessions=data["max_sessions"],
                notes=data["notes"],
                goals=goals,
                override_reason=form.override,
            )
        except ClinicRuleError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Treatment plan saved. Now propose the course's appointments.")
            return redirect("plans:propose", plan_id=plan.public_id)
    return render(
        request,
        "plans/treatmentplan_form.html",
        {
            "form": form,
            "goal_form": goal_form,
            "patient": patient,
            "settings": clinic_settings,
            "earliest_start": timezone.localdate(timezone=request.clinic.tzinfo)
            - datetime.timedelta(days=clinic_settings.plan_backdate_days_max),
        },
    )


def _add_to_plan(request: ClinicRequest, plan_id, *, form_class, prefix: str, add, template: str, done: str):
    """One form page that adds a row to an active plan through `add(plan=, by=, **cleaned_data)`."""
    plan = selectors.get_plan(request.user, plan_id)
    if request.method == "GET":
        record_view(instance=plan, by=request.user)
    form = form_class(request.POST or None, prefix=prefix)
    if request.method == "POST" and form.is_valid():
        try:
            add(plan=plan, by=request.user, **form.cleaned_data)
        except ClinicRuleError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(plan)
    return render(request, template, {"form": form, "plan": plan, "patient": plan.patient})


@clinic_member(may="add_goal")
@require_http_methods(["GET", "POST"])
def goal_add(request: ClinicRequest, plan_id):
    return _add_to_plan(
        request,
        plan_id,
        form_class=GoalForm,
        prefix="goal",
        add=services.add_goal,
        template="plans/goal_form.html",
        done="Goal added.",
    )


@clinic_member(may="mark_goal_met")
@require_POST
def goal_met(request: ClinicRequest, plan_id, goal_id):
    plan = selectors.get_plan(request.user, plan_id)
    goal = get_object_or_404(plan.goals.all(), public_id=goal_id)
    services.mark_goal_met(goal=goal, by=request.user)
    messages.success(request, f"Goal marked as met: {goal.description}")
    return redirect(plan)


@clinic_member(may="add_home_exercise")
@require_http_methods(["GET", "POST"])
def exercise_add(request: ClinicRequest, plan_id):
    return _add_to_plan(
        request,
        plan_id,
        form_class=HomeExerciseForm,
        prefix="exercise",
        add=services.add_home_exercise,
        template="plans/homeexercise_form.html",
        done="Added to the home program.",
    )


@clinic_member(may="remove_home_exercise")
@require_POST
def exercise_remove(request: ClinicRequest, plan_id, exercise_id):
    plan = selectors.get_plan(request.user, plan_id)
    exercise = get_object_or_404(plan.home_program.all(), public_id=exercise_id)
    services.remove_home_exercise(exercise=exercise, by=request.user)
    messages.success(request, f"Removed from the home program: {exercise.name}")
    return redirect(plan)


# A cancelled appointment or a missed one is not the first visit.
NOT_A_VISIT = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)
FIRST_VISIT_NAME = re.compile(r"\b(first|initial|new patient|intake|assessment)\b", re.IGNORECASE)
FOLLOW_UP_NAMES = ("follow", "treat", "return", "subsequent")


def _default_type(plan, types):
    """The follow-up type: the one the course's follow-ups already use, else one named for follow-ups or treatment.

    Never the first visit's type (its own, or one named "First visit") while the clinic has another.
    """
    booked = list(
        plan.appointments.exclude(status__in=NOT_A_VISIT)
        .order_by("starts_at")
        .values_list("appointment_type_id", flat=True)
    )
    by_id = {t.pk: t for t in types}
    if len(booked) > 1 and booked[-1] in by_id:
        return by_id[booked[-1]]
    first_visit = booked[0] if booked else None
    follow_ups = [t for t in types if t.pk != first_visit and not FIRST_VISIT_NAME.search(t.name)] or types
    for word in FOLLOW_UP_NAMES:
        named = next((t for t in follow_ups if word in t.name.lower()), None)
        if named is not None:
            return named
    return follow_ups[0]


def _first_follow_up_day(plan, today: datetime.date) -> tuple[datetime.date, set[datetime.date]]:
    """The first day a follow-up may be proposed on, and the days the course already has a visit.

    The first visit is the course's earliest session or appointment; follow-ups come at least the clinic's
    `follow_up_gap_days_min` days after it (default 1: never the same day).
    """
    tz = plan.patient.clinic.tzinfo
    visits = {moment.astimezone(tz).date() for moment in plan.sessions.values_list("created_at", flat=True)}
    visits |= {
        moment.astimezone(tz).date()
        for moment in plan.appointments.exclude(status__in=NOT_A_VISIT).values_list("starts_at", flat=True)
    }
    first_day = max(plan.starts_on, today)
    if visits:
        gap = plan.patient.clinic.settings.follow_up_gap_days_min
        first_day = max(first_day, min(visits) + datetime.timedelta(days=gap))
    return first_day, visits


def _proposals(plan, *, practitioner, appointment_type, preferred_time) -> tuple[list, list]:
    """Free slots inside the rest of the window, and the ones spread across it for the sessions still to book."""
    tz = plan.patient.clinic.tzinfo
    today = timezone.localdate(timezone=tz)
    first_day, visits = _first_follow_up_day(plan, today)
    free = list_free_slots(
        practitioner=practitioner, appointment_type=appointment_type, starts_on=first_day, ends_on=plan.ends_on
    )
    if plan.patient.clinic.settings.follow_up_gap_days_min:  # one visit a day
        free = [slot for slot in free if slot.astimezone(tz).date() not in visits]
    wanted = services.sessions_left_to_book(plan)
    spread = spread_slots(
        free, starts_on=first_day, ends_on=plan.ends_on, count=max(wanted, 0), tz=tz, preferred_time=preferred_time
    )
    return free, spread


@clinic_member()
@require_http_methods(["GET", "POST"])
def propose(request: ClinicRequest, plan_id):
    """Propose appointments spread across the course window from the practitioner's free time; book the chosen."""
    plan = selectors.get_plan(request.user, plan_id)
    if request.method == "GET":
        record_view(instance=plan, by=request.user, shown_in="propose appointments")
    types = list(list_appointment_types(request.user, active_only=True))
    if not types:
        messages.error(request, "The clinic has no appointment types yet: an owner adds them under Schedule.")
        return redirect(plan)
    initial = {
        "practitioner": str(plan.practitioner.membership.public_id),
        "appointment_type": str(_default_type(plan, types).public_id),
    }
    data = request.POST if request.method == "POST" else request.GET if "practitioner" in request.GET else initial
    choose = ProposeForm(data, user=request.user, types=types)
    proposals, free = [], []
    if choose.is_valid():
        free, proposals = _proposals(plan, **choose.cleaned_data)
    book = BookCourseForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        types=types,
        proposals=free,
        initial={name: data.get(name, "") for name in ("practitioner", "appointment_type", "preferred_time")},
    )
    if request.method == "POST" and book.is_valid():
        try:
            booked = services.book_course(
                plan=plan,
                appointment_type=book.cleaned_data["appointment_type"],
                slots=book.cleaned_data["slots"],
                practitioner=book.cleaned_data["practitioner"],
                by=request.user,
            )
        except ClinicRuleError as error:
            book.add_error(None, str(error))
        else:
            messages.success(request, f"{len(booked)} appointment{'s' if len(booked) != 1 else ''} booked.")
            return redirect(plan)
    tz = plan.patient.clinic.tzinfo
    other_days: dict = {}
    for slot in free:
        if slot not in proposals:
            other_days.setdefault(slot.astimezone(tz).date(), []).append(slot)
    chosen = set()
    if request.method == "POST":
        chosen = set(request.POST.getlist("slots"))
    else:
        chosen = {slot.isoformat() for slot in proposals}
    return render(
        request,
        "plans/propose.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "form": choose,
            "book_form": book,
            "proposals": proposals,
            "free": free,
            "other_days": sorted(other_days.items()),
            "chosen": chosen,
            "remaining": services.sessions_left_to_book(plan),
        },
    )


@clinic_member(may="end_plan")
@require_POST
def plan_end(request: ClinicRequest, plan_id):
    plan = selectors.get_plan(request.user, plan_id)
    form = EndPlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how the course ends.")
        return redirect(plan)
    try:
        services.end_plan(plan=plan, by=request.user, **form.cleaned_data)
    except ClinicRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Course closed.")
    return redirect(plan)
