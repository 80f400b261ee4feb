"""What the patient sees through their care link: only their own rows, never another patient's."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from knotwork.followup import selectors as followup
from knotwork.plans import selectors as plans
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
    from knotwork.scheduling.selectors import list_upcoming_for_patient

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
