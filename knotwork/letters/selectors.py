"""Scoped reads of letters and templates, and the one report context every letter is rendered from.

`letter_context` gathers the clinical report (diagnosis, trigger points on the body map, treatments given, the
course review's verdict and charts, the plan) and the clinic's merged words; the same dict renders the page a
practitioner previews and the PDF that is sent and kept (`letters/letter_pdf.html`).
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone

from knotwork.assessment.models import Diagnosis, Examination
from knotwork.atlas.bodymap import body_map_views
from knotwork.atlas.catalog import get_atlas
from knotwork.letters import merge
from knotwork.letters.defaults import DEFAULT_TEMPLATES
from knotwork.letters.models import Letter, LetterKind, LetterTemplate
from knotwork.patients.models import Patient
from knotwork.plans.models import TreatmentPlan
from knotwork.reports.selectors import course_review_context
from knotwork.treatment.models import SessionStatus, TreatmentSession

# Body-map colours as SVG presentation attributes (WeasyPrint draws an SVG's own attributes, not the page's CSS
# rules for it), the same colours as static/css/knotwork.css gives the map on screen.
MAP_COLOURS = {
    "silhouette": "#f1f4f5",
    "region": "#f1f4f5",
    "region_stroke": "#d5dee1",
    "outline": "#52636a",
    "active": "#7a1020",
    "latent_fill": "#ffffff",
}


def _uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise Http404("No such letter.") from None


def list_letters(user, patient: Patient) -> QuerySet[Letter]:
    return (
        Letter.objects.for_user(user)
        .filter(patient=patient)
        .select_related("recipient", "document", "sent_by", "plan")
        .order_by("-created_at")
    )


def get_letter(user, public_id) -> Letter:
    return get_object_or_404(
        Letter.objects.for_user(user).select_related("patient", "recipient", "document", "sent_by", "plan"),
        public_id=_uuid(public_id),
    )


def list_patient_plans(user, patient: Patient) -> QuerySet[TreatmentPlan]:
    return TreatmentPlan.objects.for_user(user).filter(patient=patient).order_by("-starts_on", "-created_at")


def get_patient_plan(user, patient: Patient, public_id) -> TreatmentPlan:
    return get_object_or_404(list_patient_plans(user, patient), public_id=_uuid(public_id))


@dataclass(frozen=True)
class TemplateText:
    """The words of one kind of letter: the clinic's own, or Knotwork's default until it has some."""

    kind: str
    subject: str
    opening: str
    closing: str
    is_default: bool


def template_for(clinic, kind: str) -> TemplateText:
    saved = LetterTemplate.objects.filter(clinic=clinic, kind=kind).first()
    if saved is not None:
        return TemplateText(kind, saved.subject, saved.opening, saved.closing, is_default=False)
    return TemplateText(kind, **DEFAULT_TEMPLATES[kind], is_default=True)


def templates(clinic) -> list[TemplateText]:
    return [template_for(clinic, kind) for kind in LetterKind.values]


def _date(value: datetime.date | None) -> str:
    return formats.date_format(value, "j F Y") if value else ""


def _diagnosis(patient: Patient, plan: TreatmentPlan | None) -> Diagnosis | None:
    if plan is not None and plan.diagnosis_id:
        return plan.diagnosis
    return Diagnosis.objects.filter(patient=patient).order_by("-examination__created_at", "-is_primary").first()


def verdict_text(review) -> str:
    if review is None or review.response is None:
        return "has too few pain scores so far for the clinic's responder rule"
    if review.responder:
        return "responded to treatment"
    return "has not responded to treatment" if review.due else "has not yet responded to treatment"


def _trigger_points(patient: Patient) -> dict:
    """The latest examination's trigger points: a list and a body map drawn with presentation attributes."""
    atlas = get_atlas()
    exam = Examination.objects.filter(patient=patient).order_by("-created_at").first()
    findings = list(exam.trigger_points.all()) if exam else []
    points = [
        {"view": p.view, "x": p.x, "y": p.y, "active": p.is_active, "label": f"{p.muscle} ({p.side})"}
        for p in findings
        if p.view
    ]
    rows = [
        {
            "muscle": atlas.muscles[p.muscle].name if p.muscle in atlas.muscles else p.muscle,
            "side": p.get_side_display().lower(),
            "active": p.is_active,
            "twitch": p.twitch_response,
            "referred": p.referred_pain,
        }
        for p in findings
    ]
    views = [v for v in body_map_views(points=points) if v["points"]] if points else []
    return {"examined_on": exam.created_at if exam else None, "rows": rows, "views": views}


def _treatments(plan: TreatmentPlan | None) -> list[dict]:
    """Each finished session of the course: pain before and after, what was done to which muscles."""
    if plan is None:
        return []
    atlas = get_atlas()

    def muscle(muscle_id: str) -> str:
        return atlas.muscles[muscle_id].name if muscle_id in atlas.muscles else muscle_id

    sessions = (
        TreatmentSession.objects.filter(plan=plan)
        .exclude(status=SessionStatus.IN_PROGRESS)
        .prefetch_related("points__holds", "needling", "techniques")
        .order_by("created_at")
    )
    rows = []
    for session in sessions:
        released = sorted({muscle(p.muscle) for p in session.points.all() if p.holds.all()})
        needled = sorted({muscle(n.muscle) for n in session.needling.all()})
        techniques = [f"{t.get_kind_display()} ({t.minutes} min)" for t in session.techniques.all()]
        rows.append(
            {
                "date": session.created_at,
                "pain_before": session.pain_before,
                "pain_after": session.pain_after,
                "released": released,
                "needled": needled,
                "techniques": techniques,
            }
        )
    return rows


def letter_context(
    *,
    patient: Patient,
    kind: str,
    author,
    plan: TreatmentPlan | None = None,
    next_steps: str = "",
    today: datetime.date | None = None,
    template: TemplateText | None = None,
) -> dict:
    """Everything a letter shows, once: the clinic's merged words and the clinical report around them."""
    clinic = patient.clinic
    today = today or timezone.localdate(timezone=clinic.tzinfo)
    template = template or template_for(clinic, kind)
    review_context = course_review_context(plan) if plan is not None else {"review": None, "charts": []}
    review = review_context["review"]
    diagnosis = _diagnosis(patient, plan)
    referrer = patient.referring_clinician
    course_end = None
    if plan is not None:
        course_end = plan.ended_at.astimezone(clinic.tzinfo).date() if plan.ended_at else plan.ends_on
    values = {
        "patient.first_name": patient.first_name,
        "patient.last_name": patient.last_name,
        "patient.full_name": f"{patient.first_name} {patient.last_name}",
        "patient.date_of_birth": _date(patient.date_of_birth),
        "patient.chart_number": patient.chart_number,
        "referrer.name": referrer.name if referrer else "colleague",
        "referrer.practice": referrer.practice if referrer else "",
        "clinic.name": clinic.name,
        "clinic.phone": clinic.phone,
        "practitioner.name": (author.get_full_name() or author.email) if author is not None else clinic.name,
        "course.start": _date(plan.starts_on) if plan else "",
        "course.end": _date(course_end),
        "course.sessions": str(review.sessions_done) if review else "0",
        "diagnosis": f"{diagnosis.code} {diagnosis.description}" if diagnosis else "not recorded",
        "verdict": verdict_text(review),
        "today": _date(today),
    }
    return {
        "kind": kind,
        "kind_label": LetterKind(kind).label,
        "patient": patient,
        "clinic": clinic,
        "referrer": referrer,
        "author": author,
        "plan": plan,
        "today": today,
        "subject": merge.merge(template.subject, values),
        "opening": merge.merge(template.opening, values),
        "closing": merge.merge(template.closing, values),
        "diagnosis": diagnosis,
        "trigger_points": _trigger_points(patient),
        "map_colours": MAP_COLOURS,
        "treatments": _treatments(plan),
        "review": review,
        "charts": review_context["charts"],
        "verdict": verdict_text(review),
        "next_steps": next_steps,
        "pdf": True,  # the review component leaves out its own PDF link inside a letter
    }
