"""What the patient sees through their care link: only their own rows, never another patient's."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from knotwork.followup import selectors as followup
from knotwork.followup.models import CheckIn, CheckInStatus
from knotwork.plans import selectors as plans
from knotwork.portal.models import (
    LINK_GUESS_WINDOW,
    LINK_GUESSES_ALLOWED,
    LinkLookupFailure,
    LinkPurpose,
    PatientLink,
    hash_client_address,
)
from knotwork.scheduling.selectors import list_upcoming_for_patient
from knotwork.treatment.models import SessionStatus, TreatmentSession

AFTERCARE_KEPT_FOR = datetime.timedelta(days=90)


def aftercare_sessions(patient) -> QuerySet[TreatmentSession]:
    """Finished sessions of the last three months: their aftercare sheets."""
    return TreatmentSession.objects.filter(
        patient=patient,
        status__in=[SessionStatus.FINISHED, SessionStatus.SIGNED],
        ended_at__gte=timezone.now() - AFTERCARE_KEPT_FOR,
    ).order_by("-ended_at")


def care_page_context(patient) -> dict:
    plan = plans.current_plan_for_patient(patient)
    return {
        "appointments": list_upcoming_for_patient(patient, now=timezone.now()),
        "check_ins": list(followup.open_check_ins(patient)),
        "plan": plan,
        "exercises": plans.home_program(plan) if plan else [],
        "diary": list(followup.diary_for_patient(patient)[:5]),
        "aftercare": list(aftercare_sessions(patient)[:5]),
        "questionnaires": list(followup.open_questionnaire_requests(patient)),
    }


def get_visited_link(link_id, *, lock: bool = False) -> PatientLink | None:
    """The link a patient's session opened (locked for the rest of the transaction when `lock`)."""
    if not isinstance(link_id, int):
        return None
    links = PatientLink.objects.select_related("patient__clinic", "intake", "check_in__session").filter(pk=link_id)
    if lock:
        links = links.select_for_update(of=("self",))
    return links.first()


def link_guessing_blocked(client_address: str, *, now: datetime.datetime | None = None) -> bool:
    """Whether this client opened too many links that matched nothing, lately, to be let look up another."""
    now = now or timezone.now()
    recent = LinkLookupFailure.objects.filter(
        client=hash_client_address(client_address), failed_at__gt=now - LINK_GUESS_WINDOW
    )
    return recent.count() >= LINK_GUESSES_ALLOWED


def patient_check_in(patient, check_in_id) -> CheckIn | None:
    """One of this patient's check-ins, whatever its state (None for another patient's)."""
    return CheckIn.objects.filter(patient=patient, public_id=check_in_id).select_related("session").first()


def check_in_closed_reason(check_in: CheckIn, *, link: PatientLink, now: datetime.datetime | None = None) -> str:
    """Why the check-in cannot be answered through `link` now, or "" while it can.

    "answered", "withdrawn" (the clinic cancelled it), "replaced" (a newer link was sent), "missed" (its time to
    answer is over) or "not_yet". A check-in's own link decides how long it stays open (staff may give a missed
    check-in a fresh link); from the care page, the check-in's answer window does.
    """
    now = now or timezone.now()
    if check_in.status == CheckInStatus.ANSWERED:
        return "answered"
    if check_in.status == CheckInStatus.CANCELLED:
        return "withdrawn"
    if link.purpose == LinkPurpose.CHECK_IN:
        closed_link = {"used": "answered", "withdrawn": "replaced", "expired": "missed"}.get(link.state, "")
        if closed_link:
            return closed_link
    elif check_in.is_missed(now):
        return "missed"
    if now < check_in.due_at:
        return "not_yet"
    return ""
