"""The session's note: the SOAP draft written from the record, saving the draft, signing it, and amendments."""

from typing import TypedDict, Unpack

from django.db import transaction
from django.utils import timezone

from knotwork.accounts.policy import staff_user
from knotwork.atlas.catalog import Atlas, get_atlas
from knotwork.core.arguments import refuse_unknown
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require
from knotwork.treatment import notediff
from knotwork.treatment.models import (
    ClinicalNote,
    NoteRevision,
    NoteStatus,
    SessionStatus,
    TechniqueEntry,
    TechniqueKind,
    TreatmentSession,
)

# Techniques billed by time, where one-on-one attendance matters to the note.
TIMED_KINDS = {TechniqueKind.MASSAGE, TechniqueKind.STRETCHING, TechniqueKind.EXERCISE, TechniqueKind.PRESSURE}


class Soap(TypedDict, total=False):
    """The note's four sections; a section left out keeps its text."""

    subjective: str
    objective: str
    assessment: str
    plan: str


SOAP: tuple[str, ...] = tuple(Soap.__annotations__)


def draft_soap(session: TreatmentSession) -> Soap:
    """A SOAP draft written from the structured record; the practitioner edits it before signing."""
    atlas = get_atlas()
    intake = session.patient.intakes.filter(status="submitted").order_by("-submitted_at").first()
    subjective = [f"Pain before the session {session.pain_before}/10."]
    if intake:
        subjective.insert(0, f"Complaint: {intake.chief_complaint}.")
    if session.soreness_since_last is not None:
        subjective.append(f"Soreness since the last session {session.soreness_since_last}/10.")
    if session.adverse_event_since:
        subjective.append(f"Reported since last session: {session.adverse_event_since}.")
    objective = _examination_lines(session, atlas)
    for point in session.points.all():
        holds = list(point.holds.all())
        if not holds:
            continue
        levels = ", ".join(f"{h.level} kg/cm²" if h.measured else str(int(h.level)) for h in holds)
        objective.append(
            f"{_muscle_name(atlas, point.muscle)} ({point.side}): {len(holds)} hold(s), "
            f"{sum(h.seconds for h in holds)} s in total, levels {levels}"
            f"{'; released: ' + point.get_released_display().lower() if point.released else ''}."
        )
    for entry in session.needling.all():
        details = [
            f"{entry.diameter_mm} x {entry.length_mm} mm",
            entry.get_technique_display().lower(),
            f"depth {entry.depth_mm} mm"
            + (f" (past the safe depth of {entry.safe_depth_mm} mm over the lung)" if entry.past_safe_depth else ""),
            f"{entry.twitch_responses} twitch response(s)",
        ]
        if entry.dwell_seconds:
            details.append(f"dwell {entry.dwell_seconds} s")
        if entry.guided:
            details.append("ultrasound guided")
        details.append(f"needles {entry.needles_in} in / {entry.needles_out} out")
        if entry.adverse_event:
            severity = f" ({entry.adverse_severity})" if entry.adverse_severity else ""
            details.append(f"adverse event: {entry.get_adverse_event_display().lower()}{severity}")
        site = f" at the {atlas.regions[entry.region].label}" if entry.region in atlas.regions else ""
        objective.append(
            f"Dry needling {_muscle_name(atlas, entry.muscle)} ({entry.side}){site}: {', '.join(details)}."
        )
    objective += [_technique_line(technique, atlas) for technique in session.techniques.all()]
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


def _muscle_name(atlas: Atlas, muscle_id: str) -> str:
    """The atlas name of a muscle; an id the atlas no longer knows is shown as recorded."""
    muscle = atlas.muscles.get(muscle_id)
    return muscle.name if muscle else muscle_id


def _examination_lines(session: TreatmentSession, atlas: Atlas) -> list[str]:
    """The examination the session started from: each trigger point found and each range of motion."""
    examination = session.examination
    if examination is None:
        return []
    lines = []
    for finding in examination.trigger_points.all():
        criteria = [
            label
            for present, label in (
                (finding.taut_band, "taut band"),
                (finding.spot_tenderness, "spot tenderness"),
                (finding.referred_pain, "referred pain"),
                (finding.twitch_response, "twitch response"),
                (finding.painful_stretch, "painful stretch"),
                (finding.weakness, "weakness"),
            )
            if present
        ]
        if finding.palpation_pain is not None:
            criteria.append(f"palpation pain {finding.palpation_pain}/10")
        if finding.ppt_value is not None:
            criteria.append(f"PPT {finding.ppt_value.normalize():f} {finding.get_ppt_unit_display()}")
        kind = "active" if finding.is_active else "latent"
        found = f": {', '.join(criteria)}" if criteria else ""
        lines.append(
            f"Examination: {_muscle_name(atlas, finding.muscle)} ({finding.side}), {kind} trigger point{found}."
        )
    for rom in examination.range_of_motion.all():
        side = f" ({rom.side})" if rom.side else ""
        painful = ", painful" if rom.painful else ""
        lines.append(f"Examination range of motion: {rom.movement}{side} {rom.degrees}°{painful}.")
    return lines


def _technique_line(technique: TechniqueEntry, atlas: Atlas) -> str:
    """One technique with every setting recorded: TENS parameters and electrodes, the injection's details."""
    details = [f"{technique.minutes} min"]
    if technique.region:
        details.append(technique.region)
    if technique.tens_frequency_hz is not None:
        details.append(f"{technique.tens_frequency_hz} Hz")
    if technique.tens_pulse_us is not None:
        details.append(f"pulse width {technique.tens_pulse_us} µs")
    if technique.tens_intensity_ma is not None:
        details.append(f"intensity {technique.tens_intensity_ma} mA")
    if technique.electrodes:
        count = len(technique.electrodes)
        details.append(f"{count} electrode{'s' if count != 1 else ''}")
    if technique.muscle:
        details.append(_muscle_name(atlas, technique.muscle))
    if technique.substance:
        details.append(technique.substance)
    if technique.dose:
        details.append(technique.dose)
    if technique.kind in TIMED_KINDS or technique.kind == TechniqueKind.TENS:
        details.append("attended" if technique.attended else "unattended")
    notes = f" {technique.notes.rstrip('.')}." if technique.notes else ""
    return f"{technique.get_kind_display()}: {', '.join(details)}.{notes}"


class NoteConflict(ClinicRuleError):
    """Someone else saved the draft first; both versions are shown so nothing is lost."""

    def __init__(self, current: ClinicalNote):
        self.current = current
        super().__init__(
            "Someone else saved this note while you were editing. Compare both versions below and save again."
        )


@transaction.atomic
def save_note_draft(*, note: ClinicalNote, version: int, by: Actor, **sections: Unpack[Soap]) -> ClinicalNote:
    require(by, "save_note_draft", note)
    refuse_unknown("save_note_draft", sections, Soap)
    note = ClinicalNote.objects.select_for_update().get(pk=note.pk)
    if note.status != NoteStatus.DRAFT:
        raise ClinicRuleError("A signed note cannot be edited; add an amendment instead.")
    if note.version != version:
        raise NoteConflict(note)
    for field in SOAP:
        setattr(note, field, sections.get(field, getattr(note, field)))
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
    note.signed_by = staff_user(by)
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
        by=note.signed_by,
        **{f: getattr(note, f) for f in SOAP},
    )


@transaction.atomic
def amend_note(*, note: ClinicalNote, reason: str, by: Actor, **sections: Unpack[Soap]) -> NoteRevision:
    require(by, "amend_note", note)
    refuse_unknown("amend_note", sections, Soap)
    note = ClinicalNote.objects.select_for_update().get(pk=note.pk)
    if note.status != NoteStatus.SIGNED:
        raise ClinicRuleError("Only a signed note is amended; edit the draft instead.")
    if len(reason.strip()) < 5:
        raise ClinicRuleError("Say why the note is amended.")
    latest = note.revisions.latest("number")  # a signed note has its signed text, revision 1, at least
    content = {f: sections.get(f, getattr(latest, f)) for f in SOAP}
    if all(content[f] == getattr(latest, f) for f in SOAP):
        raise ClinicRuleError("The amendment changes nothing.")
    revision = NoteRevision(
        clinic_id=note.clinic_id,
        note=note,
        patient=note.patient,
        number=latest.number + 1,
        kind="amendment",
        reason=reason.strip(),
        by=staff_user(by),
        **content,
    )
    revision.full_clean(exclude=["clinic", "note", "patient", "by"])
    # Computed here, once: the note page shows the stored diff and never compares texts itself.
    revision.diff = notediff.line_diff(latest.text(), revision.text())
    revision.save()
    # The signed text stays as it is; only the note's change time moves, so a client reading the notes changed
    # since (updated_since) learns of the amendment.
    ClinicalNote.objects.filter(pk=note.pk).update(updated_at=timezone.now())
    return revision
