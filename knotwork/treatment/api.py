"""The JSON API of treatment (docs/api.md): sessions, their points, holds, needling and techniques, and the note.

The same services as the session page write every change, so the policy, the safety guard and the note's rules
(signed notes are never edited, only amended) hold for a program as for a clinician. Sessions and notes are the
clinical record: only a practitioner or the owner (or a key with the practitioner role) reads them.
"""

import contextlib
from uuid import UUID

from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from knotwork.atlas.catalog import get_atlas
from knotwork.audit.services import record_view
from knotwork.core.api import require_reader
from knotwork.core.errors import ClinicRuleError
from knotwork.patients.selectors import get_patient
from knotwork.plans.api import AuditedCursorPagination, referenced
from knotwork.plans.selectors import get_plan
from knotwork.scheduling.selectors import todays_booked_appointment
from knotwork.scheduling.services import mark_attended
from knotwork.treatment import selectors, services
from knotwork.treatment.schemas import (
    HoldIn,
    NeedlingIn,
    NeedlingOut,
    NoteAmendIn,
    NoteDraftIn,
    NoteOut,
    NoteSignIn,
    OverrideIn,
    PointIn,
    PointOut,
    ReleaseIn,
    SessionDetailOut,
    SessionFinishIn,
    SessionOut,
    SessionOverrideOut,
    SessionStartIn,
    TechniqueIn,
    TechniqueOut,
)

router = Router(tags=["treatment"])

# Sessions and notes are the clinical record (a read-only key of a practitioner reads what a practitioner reads).
READ_RULE = "see_clinical_record"


def _on_the_map(field: str, region: str, view: str, x: float | None, y: float | None) -> None:
    """A position sent must be on the body map: a region of the atlas, a view, and a point inside the drawing."""
    if not region and x is None and y is None:
        return
    atlas = get_atlas()
    left, top, width, height = atlas.viewbox
    inside = x is not None and y is not None and left <= x <= left + width and top <= y <= top + height
    if region not in atlas.regions or view not in ("front", "back") or not inside:
        raise HttpError(422, f"{field}: the position is off the body map; send an atlas region, a view and x, y.")


def _an_atlas_muscle(field: str, muscle: str) -> None:
    if muscle not in get_atlas().muscles:
        raise HttpError(422, f"{field}: not a muscle of the atlas; see listMuscles for the ids.")


# --- sessions ---------------------------------------------------------------------------------


@router.get(
    "/patients/{uuid:patient_id}/sessions",
    response=list[SessionOut],
    operation_id="listPatientSessions",
    summary="A patient's treatment sessions (of one course with plan=), oldest change first",
)
@paginate(AuditedCursorPagination)
def list_patient_sessions(request, patient_id: UUID, plan: UUID | None = None):
    patient = get_patient(request.auth, patient_id)
    require_reader(request.auth, READ_RULE, patient)
    sessions = selectors.list_patient_sessions(request.auth, patient)
    if plan is not None:
        course = referenced(lambda: get_plan(request.auth, plan), "plan", "course")
        if course.patient_id != patient.pk:
            raise HttpError(422, "plan: this course is another patient's.")
        sessions = sessions.filter(plan=course)
    return sessions


@router.post(
    "/patients/{uuid:patient_id}/sessions",
    response={201: SessionDetailOut},
    operation_id="startSession",
    summary="Start a session (the safety guard applies; today's booked appointment is marked attended)",
)
def start_session(request, patient_id: UUID, payload: SessionStartIn):
    patient = get_patient(request.auth, patient_id)
    session = services.start_session(patient=patient, by=request.auth, **payload.dict())
    booked = todays_booked_appointment(patient)
    if booked is not None:
        # As on the session page: the session stands either way; an appointment the rules refuse is marked by hand.
        with contextlib.suppress(ClinicRuleError):
            mark_attended(appointment=booked, by=request.auth, session=session)
    return Status(201, selectors.get_session_detail(request.auth, session.public_id))


@router.get(
    "/treatment/sessions/{uuid:session_id}",
    response=SessionDetailOut,
    operation_id="getSession",
    summary="One session: points with their holds, needling, other techniques, overrides",
)
def get_session(request, session_id: UUID):
    session = selectors.get_session_detail(request.auth, session_id)
    require_reader(request.auth, READ_RULE, session)
    record_view(instance=session, by=request.auth, shown_in="API")
    return session


@router.post(
    "/treatment/sessions/{uuid:session_id}/points",
    response={201: PointOut},
    operation_id="addPoint",
    summary="Add a point to treat (at a body-map position, or the muscle's usual site)",
)
def add_point(request, session_id: UUID, payload: PointIn):
    session = selectors.get_session(request.auth, session_id)
    _an_atlas_muscle("muscle", payload.muscle)
    _on_the_map("position", payload.region, payload.view, payload.x, payload.y)
    point = services.add_point(session=session, by=request.auth, **payload.dict())
    return Status(201, point)


@router.post(
    "/treatment/points/{uuid:point_id}/holds",
    response={201: PointOut},
    operation_id="recordHold",
    summary="Save one hold as it ends",
)
def record_hold(request, point_id: UUID, payload: HoldIn):
    points = selectors.points_for(request.auth, point_id)  # read once, under the service's lock
    hold = services.record_hold(point=points, by=request.auth, **payload.dict())
    # The point as the service saved it (released or not); its holds are read once for the answer.
    return Status(201, hold.point)


@router.post(
    "/treatment/points/{uuid:point_id}/actions/release",
    response=PointOut,
    operation_id="releasePoint",
    summary="Mark a point released (softened, pain down, or the patient said stop)",
)
def release_point(request, point_id: UUID, payload: ReleaseIn):
    point = selectors.get_point(request.auth, point_id)
    return services.release_point(point=point, reason=payload.reason.value, by=request.auth)


@router.post(
    "/treatment/sessions/{uuid:session_id}/needling",
    response={201: NeedlingOut},
    operation_id="recordNeedling",
    summary="Record one muscle needled (a depth past the safe depth is recorded and flagged, never refused)",
)
def record_needling(request, session_id: UUID, payload: NeedlingIn):
    session = selectors.get_session(request.auth, session_id)
    _an_atlas_muscle("muscle", payload.muscle)
    _on_the_map("position", payload.region, payload.view, payload.x, payload.y)
    return Status(201, services.record_needling(session=session, by=request.auth, **payload.dict()))


@router.post(
    "/treatment/sessions/{uuid:session_id}/techniques",
    response={201: TechniqueOut},
    operation_id="recordTechnique",
    summary="Record another technique: massage, stretching, vibration, TENS, heat, cold, exercise, injection",
)
def record_technique(request, session_id: UUID, payload: TechniqueIn):
    session = selectors.get_session(request.auth, session_id)
    if payload.muscle:
        _an_atlas_muscle("muscle", payload.muscle)
    for number, pad in enumerate(payload.electrodes):
        _on_the_map(f"electrodes.{number}", pad.region, pad.view, pad.x, pad.y)
    technique = payload.dict()
    technique["electrodes"] = [
        {"region": pad.region, "view": pad.view.value, "x": pad.x, "y": pad.y} for pad in payload.electrodes
    ]
    return Status(201, services.record_technique(session=session, by=request.auth, **technique))


@router.post(
    "/treatment/sessions/{uuid:session_id}/overrides",
    response={201: SessionOverrideOut},
    operation_id="overrideTechnique",
    summary="Document the clinical reason to treat despite a block of the safety screen or a missing consent",
)
def override_technique(request, session_id: UUID, payload: OverrideIn):
    session = selectors.get_session(request.auth, session_id)
    override = services.override_technique(
        session=session, technique=payload.technique, reason=payload.reason, by=request.auth
    )
    return Status(201, override)


@router.post(
    "/treatment/sessions/{uuid:session_id}/actions/finish",
    response=NoteOut,
    operation_id="finishSession",
    summary="Finish a session; the answer is its note, drafted from the record, to review and sign",
)
def finish_session(request, session_id: UUID, payload: SessionFinishIn):
    session = selectors.get_session(request.auth, session_id)
    note = services.finish_session(
        session=session,
        by=request.auth,
        pain_after=payload.pain_after,
        global_impression=payload.global_impression,
        range_of_motion=[movement.dict() for movement in payload.range_of_motion],
    )
    return selectors.get_note_detail(request.auth, note.public_id)


# --- notes ------------------------------------------------------------------------------------


@router.get(
    "/treatment/sessions/{uuid:session_id}/note",
    response=NoteOut,
    operation_id="getSessionNote",
    summary="The note of a session (404 while the session is in progress)",
)
def get_session_note(request, session_id: UUID):
    session = selectors.get_session(request.auth, session_id)
    require_reader(request.auth, READ_RULE, session)
    note = selectors.get_session_note(request.auth, session)
    record_view(instance=note, by=request.auth, shown_in="API")
    return note


@router.get(
    "/patients/{uuid:patient_id}/notes",
    response=list[NoteOut],
    operation_id="listPatientNotes",
    summary="A patient's clinical notes with their amendments, oldest change first",
)
@paginate(AuditedCursorPagination)
def list_patient_notes(request, patient_id: UUID):
    patient = get_patient(request.auth, patient_id)
    require_reader(request.auth, READ_RULE, patient)
    return selectors.list_patient_notes(request.auth, patient)


@router.get(
    "/treatment/notes/{uuid:note_id}",
    response=NoteOut,
    operation_id="getNote",
    summary="One clinical note: SOAP text, draft or signed, and its amendments",
)
def get_note(request, note_id: UUID):
    note = selectors.get_note_detail(request.auth, note_id)
    require_reader(request.auth, READ_RULE, note)
    record_view(instance=note, by=request.auth, shown_in="API")
    return note


@router.patch(
    "/treatment/notes/{uuid:note_id}",
    response=NoteOut,
    operation_id="saveNoteDraft",
    summary="Edit a draft note (send the version you read; a signed note is amended instead)",
)
def save_note_draft(request, note_id: UUID, payload: NoteDraftIn):
    note = selectors.get_note_detail(request.auth, note_id)
    sections = {name: text for name, text in payload.dict(exclude={"version"}).items() if text is not None}
    services.save_note_draft(note=note, version=payload.version, by=request.auth, **sections)
    return selectors.get_note_detail(request.auth, note_id)


@router.post(
    "/treatment/notes/{uuid:note_id}/actions/sign",
    response=NoteOut,
    operation_id="signNote",
    summary="Sign a draft note (the version you read); from then on it is only amended",
)
def sign_note(request, note_id: UUID, payload: NoteSignIn):
    note = selectors.get_note_detail(request.auth, note_id)
    services.sign_note(note=note, by=request.auth, version=payload.version)
    return selectors.get_note_detail(request.auth, note_id)


@router.post(
    "/treatment/notes/{uuid:note_id}/actions/amend",
    response=NoteOut,
    operation_id="amendNote",
    summary="Amend a signed note: the sections sent change, with the reason; every version is kept",
)
def amend_note(request, note_id: UUID, payload: NoteAmendIn):
    note = selectors.get_note_detail(request.auth, note_id)
    sections = {name: text for name, text in payload.dict(exclude={"reason"}).items() if text is not None}
    services.amend_note(note=note, reason=payload.reason, by=request.auth, **sections)
    return selectors.get_note_detail(request.auth, note_id)
