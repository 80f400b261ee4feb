"""Documents on the chart: the patient's list with the upload form, one document's page, and the file itself.

The file is never served as a static file: `open_file` and `download` read it through `selectors.read_document`,
which asks the policy and records the read in the audit trail every time.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from knotwork.audit.services import record_view, record_views
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.errors import ClinicRuleError
from knotwork.core.forms import add_service_errors
from knotwork.documents import selectors, services
from knotwork.documents.filetypes import human_size
from knotwork.documents.forms import CHART_FORM_IDS, UploadForm, WithdrawForm
from knotwork.documents.models import Document
from knotwork.patients.selectors import get_patient


def _upload_form(patient, data=None, files=None, *, chart: bool = False) -> UploadForm:
    """The upload form (on the chart, with the ids the chart's card gives it)."""
    return UploadForm(
        data,
        files,
        referrals=selectors.open_referrals(patient),
        max_bytes=services.max_upload_bytes(),
        **({"auto_id": CHART_FORM_IDS} if chart else {}),
    )


def _upload(request: ClinicRequest, patient, form: UploadForm) -> Document | None:
    """Hand a valid form's file to the service; put its refusal on the form."""
    upload = form.cleaned_data["file"]
    limit = services.max_upload_bytes()
    if upload.size > limit:  # said before the file is read into memory (the service checks the content again)
        form.add_error("file", f"The file is {human_size(upload.size)}; a document can be at most {human_size(limit)}.")
        return None
    try:
        return services.upload_document(
            patient=patient,
            content=upload.read(),
            filename=upload.name,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            referral=form.cleaned_data.get("referral"),
            result=form.cleaned_data.get("result", ""),
            by=request.user,
        )
    except ValidationError as error:
        add_service_errors(form, error)
    except ClinicRuleError as error:
        form.add_error(None, str(error))
    return None


@clinic_member(may="see_documents")
@require_http_methods(["GET", "POST"])
def patient_documents(request: ClinicRequest, patient_id):
    """The patient's documents (the withdrawn ones listed apart) and the form to add one."""
    patient = get_patient(request.user, patient_id)
    form = _upload_form(patient)
    if request.method == "POST":
        form = _upload_form(patient, request.POST, request.FILES)
        document = _upload(request, patient, form) if form.is_valid() else None
        if document is not None:
            closed = " The referral it answers is closed." if document.referral_id else ""
            messages.success(request, f"“{document.title}” added to the chart.{closed}")
            return redirect(patient.get_absolute_url() if request.POST.get("next") == "chart" else request.path)
    documents = list(selectors.list_documents(request.user, patient))
    withdrawn = list(selectors.list_documents(request.user, patient, withdrawn=True))
    record_view(instance=patient, by=request.user, shown_in="documents")
    record_views(instances=documents + withdrawn, by=request.user, shown_in="documents list")
    context = {"patient": patient, "documents": documents, "withdrawn": withdrawn, "form": form}
    return render(request, "documents/document_list.html", context, status=400 if form.errors else 200)


@clinic_member(may="upload_document")
@require_http_methods(["GET"])
def upload_form(request: ClinicRequest, patient_id):
    """The chart's upload form, drawn when the card's "Add a document" is opened (it posts to `patient_documents`).

    The chart draws it at once only when a referral waits for its result; otherwise it is only drawn here."""
    patient = get_patient(request.user, patient_id)
    record_view(instance=patient, by=request.user, shown_in="document upload form")  # it names the open referrals
    context = {"patient": patient, "form": _upload_form(patient, chart=True), "next": "chart"}
    return render(request, "documents/components/upload_form.html", context)


@clinic_member(may="see_documents")
def detail(request: ClinicRequest, public_id):
    """One document: what it is, who added it, the referral it answered, a preview, and withdrawing it."""
    document = selectors.get_document(request.user, public_id)
    record_view(instance=document, by=request.user, shown_in="document page")
    return render(
        request,
        "documents/document_detail.html",
        {"document": document, "patient": document.patient, "withdraw_form": WithdrawForm()},
    )


def _file_response(request: ClinicRequest, document: Document, *, attachment: bool) -> HttpResponse:
    shown_in = "downloaded" if attachment else "opened"
    response = HttpResponse(
        selectors.document_bytes(request.user, document, shown_in=shown_in), content_type=document.content_type
    )
    response["Content-Disposition"] = content_disposition_header(attachment, document.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if document.is_image:
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@clinic_member(may="see_documents")
def open_file(request: ClinicRequest, public_id):
    """The file in the browser (a PDF or image viewer); each opening is recorded."""
    return _file_response(request, selectors.get_document(request.user, public_id), attachment=False)


@clinic_member(may="see_documents")
def download(request: ClinicRequest, public_id):
    """The file as a download, under its sanitised name; each download is recorded."""
    return _file_response(request, selectors.get_document(request.user, public_id), attachment=True)


@clinic_member(may="withdraw_document")
@require_POST
def withdraw(request: ClinicRequest, public_id):
    document = selectors.get_document(request.user, public_id)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_document(document=document, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        except ClinicRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{document.title}” withdrawn from the chart; it is kept, listed apart.")
            return redirect("documents:patient", patient_id=document.patient.public_id)
    record_view(instance=document, by=request.user, shown_in="document page")
    context = {"document": document, "patient": document.patient, "withdraw_form": form}
    return render(request, "documents/document_detail.html", context, status=400)
