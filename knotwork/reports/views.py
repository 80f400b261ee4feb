"""Printable documents: each a page and a PDF of the same context (knotwork.reports.selectors)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from knotwork.audit.services import record_view
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.plans.selectors import get_plan
from knotwork.reports import selectors
from knotwork.reports.services import PdfUnavailable, render_pdf
from knotwork.treatment.selectors import get_session


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@clinic_member(may="see_clinical_record")
def aftercare(request: ClinicRequest, public_id):
    """The patient's aftercare sheet for a session (screen and print)."""
    session = get_session(request.user, public_id)
    record_view(instance=session, by=request.user, shown_in="aftercare sheet")
    return render(request, "reports/aftercare.html", selectors.aftercare_context(session))


@clinic_member(may="see_clinical_record")
def aftercare_pdf(request: ClinicRequest, public_id):
    """The same aftercare sheet as a PDF, to email or hand over."""
    session = get_session(request.user, public_id)
    try:
        pdf = render_pdf(
            "reports/aftercare_pdf.html",
            selectors.aftercare_context(session),
            base_url=request.build_absolute_uri("/"),
        )
    except PdfUnavailable as error:
        messages.error(request, str(error))
        return redirect("reports:aftercare", public_id=session.public_id)
    record_view(instance=session, by=request.user, shown_in="aftercare PDF")
    return _pdf_response(pdf, f"aftercare-{session.patient.chart_number}-{session.created_at:%Y%m%d}.pdf")


@clinic_member(may="see_clinical_record")
def course_review_pdf(request: ClinicRequest, plan_id):
    """The course review as a PDF: the same review and charts as the course page."""
    plan = get_plan(request.user, plan_id)
    context = selectors.course_review_context(plan) | {"pdf": True}
    try:
        pdf = render_pdf("reports/course_review_pdf.html", context, base_url=request.build_absolute_uri("/"))
    except PdfUnavailable as error:
        messages.error(request, str(error))
        return redirect(plan)
    record_view(instance=plan, by=request.user, shown_in="course review PDF")
    return _pdf_response(pdf, f"course-review-{plan.patient.chart_number}-{plan.starts_on:%Y%m%d}.pdf")
