"""Work out one clinic's figures from its records: run by the task worker and the command, never per page view.

Two passes, each a chunk at a time so memory stays flat at a clinic group's size:
- courses (treatment plans): the clinic's own course review (`outcomes.selectors.course_review`) says whether
  the course responded by the clinic's rule; the same rule (`outcomes.scoring.responder` with the review's
  thresholds) applied to each pain report in turn gives the day relief was first reached;
- sessions: soreness at the check-ins, the soreness flag, adverse events.

The results are counts per group and period (`Counts`), stored as JSON in `EvidenceSummary.figures`; rates and
intervals are worked out when the page is shown (`knotwork.evidence.selectors`), so pooled figures can add counts.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from knotwork.assessment.models import Intake
from knotwork.atlas.catalog import get_atlas
from knotwork.evidence.stats import tabulate
from knotwork.followup.models import CheckIn, CheckInStatus, Flag, FlagKind
from knotwork.outcomes import scoring
from knotwork.outcomes.selectors import course_review
from knotwork.plans.models import TreatmentPlan
from knotwork.treatment.models import (
    Hold,
    NeedleEntry,
    SessionPoint,
    SessionStatus,
    TechniqueEntry,
    TechniqueKind,
    TreatmentSession,
)

CHUNK = 400
TECHNIQUES = (("pressure", "Pressure release"), ("needling", "Dry needling"), ("tens", "TENS"))
OTHER = "Other techniques only"
KIND_KEYS = {TechniqueKind.PRESSURE.value: "pressure", TechniqueKind.TENS.value: "tens"}
SESSION_GROUPS = ("1", "2", "3", "4", "5+")
RELIEF_GROUPS = (("0-3 days", 3), ("4-7 days", 7), ("8-14 days", 14), ("15 days or more", None))
NOT_RELIEVED = "Relief not reached"
TWITCH_GROUPS = ("0", "1", "2", "3", "4+")
GRADES = ("mild", "moderate", "severe", "ungraded")
LEFT_OUT = {
    "no_baseline": "no pain score at the start of the course",
    "no_follow_up": "no pain score after the first",
    "running": "course still within its window",
}


def technique_label(kinds: Iterable[str]) -> str:
    """'Pressure release + Dry needling' for a course or session that used both; the three named techniques only."""
    kinds = set(kinds)
    names = [label for key, label in TECHNIQUES if key in kinds]
    return " + ".join(names) if names else OTHER


@dataclass
class SessionDetail:
    kinds: set[str] = field(default_factory=set)  # "pressure", "needling", "tens", "other"
    muscles: set[str] = field(default_factory=set)
    twitches: int | None = None  # local twitch responses over the session's needling; None when not needled
    needle_events: list[tuple[str, str]] = field(default_factory=list)  # (kind, grade)


def session_details(session_ids: list[int]) -> dict[int, SessionDetail]:
    """What was done in each session: techniques, muscles treated, twitch responses, needling adverse events."""
    details: dict[int, SessionDetail] = {sid: SessionDetail() for sid in session_ids}
    held = Hold.objects.filter(point__session_id__in=session_ids).values_list("point__session_id", flat=True)
    for sid in set(held):
        details[sid].kinds.add("pressure")
    for sid, muscle in SessionPoint.objects.filter(session_id__in=session_ids).values_list("session_id", "muscle"):
        details[sid].muscles.add(muscle)
    for sid, kind in TechniqueEntry.objects.filter(session_id__in=session_ids).values_list("session_id", "kind"):
        details[sid].kinds.add(KIND_KEYS.get(kind, "other"))
    needling = NeedleEntry.objects.filter(session_id__in=session_ids).values_list(
        "session_id", "muscle", "twitch_responses", "adverse_event", "adverse_severity"
    )
    for sid, muscle, twitches, event, severity in needling:
        detail = details[sid]
        detail.kinds.add("needling")
        detail.muscles.add(muscle)
        detail.twitches = (detail.twitches or 0) + twitches
        if event:
            detail.needle_events.append((event, severity or "ungraded"))
    return details


# --- Courses ---------------------------------------------------------------------------------------------------------


@dataclass
class CourseFact:
    start: datetime.date
    practitioner: tuple[str, str]  # (key, name)
    technique: str
    muscles: set[str]
    regions: set[str]
    sessions: int
    outcome: str  # "evaluable" or a key of LEFT_OUT
    responder: bool = False
    relief_day: int | None = None  # days from the baseline report to the first report that met the rule
    followed_days: int = 0  # days from the baseline report to the last report
    # For the research export only (never counted into a summary):
    plan_id: int = 0
    patient_id: int = 0
    end: datetime.date | None = None
    baseline: int | None = None
    latest: int | None = None


def _day(at: datetime.datetime, tz) -> datetime.date:
    return timezone.localtime(at, tz).date()


def _drawings(patient_ids: set[int]) -> dict[int, list[tuple[datetime.datetime, list]]]:
    drawings: dict[int, list] = defaultdict(list)
    intakes = Intake.objects.filter(patient_id__in=patient_ids, submitted_at__isnull=False).order_by("submitted_at")
    for patient_id, submitted_at, drawing in intakes.values_list("patient_id", "submitted_at", "drawing"):
        drawings[patient_id].append((submitted_at, drawing or []))
    return drawings


def _regions_of(drawings: list[tuple[datetime.datetime, list]], started: datetime.datetime) -> set[str]:
    """The regions drawn on the latest intake before the course (the first one when none came before)."""
    if not drawings:
        return set()
    before = [drawing for at, drawing in drawings if at <= started]
    drawing = before[-1] if before else drawings[0][1]
    regions = get_atlas().regions
    return {
        regions[mark["region"]].name for mark in drawing if isinstance(mark, dict) and mark.get("region") in regions
    }


def course_facts(clinic, *, today: datetime.date) -> Iterator[CourseFact]:
    """One fact per course of the clinic, by the clinic's own course review."""
    tz = clinic.tzinfo
    muscles = get_atlas().muscles
    plans = TreatmentPlan.objects.filter(clinic=clinic).select_related("patient__clinic__settings", "practitioner")
    last_pk = 0
    while True:
        chunk = list(plans.filter(pk__gt=last_pk).order_by("pk")[:CHUNK])
        if not chunk:
            return
        last_pk = chunk[-1].pk
        sessions = (
            TreatmentSession.objects.filter(plan__in=chunk)
            .exclude(status=SessionStatus.IN_PROGRESS)
            .values_list("pk", "plan_id")
        )
        by_plan: dict[int, list[int]] = defaultdict(list)
        for sid, plan_id in sessions:
            by_plan[plan_id].append(sid)
        details = session_details([sid for sids in by_plan.values() for sid in sids])
        drawings = _drawings({plan.patient_id for plan in chunk})
        for plan in chunk:
            kinds, treated = set(), set()
            for sid in by_plan.get(plan.pk, []):
                kinds |= details[sid].kinds
                treated |= details[sid].muscles
            practitioner = plan.practitioner
            fact = CourseFact(
                start=plan.starts_on,
                practitioner=(str(practitioner.pk), practitioner.get_full_name() or practitioner.email),
                technique=technique_label(kinds),
                muscles={muscles[m].name if m in muscles else m for m in treated},
                regions=_regions_of(drawings.get(plan.patient_id, []), plan.created_at),
                sessions=len(by_plan.get(plan.pk, [])),
                outcome="evaluable",
                plan_id=plan.pk,
                patient_id=plan.patient_id,
                end=_day(plan.ended_at, tz) if plan.ended_at else None,
            )
            review = course_review(plan, today=today)
            if not review.due:
                fact.outcome = "running"
            elif review.baseline is None:
                fact.outcome = "no_baseline"
            elif review.response is None:
                fact.outcome = "no_follow_up"
            else:
                fact.responder = review.response.responder
                fact.baseline = review.baseline.value
                fact.latest = review.latest.value if review.latest else None
                first = _day(review.baseline.at, tz)
                later = [r for r in review.reports if r.at > review.baseline.at]
                fact.followed_days = (_day(later[-1].at, tz) - first).days
                for report in later:
                    reached = scoring.responder(
                        review.baseline.value, report.value, points=review.points, percent=review.percent
                    )
                    if reached.responder:
                        fact.relief_day = (_day(report.at, tz) - first).days
                        break
            yield fact


# --- Sessions --------------------------------------------------------------------------------------------------------


@dataclass
class SessionFact:
    day: datetime.date
    kinds: set[str]
    twitches: int | None
    soreness_first: int | None  # the first check-in's soreness (24 h by default), None: not answered
    soreness_last: int | None  # the last check-in's (36 h by default)
    last_answered: bool
    flagged: bool  # the lasting-soreness flag fired on the last check-in
    events: list[tuple[str, str, str]]  # (technique key, kind, grade)
    plan_id: int | None = None  # for the research export only


def session_facts(clinic) -> Iterator[SessionFact]:
    tz = clinic.tzinfo
    sessions = TreatmentSession.objects.filter(clinic=clinic).exclude(status=SessionStatus.IN_PROGRESS)
    last_pk = 0
    while True:
        chunk = list(
            sessions.filter(pk__gt=last_pk).order_by("pk").values_list("pk", "created_at", "plan_id")[: CHUNK * 4]
        )
        if not chunk:
            return
        last_pk = chunk[-1][0]
        ids = [sid for sid, _at, _plan in chunk]
        details = session_details(ids)
        answers: dict[int, dict[bool, int | None]] = defaultdict(dict)
        reported: dict[int, int] = defaultdict(int)
        check_ins = CheckIn.objects.filter(session_id__in=ids, status=CheckInStatus.ANSWERED).values_list(
            "session_id", "is_last", "soreness", "adverse_event"
        )
        for sid, is_last, soreness, event in check_ins:
            answers[sid][is_last] = soreness
            if event:
                reported[sid] += 1
        flagged = set(
            Flag.objects.filter(kind=FlagKind.LASTING_SORENESS, check_in__session_id__in=ids).values_list(
                "check_in__session_id", flat=True
            )
        )
        for sid, at, plan_id in chunk:
            detail = details[sid]
            events = [("needling", kind, grade) for kind, grade in detail.needle_events]
            # A patient's report at a check-in cannot be pinned on one technique: it counts for each one used.
            for _ in range(reported.get(sid, 0)):
                events += [(kind, "reported by the patient", "ungraded") for kind in sorted(detail.kinds) or ["other"]]
            yield SessionFact(
                day=_day(at, tz),
                kinds=detail.kinds or {"other"},
                twitches=detail.twitches,
                soreness_first=answers[sid].get(False) if sid in answers else None,
                soreness_last=answers[sid].get(True) if sid in answers else None,
                last_answered=True in answers.get(sid, {}) and answers[sid][True] is not None,
                flagged=sid in flagged,
                events=events,
                plan_id=plan_id,
            )


# --- Periods and counting --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    first: datetime.date | None
    last: datetime.date | None

    def holds(self, day: datetime.date) -> bool:
        return (self.first is None or day >= self.first) and (self.last is None or day <= self.last)


def periods(today: datetime.date, first_year: int) -> list[Period]:
    """All time, the last 12 months, and each calendar year from the clinic's first record."""
    found = [
        Period("all", "All courses", None, None),
        Period("last-12-months", "The last 12 months", today - datetime.timedelta(days=365), today),
    ]
    for year in range(today.year, first_year - 1, -1):
        found.append(Period(str(year), str(year), datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    return found


def _row(table: dict, key: str, hit: bool, label: str | None = None) -> None:
    row = table.setdefault(key, [key, label or key, 0, 0])
    row[2] += int(hit)
    row[3] += 1


def _twitch_group(twitches: int) -> str:
    return TWITCH_GROUPS[min(twitches, len(TWITCH_GROUPS) - 1)]


def _relief_group(day: int | None) -> str:
    if day is None:
        return NOT_RELIEVED
    for label, upto in RELIEF_GROUPS:
        if upto is None or day <= upto:
            return label
    raise AssertionError("unreachable")


def _soreness(table: dict, key: str, fact: SessionFact, threshold: int) -> None:
    row = table.setdefault(key, {"key": key, "first": [0, 0, 0], "last": [0, 0, 0]})  # [n, sum, at threshold+]
    for name, value in (("first", fact.soreness_first), ("last", fact.soreness_last)):
        if value is not None:
            row[name][0] += 1
            row[name][1] += value
            row[name][2] += int(value >= threshold)


def count(courses: list[CourseFact], sessions: list[SessionFact], period: Period, *, threshold: int) -> dict:
    """The counts of one period: everything the page, the CSV and the pooled figures need."""
    left_out = dict.fromkeys(LEFT_OUT, 0)
    overall = [0, 0]
    tables: dict[str, dict] = {name: {} for name in ("technique", "muscle", "region", "practitioner", "sessions")}
    relief_rows: dict[str, dict] = {}
    curves: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    total = 0
    for fact in courses:
        if not period.holds(fact.start):
            continue
        total += 1
        if fact.outcome != "evaluable":
            left_out[fact.outcome] += 1
            continue
        overall[0] += int(fact.responder)
        overall[1] += 1
        _row(tables["technique"], fact.technique, fact.responder)
        for muscle in fact.muscles:
            _row(tables["muscle"], muscle, fact.responder)
        for region in fact.regions:
            _row(tables["region"], region, fact.responder)
        key, name = fact.practitioner
        _row(tables["practitioner"], key, fact.responder, name)
        _row(tables["sessions"], SESSION_GROUPS[min(max(fact.sessions, 1), 5) - 1], fact.responder)
        _row(relief_rows, _relief_group(fact.relief_day), fact.responder)
        observation = (fact.relief_day, True) if fact.relief_day is not None else (fact.followed_days, False)
        curves[fact.technique].append(observation)
        curves["All courses"].append(observation)

    soreness_by_technique: dict[str, dict] = {}
    soreness_by_twitch: dict[str, dict] = {}
    flag = [0, 0]
    safety: dict[str, dict] = {}
    session_total = 0
    for fact in sessions:
        if not period.holds(fact.day):
            continue
        session_total += 1
        _soreness(soreness_by_technique, technique_label(fact.kinds), fact, threshold)
        if fact.twitches is not None:
            _soreness(soreness_by_twitch, _twitch_group(fact.twitches), fact, threshold)
        if fact.last_answered:
            flag[0] += int(fact.flagged)
            flag[1] += 1
        for kind in fact.kinds:
            entry = safety.setdefault(kind, {"sessions": 0, "grades": dict.fromkeys(GRADES, 0), "kinds": {}})
            entry["sessions"] += 1
        for kind, event, grade in fact.events:
            entry = safety.setdefault(kind, {"sessions": 0, "grades": dict.fromkeys(GRADES, 0), "kinds": {}})
            entry["grades"][grade if grade in GRADES else "ungraded"] += 1
            entry["kinds"][event] = entry["kinds"].get(event, 0) + 1

    return {
        "courses": {"total": total, "evaluable": overall[1], "left_out": left_out},
        "overall": overall,
        "tables": {name: sorted(rows.values(), key=lambda r: (-r[3], r[1])) for name, rows in tables.items()},
        "relief_groups": [
            relief_rows.get(label, [label, label, 0, 0]) for label in [g for g, _ in RELIEF_GROUPS] + [NOT_RELIEVED]
        ],
        "curves": {name: [list(row) for row in tabulate(obs)] for name, obs in curves.items()},
        "sessions": session_total,
        "soreness": {
            "technique": sorted(soreness_by_technique.values(), key=lambda r: r["key"]),
            "twitches": [soreness_by_twitch[g] for g in TWITCH_GROUPS if g in soreness_by_twitch],
            "flag": flag,
        },
        "safety": {kind: safety[kind] for kind in [k for k, _ in TECHNIQUES] + ["other"] if kind in safety},
    }


def compute(clinic, *, today: datetime.date) -> dict[Period, dict]:
    """Every period's counts for the clinic, with the rule and thresholds they were counted by."""
    settings = clinic.settings
    courses = list(course_facts(clinic, today=today))
    sessions = list(session_facts(clinic))
    first_year = min([f.start.year for f in courses] + [f.day.year for f in sessions] + [today.year])
    header = {
        "rule": {"points": settings.responder_points, "percent": settings.responder_percent},
        "soreness_threshold": settings.soreness_flag_threshold,
        "check_in_hours": [settings.soreness_fade_hours_min, settings.soreness_fade_hours_max],
    }
    return {
        period: header | count(courses, sessions, period, threshold=settings.soreness_flag_threshold)
        for period in periods(today, first_year)
    }
