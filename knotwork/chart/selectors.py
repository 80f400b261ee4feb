"""The patient chart as one context object, read from every clinical app (this app stands on top of them)."""

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from knotwork.assessment.selectors import assessment_overview
from knotwork.followup import selectors as followup
from knotwork.messaging.models import PatientMessage, TextConsent
from knotwork.outcomes.selectors import list_questionnaires
from knotwork.patients.models import Patient
from knotwork.plans.models import PlanStatus, TreatmentPlan
from knotwork.plans.selectors import list_plans
from knotwork.portal.models import LinkPurpose, PatientLink
from knotwork.scheduling.selectors import list_upcoming_for_patient
from knotwork.treatment.selectors import list_sessions


@dataclass(frozen=True)
class PatientChart:
    """Everything the chart page shows of one patient, each part read through its app's selectors."""

    patient: Patient
    # The first visit (assessment): the screen and its findings, consents, referrals, examinations.
    assessment: dict[str, Any]
    technique_statuses: list[dict[str, Any]]
    referral_statuses: list[tuple[str, str]]
    body: dict[str, list]  # the latest pain drawing and trigger points, for the body map
    # Treatment.
    sessions: list
    # The course: the active plan, earlier ones, appointments, follow-up and questionnaires.
    plan: TreatmentPlan | None
    plan_sessions: int  # how many of the patient's sessions belong to the active plan
    past_plans: list[TreatmentPlan]
    upcoming: list
    open_flags: list
    recent_check_ins: list
    care_link: PatientLink | None
    questionnaires: list
    # Messages: the patient's agreement to texts, and the last messages sent (outcomes only, never the text).
    text_consent: TextConsent | None
    messages: list

    @property
    def consents_missing(self) -> bool:
        """Whether a technique still lacks a signed consent (the card offers one link asking for them all)."""
        return any(t["consent"] is None for t in self.technique_statuses)


def patient_chart(user, patient: Patient) -> PatientChart:
    """The chart of `patient` as `user` may see it (the patient was found through the user's clinic)."""
    overview = assessment_overview(patient)
    # The course card names the practitioner; the patient is this one. (The lists below read no row they do not show.)
    plans = list(list_plans(user, patient=patient).select_related(None).select_related("practitioner")[:3])
    care_link = patient.links.filter(purpose=LinkPurpose.CARE).order_by("-created_at").first()
    plan = next((p for p in plans if p.status == PlanStatus.ACTIVE), None)
    # The list shows each session's date, pain and state: not its practitioner or the note's text. The active
    # plan's count of sessions done is counted from it, not asked again.
    sessions = list(
        list_sessions(patient)
        .select_related(None)
        .only("clinic_id", "patient_id", "plan_id", "public_id", "created_at", "status", "pain_before", "pain_after")
    )
    return PatientChart(
        patient=patient,
        assessment=overview["assessment"],
        technique_statuses=overview["technique_statuses"],
        referral_statuses=overview["referral_statuses"],
        body=overview["body"],
        sessions=sessions,
        plan=plan,
        plan_sessions=sum(1 for s in sessions if plan is not None and s.plan_id == plan.pk),
        past_plans=[p for p in plans if p.status != PlanStatus.ACTIVE],
        upcoming=list(
            list_upcoming_for_patient(patient, now=timezone.now())
            .select_related(None)
            .select_related("practitioner", "appointment_type")[:5]
        ),
        open_flags=list(followup.list_open_flags(user).filter(patient=patient).select_related(None)),
        recent_check_ins=list(
            followup.list_check_ins(user, patient=patient).select_related(None).order_by("-due_at")[:4]
        ),
        care_link=care_link if care_link and care_link.state == "open" else None,
        # The card names each response's instrument, occasion, day and score: none of the rows it joins.
        questionnaires=list(list_questionnaires(user, patient).select_related(None)[:4]),
        text_consent=TextConsent.objects.filter(patient=patient, withdrawn_at__isnull=True).first(),
        messages=list(PatientMessage.objects.filter(patient=patient).order_by("-created_at")[:5]),
    )
