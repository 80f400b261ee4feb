"""Reads of check-ins, flags and the pain diary: staff reads are scoped to the user's clinic."""

import datetime

from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.utils import timezone

from knotwork.followup.models import (
    CHECK_IN_ANSWER_WINDOW,
    CheckIn,
    CheckInStatus,
    DiaryEntry,
    Flag,
    FlagStatus,
    QuestionnaireRequest,
)
from knotwork.messaging.models import MessageStatus, PatientMessage


# The patient's own side (reached through their private link, never through a staff user).
def open_check_ins(patient, *, now: datetime.datetime | None = None) -> QuerySet[CheckIn]:
    """Check-ins the patient can answer now: sent (or due) and still inside the answer window."""
    now = now or timezone.now()
    return CheckIn.objects.filter(
        patient=patient,
        status__in=[CheckInStatus.SCHEDULED, CheckInStatus.SENT],
        due_at__lte=now,
        due_at__gt=now - CHECK_IN_ANSWER_WINDOW,
    ).select_related("session")


def open_questionnaire_requests(patient) -> QuerySet[QuestionnaireRequest]:
    return QuestionnaireRequest.objects.filter(patient=patient, completed_at=None, withdrawn_at=None)


def diary_for_patient(patient) -> QuerySet[DiaryEntry]:
    return DiaryEntry.objects.filter(patient=patient)


# Staff reads.
def list_open_flags(user, *, practitioner=None) -> QuerySet[Flag]:
    flags = Flag.objects.for_user(user).filter(status=FlagStatus.OPEN).select_related("patient", "check_in")
    if practitioner is not None:
        flags = flags.filter(Q(practitioner=practitioner) | Q(practitioner=None))
    return flags


def list_flags(user, *, patient) -> QuerySet[Flag]:
    return Flag.objects.for_user(user).filter(patient=patient).select_related("resolved_by")


def get_flag(user, flag_id) -> Flag:
    return get_object_or_404(Flag.objects.for_user(user).select_related("patient"), public_id=flag_id)


def list_check_ins(user, *, patient) -> QuerySet[CheckIn]:
    return CheckIn.objects.for_user(user).filter(patient=patient).select_related("session")


# Scheduled or sent, the states of check_in_open_due_idx, written into the SQL as the index states them: SQLite
# uses a partial index only when the query says its condition in the same words, and a bound parameter is unknown
# when the plan is made (it then read every check-in the clinic ever had). The states are the code's constants.
_OPEN_STATES = ", ".join(f"'{status}'" for status in (CheckInStatus.SCHEDULED, CheckInStatus.SENT))
assert all(str(status).isidentifier() for status in (CheckInStatus.SCHEDULED, CheckInStatus.SENT))  # noqa: S101


def _open_check_ins() -> RawSQL:
    return RawSQL(f'"followup_checkin"."status" IN ({_OPEN_STATES})', (), output_field=BooleanField())  # noqa: S611 (constants only)


def check_ins_awaiting(user, *, now: datetime.datetime | None = None, practitioner=None) -> QuerySet[CheckIn]:
    """Due in the next day or sent and not yet answered, inside the answer window."""
    now = now or timezone.now()
    check_ins = CheckIn.objects.for_user(user).filter(
        _open_check_ins(),
        due_at__lte=now + datetime.timedelta(days=1),
        due_at__gt=now - CHECK_IN_ANSWER_WINDOW,
    )
    if practitioner is not None:
        check_ins = check_ins.filter(session__practitioner=practitioner)
    return check_ins.select_related("patient", "session").order_by("due_at")


def check_ins_missed(
    user, *, now: datetime.datetime | None = None, practitioner=None, days: int = 7
) -> QuerySet[CheckIn]:
    """Not answered within the answer window, in the last `days` days."""
    now = now or timezone.now()
    check_ins = CheckIn.objects.for_user(user).filter(
        _open_check_ins(),
        due_at__lte=now - CHECK_IN_ANSWER_WINDOW,
        due_at__gt=now - datetime.timedelta(days=days),
    )
    if practitioner is not None:
        check_ins = check_ins.filter(session__practitioner=practitioner)
    return check_ins.select_related("patient", "session").order_by("-due_at")


def get_check_in(user, check_in_id) -> CheckIn:
    return get_object_or_404(CheckIn.objects.for_user(user).select_related("patient"), public_id=check_in_id)


def list_questionnaire_requests(user, *, patient) -> QuerySet[QuestionnaireRequest]:
    return QuestionnaireRequest.objects.for_user(user).filter(patient=patient).select_related("response")


def get_questionnaire_request(user, request_id) -> QuestionnaireRequest:
    return get_object_or_404(
        QuestionnaireRequest.objects.for_user(user).select_related("patient"), public_id=request_id
    )


# Pain the patient reported between sessions, for the pain series (registered on knotwork.outcomes.hooks).


def check_in_pain_readings(*, patient) -> list[tuple[datetime.datetime, int, str]]:
    """Pain the patient answered at check-ins after sessions."""
    answered = CheckIn.objects.filter(patient=patient, pain__isnull=False, answered_at__isnull=False)
    readings = answered.values_list("answered_at", "pain")
    return [(at, pain, "check-in") for at, pain in readings if at is not None and pain is not None]


def diary_pain_readings(*, patient) -> list[tuple[datetime.datetime, int, str]]:
    """The patient's pain diary, one reading a day, placed at noon of that day in the clinic's time zone."""
    tz = patient.clinic.tzinfo
    return [
        (datetime.datetime.combine(day, datetime.time(12), tzinfo=tz), pain, "diary")
        for day, pain in DiaryEntry.objects.filter(patient=patient).values_list("recorded_on", "pain")
    ]


def messages_not_delivered(user, *, now: datetime.datetime, days: int = 7) -> QuerySet[PatientMessage]:
    """Messages to patients of the clinic that failed, are waiting for another try, or reached no one, lately."""
    return (
        PatientMessage.objects.for_user(user)
        .filter(
            status__in=[MessageStatus.FAILED, MessageStatus.RETRYING, MessageStatus.UNREACHABLE],
            created_at__gte=now - datetime.timedelta(days=days),
        )
        .select_related("patient")
        .order_by("-created_at")[:20]
    )
