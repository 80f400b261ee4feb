from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from knotwork.audit.services import record_view, record_views
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.errors import ClinicRuleError
from knotwork.core.pagination import BadCursor, ordered_page
from knotwork.patients import selectors, services
from knotwork.patients.forms import PatientForm, PatientSearchForm, PatientStatusForm, ReferringClinicianForm
from knotwork.patients.models import PatientStatus

PAGE_SIZE = 25
SORT_KEYS = {"sort_last": Lower("last_name"), "sort_first": Lower("first_name")}


@clinic_member()
def patient_list(request: ClinicRequest):
    search = PatientSearchForm(request.GET)
    search.is_valid()
    query = search.cleaned_data.get("q", "")
    status = search.cleaned_data.get("status", "")
    patients = selectors.list_patients(request.user, query=query, status=status)
    page, cursor_error, code = None, "", 200
    try:
        # By name, a page at a time from the row at the edge of the last page: the clinic's name index serves
        # it, and no page counts the whole list or skips past the pages before it.
        page = ordered_page(
            patients,
            keys=SORT_KEYS,
            size=PAGE_SIZE,
            after=request.GET.get("after") or None,
            before=request.GET.get("before") or None,
        )
    except BadCursor as bad:
        cursor_error, code = str(bad), 400
    if page is not None:
        record_views(instances=page.object_list, by=request.user)
    context = {
        "search": search,
        "page": page,
        "query": query,
        "status": status,
        "cursor_error": cursor_error,
        # The search as the page links carry it (the first page's link is "?" plus this).
        "list_query": urlencode({name: value for name, value in (("q", query), ("status", status)) if value}),
    }
    template = "patients/patient_list.html"
    if request.htmx and request.htmx.target == "patient-results":
        template += "#results"
    return render(request, template, context, status=code)


def _save_patient(request: ClinicRequest, form: PatientForm, patient=None):
    """Validate, warn about a likely duplicate, then call the service; return a redirect or None."""
    if not form.is_valid():
        return None
    data = form.patient_data()
    duplicates = selectors.find_possible_duplicates(
        request.user,
        first_name=data["first_name"],
        last_name=data["last_name"],
        date_of_birth=data["date_of_birth"],
        exclude=patient,
    )
    if duplicates.exists() and request.POST.get("confirm_not_duplicate") != "yes":
        form.duplicates = list(duplicates[:5])
        return None
    try:
        if patient is None:
            patient = services.register_patient(
                clinic=request.clinic, by=request.user, new_referrer=form.new_referrer_data(), **data
            )
            messages.success(request, f"{patient.display_name} is registered with chart number {patient.chart_number}.")
        else:
            patient = services.update_patient(
                patient=patient, by=request.user, new_referrer=form.new_referrer_data(), **data
            )
            messages.success(request, "The patient's details are saved.")
    except ValidationError as error:
        form.add_error(None, error.messages)
        return None
    except ClinicRuleError as error:
        form.add_error(None, str(error))
        return None
    return redirect(patient)


@clinic_member()
@require_http_methods(["GET", "POST"])
def patient_create(request: ClinicRequest):
    referrers = selectors.list_referring_clinicians(request.user)
    form = PatientForm(request.POST or None, referrers=referrers)
    if request.method == "POST" and (response := _save_patient(request, form)):
        return response
    return render(request, "patients/patient_form.html", {"form": form, "patient": None})


@clinic_member()
@require_http_methods(["GET", "POST"])
def patient_edit(request: ClinicRequest, public_id):
    patient = selectors.get_patient(request.user, public_id)
    if request.method == "GET":
        record_view(instance=patient, by=request.user)
    referrers = selectors.list_referring_clinicians(request.user)
    form = PatientForm(request.POST or None, instance=patient, referrers=referrers)
    if request.method == "POST" and (response := _save_patient(request, form, patient)):
        return response
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient})


@clinic_member()
@require_POST
def patient_status(request: ClinicRequest, public_id):
    patient = selectors.get_patient(request.user, public_id)
    form = PatientStatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_patient_status(
                patient=patient, status=form.cleaned_data["status"], reason=form.cleaned_data["reason"], by=request.user
            )
            messages.success(request, f"Status changed to {PatientStatus(form.cleaned_data['status']).label.lower()}.")
        except ClinicRuleError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, "Choose a valid status.")
    return redirect(patient)


@clinic_member()
def referrer_list(request: ClinicRequest):
    referrers = selectors.list_referring_clinicians(request.user)
    return render(request, "patients/referringclinician_list.html", {"referrers": referrers})


@clinic_member()
@require_http_methods(["GET", "POST"])
def referrer_edit(request: ClinicRequest, public_id=None):
    referrer = selectors.get_referring_clinician(request.user, public_id) if public_id else None
    form = ReferringClinicianForm(request.POST or None, instance=referrer)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_referring_clinician(
                clinic=request.clinic, by=request.user, referrer=referrer, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Referring clinician saved.")
            return redirect("patients:referrer_list")
    return render(request, "patients/referringclinician_form.html", {"form": form, "referrer": referrer})
