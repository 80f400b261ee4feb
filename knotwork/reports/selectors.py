"""Each printable document's context, built once: the same context renders the page and the PDF."""

import datetime

from knotwork.atlas.catalog import get_atlas
from knotwork.outcomes import charts
from knotwork.outcomes import selectors as outcomes
from knotwork.plans.models import TreatmentPlan
from knotwork.plans.selectors import current_plan_for_patient, home_program
from knotwork.treatment.models import TreatmentSession


def aftercare_context(session: TreatmentSession) -> dict:
    """The aftercare sheet of a session: what was treated and how, the soreness window, the techniques used.

    The home stretches are the patient's own program (the course's) when there is one; otherwise the atlas's
    self-care advice for each muscle treated.
    """
    atlas = get_atlas()
    treated: dict[str, dict] = {}

    def mark(muscle_id: str, method: str) -> None:
        if muscle_id in atlas.muscles:
            entry = treated.setdefault(muscle_id, {"muscle": atlas.muscles[muscle_id], "methods": []})
            if method not in entry["methods"]:
                entry["methods"].append(method)

    for point in session.points.all():
        if point.holds.exists():
            mark(point.muscle, "pressure release")
    for entry in session.needling.all():
        mark(entry.muscle, "dry needling")
    plan = session.plan or current_plan_for_patient(session.patient)
    return {
        "session": session,
        "patient": session.patient,
        "home_program": list(home_program(plan)) if plan is not None else [],
        "settings": session.patient.clinic.settings,
        "treated": list(treated.values()),
        "needled": session.needling.exists(),
        "techniques": session.techniques.all(),
    }


def course_review_context(plan: TreatmentPlan) -> dict:
    """The course review: responder or not by the clinic's rule, and its charts (pain, then each questionnaire)."""
    review = outcomes.course_review(plan)
    return {"plan": plan, "patient": plan.patient, "review": review, "charts": review_charts(plan, review)}


def review_charts(plan: TreatmentPlan, review: outcomes.CourseReview) -> list[dict]:
    """The review's charts as inline SVG (the same strings go into the PDF): pain, then each questionnaire."""
    tz = plan.patient.clinic.tzinfo
    since, until = outcomes.course_days(plan)
    clinic_settings = plan.patient.clinic.settings
    pain = outcomes.pain_series(plan.patient, since=since, until=until)
    result = []
    if pain:
        result.append(
            {
                "svg": charts.pain_chart(
                    pain,
                    responder_points=review.points,
                    baseline=review.baseline.value if review.baseline else None,
                    tz=tz,
                ),
                "caption": "Pain during the course: before and after each session, check-ins, pain ratings and "
                "the patient's diary. The dashed line is the responder threshold from the first score.",
            }
        )
    for instrument, setting, factor in (
        ("odi", "odi_important_change", 1),
        ("ndi", "ndi_important_change", 2),
        ("psfs", "psfs_important_change", 1),
    ):
        series = outcomes.questionnaire_series(
            plan.patient, instrument, since=plan.starts_on - datetime.timedelta(days=30), until=until
        )
        if series:
            result.append(
                {
                    "svg": charts.questionnaire_chart(
                        series,
                        instrument=instrument,
                        important_change=getattr(clinic_settings, setting) * factor,
                        tz=tz,
                    ),
                    "caption": charts.QUESTIONNAIRES[instrument][0],
                }
            )
    return result
