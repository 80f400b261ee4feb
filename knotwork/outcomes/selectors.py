"""Scoped reads of questionnaires, the change since each baseline, the series the charts plot, the course review."""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from knotwork.assessment.models import TriggerPointFinding
from knotwork.atlas.catalog import get_atlas
from knotwork.outcomes import hooks, scoring
from knotwork.outcomes.charts import Point
from knotwork.outcomes.models import Instrument, QuestionnaireResponse, QuestionnaireText
from knotwork.outcomes.scoring import Response
from knotwork.plans.models import PlanStatus, TreatmentPlan
from knotwork.plans.selectors import list_plans
from knotwork.treatment.models import SessionStatus, TreatmentSession

IMPORTANT_CHANGE_SETTING: dict[str, str] = {
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
    return get_object_or_404(TreatmentSession.objects.for_user(user), patient=patient, public_id=_uuid(public_id))


def get_patient_plan(user, patient, public_id):
    return get_object_or_404(TreatmentPlan.objects.for_user(user), patient=patient, public_id=_uuid(public_id))


def list_patient_plans(user, patient):
    return TreatmentPlan.objects.for_user(user).filter(patient=patient).order_by("-starts_on", "-created_at")


def course_dates(plan) -> tuple[datetime.date, datetime.date]:
    """The days a course covers: from its start to the day it ended, or to the end of its window while it runs."""
    if plan.ended_at is not None:
        return plan.starts_on, plan.ended_at.astimezone(plan.patient.clinic.tzinfo).date()
    return plan.starts_on, max(plan.ends_on, timezone.localdate(timezone=plan.patient.clinic.tzinfo))


def active_plan(patient):
    """The patient's active course, linked to a new response by default."""
    return TreatmentPlan.objects.filter(patient=patient, status=PlanStatus.ACTIVE).order_by("-starts_on").first()


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
    sessions = TreatmentSession.objects.filter(patient=patient)
    for started, ended, before, after in sessions.values_list("created_at", "ended_at", "pain_before", "pain_after"):
        if _within(started, since, until):
            points.append(Point(started, before, "before session"))
        if after is not None and _within(ended or started, since, until):
            points.append(Point(ended or started, after, "after session"))
    for readings in hooks.pain_readings.call(patient=patient):  # check-ins and the diary (knotwork.followup)
        points += [Point(at, value, label) for at, value, label in readings if _within(at, since, until)]
    ratings = QuestionnaireResponse.objects.filter(patient=patient, instrument=Instrument.NPRS)
    for at, raw in ratings.values_list("taken_at", "raw"):
        if _within(at, since, until):
            points.append(Point(at, int(raw), "pain rating"))
    return sorted(points, key=lambda p: (p.at, p.label))


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


# --- Course review ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PainReport:
    at: datetime.datetime
    value: int
    source: str  # "session", "check-in", "pain rating", "diary"


@dataclass(frozen=True)
class PptChange:
    muscle: str  # the atlas name
    side: str
    first_kpa: Decimal
    latest_kpa: Decimal
    first_on: datetime.date
    latest_on: datetime.date

    @property
    def change_kpa(self) -> Decimal:
        return self.latest_kpa - self.first_kpa

    @property
    def change_percent(self) -> Decimal | None:
        if not self.first_kpa:
            return None
        return (self.change_kpa * 100 / self.first_kpa).quantize(Decimal("1"))


@dataclass(frozen=True)
class CourseReview:
    plan: TreatmentPlan
    due: bool  # the window has ended or the last planned session is done
    sessions_done: int
    baseline: PainReport | None
    latest: PainReport | None
    response: Response | None  # None: not enough pain reports to judge
    points: int
    percent: int
    reports: list[PainReport]
    ppt_changes: list[PptChange]

    @property
    def responder(self) -> bool | None:
        return None if self.response is None else self.response.responder

    @property
    def needs_reassessment(self) -> bool:
        return self.due and self.response is not None and not self.response.responder


# The chart's labels for the readings the review counts, and the words the review uses for them.
COUNTED_SOURCES = {"before session": "session", "check-in": "check-in", "pain rating": "pain rating", "diary": "diary"}


def course_days(plan: TreatmentPlan) -> tuple[datetime.date, datetime.date]:
    """The course's first and last day: its window, or up to the day it ended."""
    end = plan.ended_at.astimezone(plan.patient.clinic.tzinfo).date() if plan.ended_at else plan.ends_on
    return plan.starts_on, end


def pain_reports(plan: TreatmentPlan) -> list[PainReport]:
    """Every pain score the patient gave during the course, oldest first: the same readings the chart plots.

    The pain before each session, the check-ins, pain ratings (NRS) and the diary: how the pain is between
    visits. The pain just after a session is left out on purpose: it shows the immediate effect of that
    session, not the course.
    """
    since, until = course_days(plan)
    return [
        PainReport(point.at, int(point.value), COUNTED_SOURCES[point.label])
        for point in pain_series(plan.patient, since=since, until=until)
        if point.label in COUNTED_SOURCES
    ]


def ppt_changes(plan: TreatmentPlan) -> list[PptChange]:
    """Pressure pain threshold per trigger point (muscle and side): the first reading against the latest.

    Readings come from examinations from 30 days before the course started (the assessment that led to the plan)
    to its end.
    """
    since = plan.starts_on - datetime.timedelta(days=30)
    findings = TriggerPointFinding.objects.filter(
        patient=plan.patient, ppt_kpa__isnull=False, examination__created_at__date__gte=since
    ).order_by("examination__created_at")
    if plan.ended_at:
        findings = findings.filter(examination__created_at__lte=plan.ended_at)
    by_point: dict[tuple[str, str], list] = {}
    for finding in findings.select_related("examination"):
        by_point.setdefault((finding.muscle, finding.side), []).append(finding)
    muscles = get_atlas().muscles
    changes = []
    for (muscle, side), readings in by_point.items():
        if len(readings) >= 2:
            first, latest = readings[0], readings[-1]
            changes.append(
                PptChange(
                    muscles[muscle].name if muscle in muscles else muscle,
                    side,
                    first.ppt_kpa,
                    latest.ppt_kpa,
                    first.examination.created_at.date(),
                    latest.examination.created_at.date(),
                )
            )
    return sorted(changes, key=lambda c: (c.muscle, c.side))


def course_review(plan: TreatmentPlan, *, today: datetime.date | None = None) -> CourseReview:
    """Responder or not by the clinic's rule (seed and sources: pain down 2 points or 30 %)."""
    clinic_settings = plan.patient.clinic.settings
    today = today or timezone.localdate(timezone=plan.patient.clinic.tzinfo)
    sessions_done = plan.sessions.exclude(status=SessionStatus.IN_PROGRESS).count()
    reports = pain_reports(plan)
    baseline = reports[0] if reports else None
    later = [r for r in reports[1:] if baseline and r.at > baseline.at]
    latest = later[-1] if later else None
    response = None
    if baseline is not None and latest is not None:
        response = scoring.responder(
            baseline.value,
            latest.value,
            points=clinic_settings.responder_points,
            percent=clinic_settings.responder_percent,
        )
    return CourseReview(
        plan=plan,
        due=today >= plan.ends_on or sessions_done >= plan.max_sessions or plan.status != PlanStatus.ACTIVE,
        sessions_done=sessions_done,
        baseline=baseline,
        latest=latest,
        response=response,
        points=clinic_settings.responder_points,
        percent=clinic_settings.responder_percent,
        reports=reports,
        ppt_changes=ppt_changes(plan),
    )


def courses_ending_soon(user, *, today: datetime.date, days: int = 3, practitioner=None) -> list[TreatmentPlan]:
    """Active courses whose window ends within `days` days or that have used their sessions (to review).

    Chosen in SQL: a large clinic keeps well over a thousand courses active, and the Today page shows a handful.
    A window's end is its start plus its length, so each length the clinic's courses use gives one range of starts.
    """
    plans = list_plans(user).filter(status=PlanStatus.ACTIVE)
    if practitioner is not None:
        plans = plans.filter(practitioner=practitioner)
    horizon = today + datetime.timedelta(days=days)
    lengths = sorted(set(plans.order_by().values_list("window_days_max", flat=True).distinct()))
    if not lengths:
        return []
    ending = Q()
    for length in lengths:
        ending |= Q(window_days_max=length, starts_on__lte=horizon - datetime.timedelta(days=length))
    done = (
        TreatmentSession.objects.filter(plan=OuterRef("pk"))
        .exclude(status=SessionStatus.IN_PROGRESS)
        .order_by()
        .values("plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    chosen = plans.annotate(done=Coalesce(Subquery(done), 0)).filter(ending | Q(done__gte=F("max_sessions")))
    return sorted(chosen, key=lambda p: p.ends_on)
