"""Who may treat: everything in a session and its note is clinical (a practitioner or the owner)."""

from knotwork.clinics.policy import CLINICAL, rule
from knotwork.core.policy import register


def _physician(by, obj) -> str | None:
    membership = getattr(by, "membership", None)
    if membership is None or not membership.is_physician:
        return "Only a physician may record an injection (the owner marks physicians on the Staff page)."
    return None


register(
    rule("start_session", "start a treatment session", CLINICAL),
    rule("override_technique", "override a technique's safety check", CLINICAL),
    rule("add_point", "add a point to treat", CLINICAL),
    rule("record_hold", "record treatment", CLINICAL),
    rule("release_point", "release a treated point", CLINICAL),
    rule("record_needling", "record dry needling", CLINICAL),
    rule("record_technique", "record a technique", CLINICAL),
    rule(
        "record_injection",
        "record an injection",
        CLINICAL,
        condition=_physician,
        condition_text="physicians only (marked by the owner)",
    ),
    rule("finish_session", "finish a session", CLINICAL),
    rule("save_note_draft", "edit a clinical note", CLINICAL),
    rule("sign_note", "sign a note", CLINICAL),
    rule("amend_note", "amend a signed note", CLINICAL),
)
