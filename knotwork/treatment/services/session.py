"""The one way to run a session: start it (with the safety guard), points and holds, needling and other
techniques, and finish it with a note drafted from the record."""

import datetime
import uuid
from decimal import Decimal
from typing import Any, NotRequired, TypedDict, Unpack

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, OuterRef, QuerySet, Subquery, Value
from django.http import Http404
from django.utils import timezone

from knotwork.accounts.policy import staff_user
from knotwork.assessment import selectors as assessment
from knotwork.atlas.catalog import Muscle, get_atlas
from knotwork.core.arguments import refuse_unknown
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require
from knotwork.core.queries import RowSQL, bind, row_expressions
from knotwork.patients.models import Patient
from knotwork.plans.models import PlanStatus
from knotwork.treatment import hooks, needledepth, pressure
from knotwork.treatment.models import (
    ClinicalNote,
    Hold,
    NeedleEntry,
    OverrideCause,
    SessionOverride,
    SessionPoint,
    SessionStatus,
    TechniqueEntry,
    TreatmentSession,
)
from knotwork.treatment.services.guard import GuardError, _check, _check_clearance, _clearance
from knotwork.treatment.services.notes import draft_soap


@transaction.atomic
def start_session(
    *,
    patient: Patient,
    by: Actor,
    pain_before: int,
    soreness_since_last: int | None = None,
    adverse_event_since: str = "",
    override_reason: str = "",
) -> TreatmentSession:
    """Open a session; an open red flag needs a documented override before anything else."""
    require(by, "start_session", patient)
    practitioner = staff_user(by)
    screen = assessment.latest_screen(patient)
    held = screen is not None and assessment.technique_status(screen, "manual_therapy") == "hold"
    if (screen is None or held) and len(override_reason.strip()) < 10:
        why = "The patient has no safety screen yet." if screen is None else "The safety screen has an open red flag."
        raise GuardError("all", [why])
    session = TreatmentSession(
        clinic_id=patient.clinic_id,
        patient=patient,
        practitioner=practitioner,
        pain_before=pain_before,
        soreness_since_last=soreness_since_last,
        adverse_event_since=adverse_event_since.strip(),
        examination=patient.examinations.order_by("-created_at").first(),
        plan=patient.plans.filter(status=PlanStatus.ACTIVE).order_by("-starts_on").first(),
    )
    session.full_clean()
    session.save()
    if screen is None or held:
        SessionOverride.objects.create(
            clinic_id=patient.clinic_id,
            session=session,
            technique="all",
            cause=OverrideCause.UNSCREENED if screen is None else OverrideCause.RED_FLAG,
            reason=override_reason.strip(),
            by=practitioner,
        )
    if session.examination is not None:
        for finding in session.examination.trigger_points.all():
            SessionPoint.objects.create(
                clinic_id=patient.clinic_id,
                session=session,
                finding=finding,
                muscle=finding.muscle,
                side=finding.side,
                region=finding.region,
                view=finding.view,
                x=finding.x,
                y=finding.y,
            )
    return session


def _open(session: TreatmentSession) -> None:
    if session.status != SessionStatus.IN_PROGRESS:
        raise ClinicRuleError("This session is finished; nothing more can be recorded in it.")


@transaction.atomic
def add_point(
    *,
    session: TreatmentSession,
    muscle: str,
    side: str,
    by: Actor,
    region: str = "",
    view: str = "",
    x: float | None = None,
    y: float | None = None,
) -> SessionPoint:
    """Add a point to treat: where it was marked on the body map, or the muscle's first atlas site."""
    require(by, "add_point", session)
    _open(session)
    atlas = get_atlas()
    atlas_muscle = atlas.muscles.get(muscle)
    if atlas_muscle is None or side not in ("right", "left"):
        raise ClinicRuleError("Choose a muscle from the atlas and a side.")
    if region and (region not in atlas.regions or view not in ("front", "back") or x is None or y is None):
        raise ClinicRuleError("Mark the point on the body map again.")
    if not region:
        site = atlas_muscle.sites[side][0]
        region, view, x, y = site.region, site.view, site.x, site.y
    return SessionPoint.objects.create(
        clinic_id=session.clinic_id, session=session, muscle=muscle, side=side, region=region, view=view, x=x, y=y
    )


def _hold_checks() -> tuple[dict[str, RowSQL], RowSQL, RowSQL]:
    """What a hold is checked against, read with its point: the guard's facts, and the number and suggestion of the
    point's last hold. The same for every hold: compiled to SQL once per process (the hold is the tablet's most
    frequent request, and building these subqueries cost more than running them)."""

    def build() -> dict[str, Any]:
        last = Hold.objects.filter(point_id=OuterRef("pk")).order_by("-number")
        return _clearance("pressure") | {
            "last_number": Subquery(last.values("number")[:1]),
            "last_suggested": Subquery(last.values("suggested_level")[:1]),
        }

    checks = dict(row_expressions(SessionPoint, "hold checks", build))
    return checks, checks.pop("last_number"), checks.pop("last_suggested")


# Stands for the device's id of a hold in the repeated-save check compiled once; each hold binds its own id there.
_CLIENT_ID_PLACEHOLDER = uuid.UUID("00000000-0000-4000-8000-000000000000")


def _repeated(client_id: uuid.UUID) -> RowSQL:
    """The id of the point's hold saved earlier with this client id, if any: compiled once, bound per call."""
    compiled = row_expressions(
        SessionPoint,
        "repeated hold",
        lambda: {
            "repeated": Subquery(
                Hold.objects.filter(point_id=OuterRef("pk"), client_id=_CLIENT_ID_PLACEHOLDER).values("pk")[:1]
            )
        },
    )["repeated"]
    return bind(compiled, Hold._meta.get_field("client_id"), _CLIENT_ID_PLACEHOLDER, client_id)


MAX_HOLD_SECONDS = 600
CLOCK_SLACK = datetime.timedelta(minutes=2)


@transaction.atomic
def record_hold(
    *,
    point: SessionPoint | QuerySet[SessionPoint],
    by: Actor,
    started_at: datetime.datetime,
    ended_at: datetime.datetime,
    level: Decimal,
    tool: str,
    answer: str,
    measured: bool = False,
    client_id: uuid.UUID | None = None,
) -> Hold:
    """Save one hold as it ends, with the suggestion for the next; 'better' or 'stop' releases the point.

    A save repeated with the same client id (a double tap, a retry after a lost answer) returns the hold
    already saved instead of recording it twice. `point` may be the caller's scoped query for it (the API's
    `selectors.points_for`): then the point is read once, here, under the lock; Http404 when it finds none.
    """
    # One read, under the lock, of everything the hold is checked against: the point and its session, the
    # guard's facts (the session's overrides, the consent, the latest screen), the last hold and a repeated save.
    found = point if isinstance(point, QuerySet) else SessionPoint.objects.filter(pk=point.pk)
    repeated = _repeated(client_id) if client_id else Value(None, output_field=BigIntegerField())
    guard, last_number, last_suggested = _hold_checks()
    locked = (
        found.select_for_update()
        .select_related("session")
        .annotate(**guard, last_number=last_number, last_suggested=last_suggested, repeated=repeated)
        .first()
    )
    if locked is None:
        raise Http404("No such point.")
    point = locked
    require(by, "record_hold", point)
    if point.repeated is not None:
        return Hold.objects.select_related("point__session__patient").get(pk=point.repeated)
    session = point.session
    _open(session)
    _check_clearance(point, "pressure")
    if point.released:
        raise ClinicRuleError("This point is already released.")
    if timezone.is_naive(started_at) or timezone.is_naive(ended_at):
        raise ClinicRuleError("Hold times need a time zone.")
    if ended_at < started_at:
        raise ClinicRuleError("A hold cannot end before it starts.")
    if (ended_at - started_at).total_seconds() > MAX_HOLD_SECONDS:
        raise ClinicRuleError(f"A hold longer than {MAX_HOLD_SECONDS // 60} minutes is not plausible; check the timer.")
    if started_at < session.created_at - CLOCK_SLACK or ended_at > timezone.now() + CLOCK_SLACK:
        raise ClinicRuleError("The hold's times fall outside this session; check the device's clock.")
    if not measured and not (0 <= Decimal(level) <= pressure.MAX_LEVEL):
        raise ClinicRuleError(f"The pressure level is on a 0 to {pressure.MAX_LEVEL} scale.")
    if measured and not (0 <= Decimal(level) <= Decimal(str(pressure.MAX_KG))):
        raise ClinicRuleError(f"An algometer reading is between 0 and {pressure.MAX_KG:g} kg/cm².")
    suggestion = pressure.suggest_next(float(level), answer, measured=measured)
    hold = Hold(
        clinic_id=point.clinic_id,
        point=point,
        client_id=client_id,
        number=(point.last_number or 0) + 1,
        started_at=started_at,
        ended_at=ended_at,
        level=Decimal(str(level)),
        measured=measured,
        tool=tool,
        answer=answer,
        suggested_level=Decimal(str(suggestion.level)) if suggestion.level is not None else None,
        followed_suggestion=(point.last_suggested == Decimal(str(level))) if point.last_suggested is not None else None,
    )
    # The fields' own checks; the keys are this point's and its clinic's, and the database holds the unique
    # numbering (a concurrent save of the same number fails there), so no query is spent asking it first.
    hold.full_clean(exclude=["clinic", "point"], validate_unique=False, validate_constraints=False)
    try:
        hold.save()
    except IntegrityError:
        # Raised out of this service's transaction, which rolls back whole: no savepoint needed for it.
        raise ClinicRuleError("Another save of this hold arrived at the same moment; reload the session.") from None
    if suggestion.release:
        point.released = suggestion.release
        point.save(update_fields=["released", "updated_at"])
    return hold


@transaction.atomic
def release_point(*, point: SessionPoint, reason: str, by: Actor) -> SessionPoint:
    require(by, "release_point", point)
    _open(point.session)
    point.released = reason
    point.full_clean()
    point.save(update_fields=["released", "updated_at"])
    return point


HIGH_RISK_WORDS = ("pneumothorax", "lung", "pleura")


def is_high_risk(muscle: Muscle) -> bool:
    """Muscles whose atlas safety note names a risk to the lung (the thorax): shown before needling."""
    note = muscle.needling_safety.lower()
    return any(word in note for word in HIGH_RISK_WORDS)


class Needling(TypedDict):
    """One muscle needled (a NeedleEntry's fields): the site on the body map may be left out."""

    muscle: str
    side: str
    diameter_mm: Decimal
    length_mm: int
    technique: str
    depth_mm: int
    needles_in: int
    needles_out: int
    region: NotRequired[str]
    view: NotRequired[str]
    x: NotRequired[float | None]
    y: NotRequired[float | None]
    twitch_responses: NotRequired[int]
    dwell_seconds: NotRequired[int]
    guided: NotRequired[bool]
    clean_technique: NotRequired[bool]
    adverse_event: NotRequired[str]
    adverse_severity: NotRequired[str]
    follow_up: NotRequired[str]


@transaction.atomic
def record_needling(*, session: TreatmentSession, by: Actor, **needling: Unpack[Needling]) -> NeedleEntry:
    require(by, "record_needling", session)
    refuse_unknown("record_needling", needling, Needling)
    _open(session)
    _check(session, "dry_needling")
    if needling.get("needles_out") != needling.get("needles_in"):
        raise ClinicRuleError("Needles out must equal needles in: count them again before saving.")
    if needling.get("adverse_event") and not needling.get("adverse_severity"):
        raise ClinicRuleError("Give the adverse event's severity.")
    region, view = needling.get("region"), needling.get("view")
    if region and (region not in get_atlas().regions or view not in ("front", "back")):
        raise ClinicRuleError("Mark the needling site on the body map again.")
    safe_depth = _check_depth(session, needling)
    entry = NeedleEntry(clinic_id=session.clinic_id, session=session, safe_depth_mm=safe_depth, **needling)
    entry.full_clean()
    entry.save()
    return entry


COUNTS = {
    "twitch_responses": "twitch responses",
    "dwell_seconds": "dwell time",
    "needles_in": "needles in",
    "needles_out": "needles out",
}


def slim_build(patient: Patient) -> bool:
    """Whether the patient's latest intake gives a body mass index under the slim-build limit."""
    intake = patient.intakes.filter(status="submitted").order_by("-submitted_at").first()
    answers = intake.answers if intake else {}
    bmi = needledepth.body_mass_index(answers.get("height_cm"), answers.get("weight_kg"))
    return bmi is not None and bmi < needledepth.get_rules().slim_bmi_below


def needling_area(muscle: str, side: str, region: str = "") -> str:
    """The body-map area needled: the site marked on the map, else the muscle's usual site on that side."""
    atlas = get_atlas()
    if not region:
        atlas_muscle = atlas.muscles.get(muscle)
        sites = atlas_muscle.sites.get(side, ()) if atlas_muscle else ()
        region = sites[0].region if sites else ""
    found = atlas.regions.get(region)
    return found.area if found else ""


def _check_depth(session: TreatmentSession, needling: Needling) -> int | None:
    """Refuse impossible numbers; the safe depth where the needle went (None away from the lung).

    A depth past the safe depth is recorded as it happened, never refused: the needle may have gone along a
    rib, onto bone or into a muscle lifted off the chest wall. The page warns, and the note says so.
    """
    for field, label in COUNTS.items():
        value = needling.get(field)
        if isinstance(value, int) and value < 0:
            raise ClinicRuleError(f"The {label} cannot be negative.")
    depth, length = needling.get("depth_mm"), needling.get("length_mm")
    if not isinstance(depth, int) or not isinstance(length, int):
        return None  # full_clean names the missing number
    problem = needledepth.impossible(depth, length)
    if problem:
        raise ClinicRuleError(problem)
    zone = needledepth.get_rules().zone_for(
        needling_area(needling["muscle"], needling["side"], needling.get("region", ""))
    )
    return zone.limit(slim=slim_build(session.patient)) if zone else None


class Technique(TypedDict):
    """One other technique (a TechniqueEntry's fields): TENS settings and electrodes, the injection's details."""

    kind: str
    minutes: int
    region: NotRequired[str]
    attended: NotRequired[bool]
    tens_frequency_hz: NotRequired[int | None]
    tens_pulse_us: NotRequired[int | None]
    tens_intensity_ma: NotRequired[int | None]
    muscle: NotRequired[str]
    electrodes: NotRequired[list[dict[str, Any]]]
    substance: NotRequired[str]
    dose: NotRequired[str]
    notes: NotRequired[str]


@transaction.atomic
def record_technique(*, session: TreatmentSession, by: Actor, **technique: Unpack[Technique]) -> TechniqueEntry:
    require(by, "record_technique", session)
    refuse_unknown("record_technique", technique, Technique)
    if technique.get("kind") == "injection":
        require(by, "record_injection", session)
    _open(session)
    if technique["kind"] == "injection" and (not technique.get("muscle") or not technique.get("substance")):
        raise ClinicRuleError("Name the muscle injected and the substance.")
    _check(session, technique["kind"])
    entry = TechniqueEntry(clinic_id=session.clinic_id, session=session, **technique)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def finish_session(
    *,
    session: TreatmentSession,
    by: Actor,
    pain_after: int,
    global_impression: str = "",
    range_of_motion: list | None = None,
) -> ClinicalNote:
    require(by, "finish_session", session)
    session = TreatmentSession.objects.select_for_update().get(pk=session.pk)
    _open(session)
    session.pain_after = pain_after
    session.range_of_motion_after = range_of_motion or []
    session.global_impression = global_impression
    session.status = SessionStatus.FINISHED
    session.ended_at = timezone.now()
    session.full_clean()
    session.save()
    hooks.session_finished.call(session=session, by=by)  # follow-up plans its check-ins
    return ClinicalNote.objects.create(
        clinic_id=session.clinic_id, session=session, patient=session.patient, **draft_soap(session)
    )
