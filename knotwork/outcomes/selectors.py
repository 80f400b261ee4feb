"""Scoped reads of questionnaires, the change since each baseline, and the series the charts plot."""

import datetime
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from knotwork.outcomes import scoring
from knotwork.outcomes.charts import Point
from knotwork.outcomes.models import Instrument, QuestionnaireResponse, QuestionnaireText

IMPORTANT_CHANGE_SETTING = {
    Instrument.ODI: "odi_important_change",
    Instrument.NDI: "ndi_important_change",
    Instrument.PSFS: "psfs_important_change",
    Instrument.NPRS: "responder_points",
}


def list_questionnaires(
    user, patient, *, instrument: str = "", since=None, until=None
) -> QuerySet[QuestionnaireResponse]:
    """A patient's responses, newest first; `since`/`until` as in `pain_series` (dates are the clinic's days)."""
    responses = QuestionnaireResponse.objects.for_user(user).filter(patient=patient)
    if instrument:
        responses = responses.filter(instrument=instrument)
    since, until = _bounds(patient, since, until)
    if since is not None:
        responses = responses.filter(taken_at__gte=since)
    if until is not None:
        responses = responses.filter(taken_at__lte=until)
    return responses.select_related("patient", "recorded_by", "session", "plan")


def get_questionnaire(user, public_id) -> QuestionnaireResponse:
    return get_object_or_404(
        QuestionnaireResponse.objects.for_user(user).select_related("patient", "recorded_by", "wording"),
        public_id=public_id,
    )


def list_wordings(user) -> QuerySet[QuestionnaireText]:
    return QuestionnaireText.objects.for_user(user).select_related("uploaded_by")


def current_wording(clinic, instrument: str) -> QuestionnaireText | None:
    """The clinic's newest upload of the licensed wording, or None (then only section names are shown)."""
    return QuestionnaireText.objects.filter(clinic=clinic, instrument=instrument).order_by("-created_at").first()


def _uuid(value) -> uuid.UUID:
    """A public id from a query string or payload; anything else is 'not found', never a server error."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise Http404("No such record.") from None


def get_patient_session(user, patient, public_id):
    session_model = apps.get_model("treatment", "TreatmentSession")
    return get_object_or_404(session_model.objects.for_user(user), patient=patient, public_id=_uuid(public_id))


def get_patient_plan(user, patient, public_id):
    plan_model = apps.get_model("plans", "TreatmentPlan")
    return get_object_or_404(plan_model.objects.for_user(user), patient=patient, public_id=_uuid(public_id))


def list_patient_plans(user, patient):
    plan_model = apps.get_model("plans", "TreatmentPlan")
    return plan_model.objects.for_user(user).filter(patient=patient).order_by("-starts_on", "-created_at")


def course_dates(plan) -> tuple[datetime.date, datetime.date]:
    """The days a course covers: from its start to the day it ended, or to the end of its window while it runs."""
    if plan.ended_at is not None:
        return plan.starts_on, plan.ended_at.astimezone(plan.patient.clinic.tzinfo).date()
    return plan.starts_on, max(plan.ends_on, timezone.localdate(timezone=plan.patient.clinic.tzinfo))


def active_plan(patient):
    """The patient's active course, linked to a new response by default."""
    plan_model = apps.get_model("plans", "TreatmentPlan")
    return plan_model.objects.filter(patient=patient, status="active").order_by("-starts_on").first()


def baseline_psfs(patient, *, plan=None) -> QuestionnaireResponse | None:
    """The first PSFS the patient answered (in the course when given): follow-ups re-rate its activities."""
    responses = QuestionnaireResponse.objects.filter(patient=patient, instrument=Instrument.PSFS)
    if plan is not None and responses.filter(plan=plan).exists():
        responses = responses.filter(plan=plan)
    return responses.order_by("taken_at", "created_at").first()


@dataclass(frozen=True)
class OutcomeRow:
    response: QuestionnaireResponse
    baseline: QuestionnaireResponse | None  # None: this is the baseline
    change: scoring.Change | None
    responder: scoring.Response | None  # pain ratings only


def _compare(first: QuestionnaireResponse, later: QuestionnaireResponse, settings) -> scoring.Change | None:
    threshold = getattr(settings, IMPORTANT_CHANGE_SETTING[later.instrument])
    return scoring.compare(
        later.instrument,
        first.answers,
        later.answers,
        threshold=threshold,
        baseline_activities=first.activities,
        followup_activities=later.activities,
    )


def outcome_rows(responses, settings) -> list[OutcomeRow]:
    """Each response, newest first, with its change since the first of the same questionnaire."""
    ordered = sorted(responses, key=lambda r: (r.taken_at, r.created_at))
    firsts: dict[str, QuestionnaireResponse] = {}
    rows = []
    for response in ordered:
        first = firsts.setdefault(response.instrument, response)
        if first is response:
            rows.append(OutcomeRow(response, None, None, None))
            continue
        responder = None
        if response.instrument == Instrument.NPRS:
            responder = scoring.responder(
                int(first.raw), int(response.raw), points=settings.responder_points, percent=settings.responder_percent
            )
        rows.append(OutcomeRow(response, first, _compare(first, response, settings), responder))
    return rows[::-1]


# --- Chart series ------------------------------------------------------------------------------------------------


def _bounds(patient, since, until) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """Dates count whole days in the clinic's time zone; datetimes are taken as they are."""
    tz = patient.clinic.tzinfo

    def start_of(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)

    if since is not None and not isinstance(since, datetime.datetime):
        since = start_of(since)
    if until is not None and not isinstance(until, datetime.datetime):
        until = start_of(until + datetime.timedelta(days=1)) - datetime.timedelta(microseconds=1)
    return since, until


def _within(at, since, until) -> bool:
    return at is not None and (since is None or at >= since) and (until is None or at <= until)


def pain_series(patient, *, since=None, until=None) -> list[Point]:
    """Pain 0-10 over time: before and after each session, check-ins, pain ratings (NPRS) and the diary, oldest first.

    `since`/`until` are dates (whole days in the clinic's time zone, e.g. a plan's course) or datetimes.
    """
    since, until = _bounds(patient, since, until)
    points: list[Point] = []
    sessions = apps.get_model("treatment", "TreatmentSession").objects.filter(patient=patient)
    for started, ended, before, after in sessions.values_list("created_at", "ended_at", "pain_before", "pain_after"):
        if _within(started, since, until):
            points.append(Point(started, before, "before session"))
        if after is not None and _within(ended or started, since, until):
            points.append(Point(ended or started, after, "after session"))
    for at, value in _check_in_pain(patient):
        if _within(at, since, until):
            points.append(Point(at, value, "check-in"))
    for at, value in _diary_pain(patient):
        if _within(at, since, until):
            points.append(Point(at, value, "diary"))
    ratings = QuestionnaireResponse.objects.filter(patient=patient, instrument=Instrument.NPRS)
    for at, raw in ratings.values_list("taken_at", "raw"):
        if _within(at, since, until):
            points.append(Point(at, int(raw), "pain rating"))
    return sorted(points, key=lambda p: (p.at, p.label))


def _check_in_pain(patient) -> list[tuple[datetime.datetime, int]]:
    """Pain the patient answered at check-ins after sessions."""
    from knotwork.followup.models import CheckIn

    answered = CheckIn.objects.filter(patient=patient, pain__isnull=False, answered_at__isnull=False)
    return list(answered.values_list("answered_at", "pain"))


def _diary_pain(patient) -> list[tuple[datetime.datetime, int]]:
    """The patient's pain diary, one reading a day, placed at noon of that day in the clinic's time zone."""
    from knotwork.followup.models import DiaryEntry

    tz = patient.clinic.tzinfo
    return [
        (datetime.datetime.combine(day, datetime.time(12), tzinfo=tz), pain)
        for day, pain in DiaryEntry.objects.filter(patient=patient).values_list("recorded_on", "pain")
    ]


def questionnaire_series(patient, instrument: str, *, since=None, until=None) -> list[Point]:
    """ODI/NDI percent, PSFS mean or pain rating per response, oldest first (same bounds as `pain_series`)."""
    since, until = _bounds(patient, since, until)
    responses = QuestionnaireResponse.objects.filter(patient=patient, instrument=instrument).order_by(
        "taken_at", "created_at"
    )
    return [
        Point(r.taken_at, r.value, r.get_occasion_display().lower())
        for r in responses.only("taken_at", "raw", "percent", "occasion", "instrument")
        if _within(r.taken_at, since, until)
    ]
