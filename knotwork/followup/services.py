"""The one way to schedule, send and answer check-ins, raise and resolve flags, and keep the pain diary."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import default_task_backend
from django.template.loader import render_to_string
from django.utils import timezone

from knotwork.accounts.policy import staff_user
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, SystemActor, require
from knotwork.followup import hooks, tasks
from knotwork.followup.models import (
    CHECK_IN_ANSWER_WINDOW,
    CHECK_IN_TRANSITIONS,
    CheckIn,
    CheckInStatus,
    DiaryEntry,
    Flag,
    FlagKind,
    FlagStatus,
    NeuroSymptom,
    QuestionnaireRequest,
)
from knotwork.messaging.models import MessagePurpose
from knotwork.messaging.services import send_to_patient
from knotwork.outcomes.models import LICENSED, Instrument, Occasion
from knotwork.outcomes.selectors import course_review, current_wording
from knotwork.plans.models import PlanStatus, TreatmentPlan

# Answers past a threshold raise flags by Knotwork's rules, whoever answered.
CHECK_IN_RULES = SystemActor("check-in answers")


def check_in_hours(clinic_settings) -> list[int]:
    """When check-ins go out, in hours after the session: the clinic's soreness window (seed: 24 h and 36 h)."""
    return sorted({clinic_settings.soreness_fade_hours_min, clinic_settings.soreness_fade_hours_max})


def _enqueue_send(check_in: CheckIn) -> None:
    # A deferring backend (django-tasks-db + db_worker) wakes at the due time; without one, the sweep
    # (`manage.py send_due_messages`, run by cron) sends it. Both end in the same idempotent service.
    if default_task_backend.supports_defer:
        transaction.on_commit(
            lambda: tasks.send_check_in_task.using(run_after=check_in.due_at).enqueue(check_in_id=check_in.pk)
        )


@transaction.atomic
def schedule_check_ins(*, session, by: Actor) -> list[CheckIn]:
    """Plan the check-ins after a finished session (once; finishing twice does not duplicate them)."""
    require(by, "schedule_check_ins", session)
    if session.ended_at is None:
        raise ClinicRuleError("Check-ins are planned when the session is finished.")
    hours = check_in_hours(session.patient.clinic.settings)
    check_ins = []
    for index, hours_after in enumerate(hours):
        check_in, created = CheckIn.objects.get_or_create(
            session=session,
            hours_after=hours_after,
            defaults={
                "clinic_id": session.clinic_id,
                "patient": session.patient,
                "plan": session.plan,
                "is_last": index == len(hours) - 1,
                "due_at": session.ended_at + datetime.timedelta(hours=hours_after),
            },
        )
        if created:
            _enqueue_send(check_in)
        check_ins.append(check_in)
    return check_ins


def _transition(check_in: CheckIn, new: str) -> None:
    if new not in CHECK_IN_TRANSITIONS[CheckInStatus(check_in.status)]:
        raise ClinicRuleError(f"This check-in is already {check_in.get_status_display().lower()}.")
    check_in.status = new


@transaction.atomic
def send_check_in(*, check_in_id: int, by: Actor, now: datetime.datetime | None = None) -> bool:
    """Send one due check-in through the patient's private link; False when it is not due or already sent."""
    now = now or timezone.now()
    check_in = (
        CheckIn.objects.select_for_update(of=("self",)).select_related("patient__clinic", "session").get(pk=check_in_id)
    )
    require(by, "send_check_in", check_in)
    if check_in.status != CheckInStatus.SCHEDULED or check_in.due_at > now:
        return False
    if now >= check_in.due_at + CHECK_IN_ANSWER_WINDOW:
        return False  # too late to ask (the worker was down): it stays unanswered and shows as missed
    link, token = hooks.check_in_link.one()(
        check_in=check_in, expires_at=check_in.due_at + CHECK_IN_ANSWER_WINDOW, by=by, now=now
    )
    clinic = check_in.patient.clinic
    with timezone.override(clinic.tzinfo):
        body = render_to_string(
            "followup/email/check_in.txt",
            {
                "check_in": check_in,
                "clinic": clinic,
                "url": hooks.link_url.one()(token),
                "session_day": check_in.session.ended_at,
                "open_until": link.expires_at,
            },
        )
    send_to_patient(
        patient=check_in.patient,
        subject=f"[{clinic.name}] How are you after your session?",
        body=body,
        purpose=MessagePurpose.CHECK_IN,
        reference=str(check_in.public_id),
    )
    _transition(check_in, CheckInStatus.SENT)
    check_in.sent_at = now
    check_in.save(update_fields=["status", "sent_at", "updated_at"])
    return True


def send_due_check_ins(*, by: Actor, now: datetime.datetime | None = None) -> int:
    """Send every check-in whose time has come and not yet gone (each in its own transaction); return how many."""
    require(by, "send_due_check_ins")
    now = now or timezone.now()
    due = CheckIn.objects.filter(
        status=CheckInStatus.SCHEDULED, due_at__lte=now, due_at__gt=now - CHECK_IN_ANSWER_WINDOW
    ).values_list("pk", flat=True)
    return sum(send_check_in(check_in_id=pk, by=by, now=now) for pk in list(due))


@transaction.atomic
def record_check_in(
    *,
    check_in: CheckIn,
    soreness: int,
    pain: int,
    neuro_symptoms: list[str] | None = None,
    adverse_event: str = "",
    new_symptom: str = "",
    by: Actor,
    now: datetime.datetime | None = None,
) -> list[Flag]:
    """Save the patient's answers and raise the flags a clinician must see; return the flags raised."""
    require(by, "answer_check_in", check_in)
    now = now or timezone.now()
    check_in = (
        CheckIn.objects.select_for_update(of=("self",)).select_related("patient__clinic__settings").get(pk=check_in.pk)
    )
    neuro_symptoms = list(dict.fromkeys(neuro_symptoms or []))
    errors = {}
    for name, value in (("soreness", soreness), ("pain", pain)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10:
            errors[name] = "Choose a number from 0 to 10."
    unknown = [value for value in neuro_symptoms if value not in NeuroSymptom.values]
    if unknown:
        errors["neuro_symptoms"] = "Choose symptoms from the list."
    if errors:
        raise ValidationError(errors)
    if now < check_in.due_at:
        opens = timezone.localtime(check_in.due_at, check_in.patient.clinic.tzinfo)
        raise ClinicRuleError(f"This check-in opens on {opens:%A %d %B at %H:%M}.")
    _transition(check_in, CheckInStatus.ANSWERED)
    check_in.soreness, check_in.pain = soreness, pain
    check_in.neuro_symptoms = neuro_symptoms
    check_in.adverse_event = adverse_event.strip()
    check_in.new_symptom = new_symptom.strip()
    check_in.answered_at = now
    check_in.full_clean()
    check_in.save()

    threshold = check_in.patient.clinic.settings.soreness_flag_threshold
    raised = []

    def flag(kind: str, detail: str) -> None:
        raised.append(
            raise_flag(
                patient=check_in.patient,
                kind=kind,
                detail=detail,
                check_in=check_in,
                plan=check_in.plan,
                practitioner=check_in.session.practitioner,
                by=CHECK_IN_RULES,
            )
        )

    if check_in.is_last and soreness >= threshold:
        flag(
            FlagKind.LASTING_SORENESS,
            f"Soreness {soreness}/10 at the {check_in.hours_after} h check-in (flag from {threshold}/10).",
        )
    if neuro_symptoms:
        labels = ", ".join(NeuroSymptom(value).label.lower() for value in neuro_symptoms)
        flag(FlagKind.NEURO_SYMPTOM, f"Reported at the {check_in.hours_after} h check-in: {labels}.")
    if check_in.adverse_event:
        flag(FlagKind.ADVERSE_EVENT, check_in.adverse_event)
    if check_in.new_symptom:
        flag(FlagKind.WORRYING_SYMPTOM, check_in.new_symptom)
    return raised


def raise_flag(*, patient, kind: str, detail: str = "", check_in=None, plan=None, practitioner=None, by: Actor) -> Flag:
    """Open a flag; an open flag of the same kind for the same course or check-in is reused, not doubled."""
    require(by, "raise_flag", patient)
    existing = Flag.objects.filter(
        patient=patient, kind=kind, status=FlagStatus.OPEN, check_in=check_in, plan=plan
    ).first()
    if existing is not None:
        return existing
    flag = Flag(
        clinic_id=patient.clinic_id,
        patient=patient,
        kind=FlagKind(kind),
        detail=detail[:1000],
        check_in=check_in,
        plan=plan,
        practitioner=practitioner,
    )
    flag.full_clean()
    flag.save()
    return flag


@transaction.atomic
def resolve_flag(*, flag: Flag, by: Actor, resolution: str) -> Flag:
    require(by, "resolve_flag", flag)
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != FlagStatus.OPEN:
        raise ClinicRuleError("This flag was already resolved.")
    if len(resolution.strip()) < 5:
        raise ClinicRuleError("Write what you did about it (for example: phoned the patient, advised rest).")
    flag.status = FlagStatus.RESOLVED
    flag.resolution = resolution.strip()
    flag.resolved_by = staff_user(by)
    flag.resolved_at = timezone.now()
    flag.save()
    return flag


@transaction.atomic
def cancel_check_ins(*, session, by: Actor) -> int:
    """Stop the check-ins of a session that are not out yet (the patient asked to stop, the session was voided)."""
    require(by, "cancel_check_ins", session)
    return CheckIn.objects.filter(session=session, status=CheckInStatus.SCHEDULED).update(
        status=CheckInStatus.CANCELLED, updated_at=timezone.now()
    )


@transaction.atomic
def add_diary_entry(*, patient, recorded_on: datetime.date, pain: int, note: str = "", by: Actor) -> DiaryEntry:
    require(by, "add_diary_entry", patient)
    today = timezone.localdate(timezone=patient.clinic.tzinfo)
    if recorded_on > today:
        raise ValidationError({"recorded_on": "The diary cannot hold a day that has not happened yet."})
    if recorded_on < today - datetime.timedelta(days=365):
        raise ValidationError({"recorded_on": "Choose a day in the last year."})
    # One line a day: writing the same day again replaces that day's line.
    entry = DiaryEntry.objects.filter(patient=patient, recorded_on=recorded_on).first() or DiaryEntry(
        clinic_id=patient.clinic_id, patient=patient, recorded_on=recorded_on
    )
    entry.pain, entry.note = pain, note
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def request_questionnaire(*, patient, instrument: str, occasion: str, by: Actor, plan=None) -> QuestionnaireRequest:
    """Ask the patient to fill a questionnaire on their care page; an open request for the same one is reused."""
    require(by, "request_questionnaire", patient)
    if instrument not in Instrument.values or occasion not in Occasion.values:
        raise ClinicRuleError("Choose a questionnaire and when it is for.")
    if instrument in LICENSED and current_wording(patient.clinic, instrument) is None:
        raise ClinicRuleError(
            f"The clinic has not loaded its licensed wording of the {Instrument(instrument).label}, so patients "
            "cannot fill it online. An owner loads it under Settings; until then, use it on paper in the clinic."
        )
    existing = QuestionnaireRequest.objects.filter(
        patient=patient, instrument=instrument, occasion=occasion, completed_at=None, withdrawn_at=None
    ).first()
    if existing is not None:
        return existing
    return QuestionnaireRequest.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        instrument=instrument,
        occasion=occasion,
        plan=plan,
        requested_by=staff_user(by),
    )


@transaction.atomic
def complete_questionnaire_request(*, questionnaire_request: QuestionnaireRequest, response, by: Actor) -> None:
    require(by, "complete_questionnaire_request", questionnaire_request)
    locked = QuestionnaireRequest.objects.select_for_update().get(pk=questionnaire_request.pk)
    if not locked.is_open:
        raise ClinicRuleError("This questionnaire was already filled.")
    locked.response = response
    locked.completed_at = timezone.now()
    locked.save(update_fields=["response", "completed_at", "updated_at"])


@transaction.atomic
def withdraw_questionnaire_request(*, questionnaire_request: QuestionnaireRequest, by: Actor) -> None:
    require(by, "withdraw_questionnaire_request", questionnaire_request)
    QuestionnaireRequest.objects.filter(pk=questionnaire_request.pk, completed_at=None, withdrawn_at=None).update(
        withdrawn_at=timezone.now(), updated_at=timezone.now()
    )


def flag_courses_without_response(*, by: Actor, today: datetime.date | None = None, plans=None) -> int:
    """Raise a reassess-or-refer flag for every active course whose review is due and shows no response.

    Returns how many flags were raised now.
    """
    require(by, "flag_courses_without_response")
    plans = plans if plans is not None else TreatmentPlan.objects.filter(status=PlanStatus.ACTIVE)
    # Once per course: a flag a clinician resolved is not raised again by the next sweep.
    flagged = Flag.objects.filter(kind=FlagKind.NOT_RESPONDING, plan__isnull=False).values("plan_id")
    raised = 0
    for plan in plans.exclude(pk__in=flagged).select_related("patient__clinic__settings"):
        review = course_review(plan, today=today)
        response, baseline, latest = review.response, review.baseline, review.latest
        if review.needs_reassessment and response is not None and baseline is not None and latest is not None:
            change = response.change
            raise_flag(
                patient=plan.patient,
                kind=FlagKind.NOT_RESPONDING,
                detail=(
                    f"Pain {baseline.value} → {latest.value} ({change:+d}) over the course: below the "
                    f"responder rule ({review.points} points or {review.percent} %). Reassess, or refer."
                ),
                plan=plan,
                practitioner=plan.practitioner,
                by=by,
            )
            raised += 1
    return raised
