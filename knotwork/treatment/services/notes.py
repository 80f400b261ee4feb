"""The session's note: the SOAP draft written from the record, saving the draft, signing it, and amendments."""

from typing import TypedDict, Unpack

from django.db import transaction
from django.utils import timezone

from knotwork.accounts.policy import staff_user
from knotwork.atlas.catalog import get_atlas
from knotwork.core.arguments import refuse_unknown
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require
from knotwork.treatment import notediff
from knotwork.treatment.models import ClinicalNote, NoteRevision, NoteStatus, SessionStatus, TreatmentSession


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
    for technique in session.techniques.all():
        region = f" ({technique.region})" if technique.region else ""
        objective.append(f"{technique.get_kind_display()}: {technique.minutes} min{region}.")
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
    return revision
