"""The one way to run a session: start (with the safety guard), holds, other techniques, the note."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from knotwork.assessment import selectors as assessment
from knotwork.clinics.services import ClinicRuleError
from knotwork.core.policy import Actor, require
from knotwork.patients.models import Patient
from knotwork.plans.models import PlanStatus
from knotwork.treatment import billing, notediff, pressure
from knotwork.treatment.models import (
    ClinicalNote,
    Hold,
    NeedleEntry,
    NoteRevision,
    NoteStatus,
    SessionOverride,
    SessionPoint,
    SessionStatus,
    TechniqueEntry,
    TreatmentSession,
)

# Which consent and screening technique covers each thing recorded in a session.
CONSENT_FOR = {
    "pressure": "manual_therapy",
    "massage": "manual_therapy",
    "vibration": "manual_therapy",
    "exercise": "manual_therapy",
    "stretching": "assisted_stretching",
    "dry_needling": "dry_needling",
    "tens": "tens",
    "heat": "heat_cold",
    "cold": "heat_cold",
    "injection": "injection",
}
TIMED_CODE_FOR = {
    "pressure": "97140",
    "stretching": "97140",
    "massage": "97124",
    "vibration": "97140",
    "exercise": "97110",
}


class GuardError(ClinicRuleError):
    """Treatment the safety screen or the consents do not allow without a documented override."""

    def __init__(self, technique: str, problems: list[str]):
        self.technique = technique
        self.problems = problems
        super().__init__(" ".join(problems) + " Record an override with your clinical reason to proceed.")


def guard(patient: Patient, technique: str, *, hold_waived: bool = False) -> tuple[list[str], list[str]]:
    """(what blocks a technique now, the precautions to keep in mind).

    Blocking: an open red flag (unless the session's start override waived the hold), a contraindication
    for the technique, no signed consent. Each technique needs its own override for these; waiving the red
    flag at the start of a session does not waive consent or contraindications.
    """
    screen = assessment.latest_screen(patient)
    consent_technique = CONSENT_FOR.get(technique, technique)
    screened_as = assessment.SCREENED_AS.get(consent_technique, (consent_technique,))
    problems: list[str] = []
    precautions: list[str] = []
    if screen is None:
        if not hold_waived:
            problems.append("The patient has no safety screen yet.")
    else:
        overridden = {o.rule_id for o in screen.overrides.all()}
        for finding in screen.findings:
            if finding["rule"] in overridden or finding["technique"] not in (*screened_as, "all"):
                continue
            if finding["kind"] == "red_flag":
                if not hold_waived:
                    problems.append(f"Red flag: {finding['message']}")
            elif finding["kind"] == "contraindication":
                problems.append(f"Contraindication: {finding['message']}")
            else:
                precautions.append(f"Precaution: {finding['message']}")
    if consent_technique not in assessment.active_consents(patient):
        problems.append(f"There is no signed consent to {consent_technique.replace('_', ' ')}.")
    return problems, precautions


def _check(session: TreatmentSession, technique: str) -> None:
    consent_technique = CONSENT_FOR.get(technique, technique)
    if session.overrides.filter(technique=consent_technique).exists():
        return
    hold_waived = session.overrides.filter(technique="all").exists()
    problems, _precautions = guard(session.patient, technique, hold_waived=hold_waived)
    if problems:
        raise GuardError(consent_technique, problems)


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
    screen = assessment.latest_screen(patient)
    held = screen is not None and assessment.technique_status(screen, "manual_therapy") == "hold"
    if (screen is None or held) and len(override_reason.strip()) < 10:
        why = "The patient has no safety screen yet." if screen is None else "The safety screen has an open red flag."
        raise GuardError("all", [why])
    session = TreatmentSession(
        clinic_id=patient.clinic_id,
        patient=patient,
        practitioner=by,
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
            clinic_id=patient.clinic_id, session=session, technique="all", reason=override_reason.strip(), by=by
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


@transaction.atomic
def override_technique(*, session: TreatmentSession, technique: str, reason: str, by: Actor) -> SessionOverride:
    require(by, "override_technique", session)
    if len(reason.strip()) < 10:
        raise ClinicRuleError("Write the clinical reason for the override (at least a sentence).")
    consent_technique = CONSENT_FOR.get(technique, technique)
    override, _ = SessionOverride.objects.get_or_create(
        session=session,
        technique=consent_technique,
        defaults={"clinic_id": session.clinic_id, "reason": reason.strip(), "by": by},
    )
    return override


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
    from knotwork.atlas.catalog import get_atlas

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


MAX_HOLD_SECONDS = 600
CLOCK_SLACK = datetime.timedelta(minutes=2)


@transaction.atomic
def record_hold(
    *,
    point: SessionPoint,
    by: Actor,
    started_at: datetime.datetime,
    ended_at: datetime.datetime,
    level: Decimal,
    tool: str,
    answer: str,
    measured: bool = False,
    client_id=None,
) -> Hold:
    """Save one hold as it ends, with the suggestion for the next; 'better' or 'stop' releases the point.

    A save repeated with the same client id (a double tap, a retry after a lost answer) returns the hold
    already saved instead of recording it twice.
    """
    require(by, "record_hold", point)
    point = SessionPoint.objects.select_for_update().select_related("session__patient").get(pk=point.pk)
    if client_id is not None:
        existing = point.holds.filter(client_id=client_id).first()
        if existing is not None:
            return existing
    session = point.session
    _open(session)
    _check(session, "pressure")
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
    if not measured and not (0 <= Decimal(level) <= 10):
        raise ClinicRuleError("The pressure level is on a 0 to 10 scale.")
    if measured and not (0 <= Decimal(level) <= 20):
        raise ClinicRuleError("An algometer reading is between 0 and 20 kg/cm².")
    previous = point.holds.order_by("-number").first()
    suggestion = pressure.suggest_next(float(level), answer, measured=measured)
    hold = Hold(
        clinic_id=point.clinic_id,
        point=point,
        client_id=client_id,
        number=(previous.number + 1) if previous else 1,
        started_at=started_at,
        ended_at=ended_at,
        level=Decimal(str(level)),
        measured=measured,
        tool=tool,
        answer=answer,
        suggested_level=Decimal(str(suggestion.level)) if suggestion.level is not None else None,
        followed_suggestion=(previous.suggested_level == Decimal(str(level)))
        if previous and previous.suggested_level is not None
        else None,
    )
    hold.full_clean()
    hold.save()
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


def is_high_risk(muscle) -> bool:
    """Muscles whose atlas safety note names a risk to the lung (the thorax): shown before needling."""
    note = muscle.needling_safety.lower()
    return any(word in note for word in HIGH_RISK_WORDS)


@transaction.atomic
def record_needling(*, session: TreatmentSession, data: dict, by: Actor) -> NeedleEntry:
    require(by, "record_needling", session)
    _open(session)
    _check(session, "dry_needling")
    if data.get("needles_out") != data.get("needles_in"):
        raise ClinicRuleError("Needles out must equal needles in: count them again before saving.")
    if data.get("adverse_event") and not data.get("adverse_severity"):
        raise ClinicRuleError("Give the adverse event's severity.")
    if data.get("region"):
        from knotwork.atlas.catalog import get_atlas

        if data["region"] not in get_atlas().regions or data.get("view") not in ("front", "back"):
            raise ClinicRuleError("Mark the needling site on the body map again.")
    entry = NeedleEntry(clinic_id=session.clinic_id, session=session, **data)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def record_technique(*, session: TreatmentSession, data: dict, by: Actor) -> TechniqueEntry:
    require(by, "record_technique", session)
    if data.get("kind") == "injection":
        require(by, "record_injection", session)
    _open(session)
    if data["kind"] == "injection" and (not data.get("muscle") or not data.get("substance")):
        raise ClinicRuleError("Name the muscle injected and the substance.")
    _check(session, data["kind"])
    entry = TechniqueEntry(clinic_id=session.clinic_id, session=session, **data)
    entry.full_clean()
    entry.save()
    return entry


def _hold_minutes(session: TreatmentSession) -> int:
    seconds = sum(h.seconds for p in session.points.all() for h in p.holds.all())
    return round(seconds / 60)


def billing_lines(session: TreatmentSession) -> list[billing.Line]:
    """CPT suggestions by the clinic's billing method (CMS 8-minute rule or AMA per code) and payer codes."""
    clinic_settings = session.patient.clinic.settings
    method, medicare = clinic_settings.billing_method, clinic_settings.medicare_codes
    minutes: dict[str, int] = {}
    for entry in session.techniques.all():
        code = TIMED_CODE_FOR.get(entry.kind)
        if code and entry.attended:
            minutes[code] = minutes.get(code, 0) + entry.minutes
    if not session.techniques.filter(kind="pressure").exists():
        # Pressure release logged hold by hold counts as manual therapy time.
        minutes["97140"] = minutes.get("97140", 0) + _hold_minutes(session)
    tens = list(session.techniques.filter(kind="tens"))
    for entry in tens:
        if entry.attended:
            minutes["97032"] = minutes.get("97032", 0) + entry.minutes
    return billing.suggest(
        muscles_needled=len({(n.muscle, n.side) for n in session.needling.all()}),
        muscles_injected=len({t.muscle for t in session.techniques.filter(kind="injection")}),
        timed_minutes=minutes,
        unattended_estim=any(not t.attended for t in tens),
        hot_cold=session.techniques.filter(kind__in=("heat", "cold")).exists(),
        method=method,
        medicare=medicare,
    )


def draft_soap(session: TreatmentSession) -> dict:
    """A SOAP draft written from the structured record; the practitioner edits it before signing."""
    from knotwork.atlas.catalog import get_atlas

    atlas = get_atlas()
    intake = session.patient.intakes.filter(status="submitted").order_by("-submitted_at").first()
    subjective = [f"Pain before the session {session.pain_before}/10."]
    if intake:
        subjective.insert(0, f"Complaint: {intake.chief_complaint}.")
    if session.soreness_since_last is not None:
        subjective.append(f"Soreness since the last session {session.soreness_since_last}/10.")
    if session.adverse_event_since:
        subjective.append(f"Reported since last session: {session.adverse_event_since}.")
    objective = []
    for point in session.points.all():
        holds = list(point.holds.all())
        if not holds:
            continue
        name = atlas.muscles[point.muscle].name if point.muscle in atlas.muscles else point.muscle
        levels = ", ".join(f"{h.level} kg/cm²" if h.measured else str(int(h.level)) for h in holds)
        objective.append(
            f"{name} ({point.side}): {len(holds)} hold(s), {sum(h.seconds for h in holds)} s in total, levels {levels}"
            f"{'; released: ' + point.get_released_display().lower() if point.released else ''}."
        )
    for entry in session.needling.all():
        needled = atlas.muscles[entry.muscle].name if entry.muscle in atlas.muscles else entry.muscle
        objective.append(
            f"Dry needling {needled} ({entry.side}): {entry.diameter_mm} x {entry.length_mm} mm, "
            f"{entry.get_technique_display().lower()}, depth {entry.depth_mm} mm, "
            f"{entry.twitch_responses} twitch response(s), "
            f"needles {entry.needles_in} in / {entry.needles_out} out"
            f"{', adverse event: ' + entry.get_adverse_event_display().lower() if entry.adverse_event else ''}."
        )
    for entry in session.techniques.all():
        objective.append(
            f"{entry.get_kind_display()}: {entry.minutes} min{(' (' + entry.region + ')') if entry.region else ''}."
        )
    for rom in session.range_of_motion_after:
        side = f" ({rom['side']})" if rom.get("side") else ""
        painful = ", painful" if rom.get("painful") else ""
        objective.append(f"Range of motion after: {rom['movement']}{side} {rom['degrees']}°{painful}.")
    assessment_text = []
    if session.pain_after is not None:
        assessment_text.append(f"Pain {session.pain_before}/10 before, {session.pain_after}/10 after.")
    if session.global_impression:
        assessment_text.append(f"Patient's impression: {session.get_global_impression_display().lower()}.")
    if session.examination is not None:
        codes = [f"{d.code} {d.description}" for d in session.examination.diagnoses.all()]
        if codes:
            assessment_text.append("Working diagnosis: " + "; ".join(codes) + ".")
    clinic_settings = session.patient.clinic.settings
    plan = (
        f"Aftercare explained: soreness may follow and should ease within {clinic_settings.soreness_fade_hours_min}"
        f"-{clinic_settings.soreness_fade_hours_max} h; heat or cold; home stretches for the treated muscles."
    )
    return {
        "subjective": " ".join(subjective),
        "objective": "\n".join(objective) or "No treatment recorded.",
        "assessment": " ".join(assessment_text),
        "plan": plan,
    }


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
    from knotwork.followup.services import schedule_check_ins

    schedule_check_ins(session=session, by=by)
    return ClinicalNote.objects.create(
        clinic_id=session.clinic_id, session=session, patient=session.patient, **draft_soap(session)
    )


class NoteConflict(ClinicRuleError):
    """Someone else saved the draft first; both versions are shown so nothing is lost."""

    def __init__(self, current: ClinicalNote):
        self.current = current
        super().__init__(
            "Someone else saved this note while you were editing. Compare both versions below and save again."
        )


SOAP = ("subjective", "objective", "assessment", "plan")


@transaction.atomic
def save_note_draft(*, note: ClinicalNote, data: dict, version: int, by: Actor) -> ClinicalNote:
    require(by, "save_note_draft", note)
    note = ClinicalNote.objects.select_for_update().get(pk=note.pk)
    if note.status != NoteStatus.DRAFT:
        raise ClinicRuleError("A signed note cannot be edited; add an amendment instead.")
    if note.version != version:
        raise NoteConflict(note)
    for field in SOAP:
        setattr(note, field, data.get(field, getattr(note, field)))
    note.full_clean(exclude=["clinic", "session", "patient", "signed_by"])
    note.version += 1
    note.save()
    return note


@transaction.atomic
def sign_note(*, note: ClinicalNote, by: Actor, version: int) -> NoteRevision:
    require(by, "sign_note", note)
    note = ClinicalNote.objects.select_for_update().select_related("session").get(pk=note.pk)
    if note.status != NoteStatus.DRAFT:
        raise ClinicRuleError("This note is already signed.")
    if note.version != version:
        raise NoteConflict(note)
    empty = [name for name in SOAP if not getattr(note, name).strip()]
    if empty:
        raise ClinicRuleError("Complete the note before signing: " + ", ".join(empty) + " is empty.")
    note.status = NoteStatus.SIGNED
    note.signed_at = timezone.now()
    note.signed_by = by
    note.save()
    session = note.session
    session.status = SessionStatus.SIGNED
    session.save(update_fields=["status", "updated_at"])
    return NoteRevision.objects.create(
        clinic_id=note.clinic_id,
        note=note,
        patient=note.patient,
        number=1,
        kind="signed",
        by=by,
        **{f: getattr(note, f) for f in SOAP},
    )


@transaction.atomic
def amend_note(*, note: ClinicalNote, data: dict, reason: str, by: Actor) -> NoteRevision:
    require(by, "amend_note", note)
    note = ClinicalNote.objects.select_for_update().get(pk=note.pk)
    if note.status != NoteStatus.SIGNED:
        raise ClinicRuleError("Only a signed note is amended; edit the draft instead.")
    if len(reason.strip()) < 5:
        raise ClinicRuleError("Say why the note is amended.")
    latest = note.revisions.order_by("-number").first()
    content = {f: data.get(f, getattr(latest, f)) for f in SOAP}
    if all(content[f] == getattr(latest, f) for f in SOAP):
        raise ClinicRuleError("The amendment changes nothing.")
    revision = NoteRevision(
        clinic_id=note.clinic_id,
        note=note,
        patient=note.patient,
        number=latest.number + 1,
        kind="amendment",
        reason=reason.strip(),
        by=by,
        **content,
    )
    revision.full_clean(exclude=["clinic", "note", "patient", "by"])
    # Computed here, once: the note page shows the stored diff and never compares texts itself.
    revision.diff = notediff.line_diff(latest.text(), revision.text())
    revision.save()
    return revision
