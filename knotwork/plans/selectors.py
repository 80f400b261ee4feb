"""Reads of treatment plans, scoped to the acting user's clinic."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from knotwork.outcomes import scoring
from knotwork.outcomes.scoring import Response
from knotwork.plans.models import HomeExercise, PlanStatus, TreatmentPlan
from knotwork.treatment.models import SessionStatus


def list_plans(user, *, patient=None) -> QuerySet[TreatmentPlan]:
    plans = TreatmentPlan.objects.for_user(user).select_related("patient", "practitioner")
    if patient is not None:
        plans = plans.filter(patient=patient)
    return plans


def get_plan(user, plan_id) -> TreatmentPlan:
    return get_object_or_404(list_plans(user), public_id=plan_id)


def current_plan_for_patient(patient) -> TreatmentPlan | None:
    """The patient's active course (the latest, if a clinic ever runs two); for the patient's own pages."""
    return TreatmentPlan.objects.filter(patient=patient, status=PlanStatus.ACTIVE).order_by("-starts_on").first()


def home_program(plan: TreatmentPlan) -> QuerySet[HomeExercise]:
    return plan.home_program.filter(removed_at=None)


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
    from knotwork.outcomes.selectors import pain_series

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
    from knotwork.assessment.models import TriggerPointFinding

    since = plan.starts_on - datetime.timedelta(days=30)
    findings = TriggerPointFinding.objects.filter(
        patient=plan.patient, ppt_kpa__isnull=False, examination__created_at__date__gte=since
    ).order_by("examination__created_at")
    if plan.ended_at:
        findings = findings.filter(examination__created_at__lte=plan.ended_at)
    by_point: dict[tuple[str, str], list] = {}
    for finding in findings.select_related("examination"):
        by_point.setdefault((finding.muscle, finding.side), []).append(finding)
    from knotwork.atlas.catalog import get_atlas

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


def courses_ending_soon(user, *, today: datetime.date, days: int = 3) -> list[TreatmentPlan]:
    """Active courses whose window ends within `days` days or that have used their sessions (to review)."""
    plans = list_plans(user).filter(status=PlanStatus.ACTIVE)
    soon = []
    for plan in plans.annotate(done=Count("sessions", filter=~Q(sessions__status=SessionStatus.IN_PROGRESS))):
        if plan.ends_on <= today + datetime.timedelta(days=days) or plan.done >= plan.max_sessions:
            soon.append(plan)
    return sorted(soon, key=lambda p: p.ends_on)
