"""What the patient sees through their care link: only their own rows, never another patient's."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from knotwork.assessment.models import ConsentForm, Technique
from knotwork.assessment.selectors import active_consents
from knotwork.booking.selectors import open_offers_overlapping
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
from knotwork.scheduling.models import Appointment
from knotwork.scheduling.selectors import list_free_slots, list_upcoming_for_patient
from knotwork.treatment.models import SessionStatus, TreatmentSession

AFTERCARE_KEPT_FOR = datetime.timedelta(days=90)


def aftercare_sessions(patient) -> QuerySet[TreatmentSession]:
    """Finished sessions of the last three months: their aftercare sheets."""
    return TreatmentSession.objects.filter(
        patient=patient,
        status__in=[SessionStatus.FINISHED, SessionStatus.SIGNED],
        ended_at__gte=timezone.now() - AFTERCARE_KEPT_FOR,
    ).order_by("-ended_at")


# A first visit (no course planned yet) may already include pressure release on the trigger points found:
# Knotwork default, no clinical source — the consent asked for before the examination and first treatment.
FIRST_VISIT_TECHNIQUES = (Technique.MANUAL_THERAPY.value,)
# How far ahead the care page offers other times for a visit the patient moves.
MOVE_WEEKS_AHEAD = 4


def change_notice(appointment: Appointment) -> datetime.timedelta:
    return datetime.timedelta(hours=appointment.clinic.settings.patient_change_notice_hours)


def may_change_online(appointment: Appointment, *, now: datetime.datetime | None = None) -> bool:
    """Whether the visit is far enough ahead for the patient to move or cancel it (the service decides in the end)."""
    now = now or timezone.now()
    return appointment.starts_at - now >= change_notice(appointment)


def upcoming_visits(patient, *, now: datetime.datetime | None = None) -> list[dict]:
    """The patient's booked visits, each with whether it can be moved or cancelled from the care page."""
    now = now or timezone.now()
    visits = list_upcoming_for_patient(patient, now=now).select_related("clinic__settings")
    return [{"appointment": a, "may_change": may_change_online(a, now=now)} for a in visits]


def get_upcoming_visit(patient, appointment_id) -> Appointment | None:
    """One of this patient's booked, coming visits (None for another patient's, a past or a cancelled one)."""
    return (
        list_upcoming_for_patient(patient, now=timezone.now())
        .select_related("clinic__settings", "plan")
        .filter(public_id=appointment_id)
        .first()
    )


def free_times_for_move(appointment: Appointment, *, now: datetime.datetime | None = None) -> list[datetime.datetime]:
    """Times the same practitioner is free for the same kind of visit, from the notice period on, a few weeks ahead."""
    now = now or timezone.now()
    earliest = now + change_notice(appointment)
    tz = appointment.clinic.tzinfo
    starts_on = earliest.astimezone(tz).date()
    slots = list_free_slots(
        practitioner=appointment.practitioner,
        appointment_type=appointment.appointment_type,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(weeks=MOVE_WEEKS_AHEAD),
        now=earliest,
    )
    # A time a waitlist offer holds is kept for that patient, as on the public booking page.
    length = appointment.ends_at - appointment.starts_at
    held = list(
        open_offers_overlapping(
            practitioner=appointment.practitioner,
            starts_at=earliest,
            ends_at=earliest + datetime.timedelta(weeks=MOVE_WEEKS_AHEAD + 1),
        ).values_list("starts_at", "ends_at")
    )
    return [
        slot
        for slot in slots
        if slot != appointment.starts_at and not any(a < slot + length and slot < b for a, b in held)
    ]


def needed_consents(patient) -> list[str]:
    """The techniques the patient is to be treated with and has no signed consent for, that have a consent text.

    The techniques of the active course; before any course, those of a first visit (FIRST_VISIT_TECHNIQUES).
    """
    plan = plans.current_plan_for_patient(patient)
    planned = [t for t in plan.techniques if t in Technique.values] if plan else list(FIRST_VISIT_TECHNIQUES)
    signed = active_consents(patient)
    written = set(
        ConsentForm.objects.filter(clinic_id=patient.clinic_id, technique__in=planned, versions__isnull=False)
        .values_list("technique", flat=True)
        .distinct()
    )
    return [t for t in dict.fromkeys(planned) if t not in signed and t in written]


def consent_packet_forms(patient, techniques: list[str]) -> list[dict]:
    """The consent forms of a packet still unsigned, each with its current text (in the order asked)."""
    signed = active_consents(patient)
    forms = {
        form.technique: form
        for form in ConsentForm.objects.filter(clinic_id=patient.clinic_id, technique__in=techniques)
    }
    found = []
    for technique in techniques:
        form = forms.get(technique)
        if form is None or technique in signed:
            continue
        version = form.versions.order_by("-number").first()
        if version is not None:
            found.append({"technique": technique, "form": form, "version": version})
    return found


def care_page_context(patient) -> dict:
    plan = plans.current_plan_for_patient(patient)
    return {
        "appointments": upcoming_visits(patient),
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
