"""The patient's side: one private link opens one form, no account needed."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from knotwork.assessment.forms import IntakeForm
from knotwork.assessment.models import IntakeStatus
from knotwork.assessment.views import consent_page, handle_intake_post, intake_context
from knotwork.clinics.models import Role
from knotwork.clinics.services import ClinicRuleError
from knotwork.core.access import ClinicRequest, clinic_member, public
from knotwork.patients.selectors import get_patient
from knotwork.portal import services
from knotwork.portal.models import LinkPurpose

STAFF = (Role.OWNER, Role.PRACTITIONER, Role.FRONT_DESK)


@clinic_member(*STAFF)
@require_POST
def link_create(request: ClinicRequest, patient_id):
    patient = get_patient(request.user, patient_id)
    purpose = request.POST.get("purpose", "")
    technique = request.POST.get("technique", "")
    try:
        link, token = services.create_patient_link(
            patient=patient, purpose=purpose, technique=technique, by=request.user
        )
    except (ClinicRuleError, ValueError):
        messages.error(request, "Choose what the link is for.")
        return redirect(patient)
    emailed = " and emailed to the patient" if patient.email else ""
    messages.success(
        request,
        f"Private {link.get_purpose_display().lower()} link created{emailed}. It works once, until "
        f"{link.expires_at:%b %d}: {services.link_url(token)}",
    )
    return redirect(patient)


def _closed(request, link, status=410):
    state = link.state if link else "unknown"
    return render(request, "portal/link_closed.html", {"link": link, "state": state}, status=status if link else 404)


@public
@never_cache
@require_http_methods(["GET", "POST"])
def entry(request, token: str):
    if request.method == "POST":
        # One submission at a time per link: a double submit waits, then finds the link used.
        with transaction.atomic():
            link = services.find_link(token, lock=True)
            return _entry(request, link)
    return _entry(request, services.find_link(token))


def _entry(request, link):
    if link is None or link.state != "open":
        return _closed(request, link)
    patient = link.patient
    if link.purpose == LinkPurpose.INTAKE:
        intake = link.intake
        if intake is None or intake.status != IntakeStatus.DRAFT:
            return _closed(request, link)
        form = IntakeForm(request.POST or None, instance=intake, patient_facing=True)
        if request.method == "POST":

            def done(screen):
                services.mark_link_used(link=link)
                return render(request, "portal/thanks.html", {"patient": patient, "what": "your intake form"})

            response = handle_intake_post(request, intake, form, by=None, on_submitted=done)
            if response is not None:
                return response
        return render(request, "assessment/intake_form.html", intake_context(form, intake, patient, portal=True))

    def signed(consent):
        services.mark_link_used(link=link)
        return render(request, "portal/thanks.html", {"patient": patient, "what": "your consent"})

    return consent_page(
        request,
        patient=patient,
        technique=link.technique,
        via_link=True,
        by=None,
        on_signed=signed,
        base_template="portal/base.html",
    )
