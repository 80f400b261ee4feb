"""The one way to run a session: start (with the safety guard), holds, other techniques, the note, its billing lines.

Split by subject: `guard` (what the screen and consents allow, overrides), `session` (start, points and holds,
needling and other techniques, finish), `notes` (the SOAP draft, signing, amendments), `codes` (billing lines).
"""

from knotwork.treatment.services.codes import TIMED_CODE_FOR, billing_lines
from knotwork.treatment.services.guard import CONSENT_FOR, GuardError, guard, guards, override_technique
from knotwork.treatment.services.notes import (
    SOAP,
    NoteConflict,
    Soap,
    amend_note,
    draft_soap,
    save_note_draft,
    sign_note,
)
from knotwork.treatment.services.session import (
    CLOCK_SLACK,
    HIGH_RISK_WORDS,
    MAX_HOLD_SECONDS,
    Needling,
    Technique,
    add_point,
    finish_session,
    is_high_risk,
    needling_area,
    record_hold,
    record_needling,
    record_technique,
    release_point,
    slim_build,
    start_session,
)

__all__ = [
    "CLOCK_SLACK",
    "CONSENT_FOR",
    "HIGH_RISK_WORDS",
    "MAX_HOLD_SECONDS",
    "SOAP",
    "TIMED_CODE_FOR",
    "GuardError",
    "Needling",
    "NoteConflict",
    "Soap",
    "Technique",
    "add_point",
    "amend_note",
    "billing_lines",
    "draft_soap",
    "finish_session",
    "guard",
    "guards",
    "is_high_risk",
    "needling_area",
    "override_technique",
    "record_hold",
    "record_needling",
    "record_technique",
    "release_point",
    "save_note_draft",
    "sign_note",
    "slim_build",
    "start_session",
]
