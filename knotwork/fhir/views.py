"""FHIR R4 over HTTP: a patient's `$everything`, reads by id, the Bulk Data `$export`, and the owner's pages.

The FHIR endpoints take an API key (`Authorization: Bearer kw_…`, accounts.api_auth) or a signed-in browser session,
answer `application/fhir+json`, and say every refusal as an OperationOutcome with its HTTP status: 401 without
valid credentials, 403 for a role or key that may not, 404 for what is missing or another clinic's, 429 with
Retry-After past a key's rate. Every patient read is recorded in the audit trail; an export as an export.
"""

import datetime
import json
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from knotwork.accounts.api_auth import bearer_user
from knotwork.audit.services import record_export, record_view
from knotwork.core.access import ACCESS_RULE_ATTR, ClinicRequest, clinic_member, public
from knotwork.core.api import CredentialsRefused, RateLimited
from knotwork.core.policy import NotAllowed
from knotwork.fhir import policy, resources, selectors, services
from knotwork.fhir.forms import ExportForm, QuestionnaireUploadForm
from knotwork.fhir.models import ExportStatus, FhirExport
from knotwork.fhir.resources import EXPORT_TYPES
from knotwork.reports.services import PdfUnavailable, render_pdf

FHIR_JSON = "application/fhir+json"
NDJSON = "application/fhir+ndjson"
OUTPUT_FORMATS = {"application/fhir+ndjson", "application/ndjson", "ndjson"}
POLL_AFTER_SECONDS = 2


class Refused(Exception):
    """A FHIR request answered with an OperationOutcome."""

    def __init__(self, status: int, code: str, message: str, **headers: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def fhir_response(resource, status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(resources.as_json(resource), status=status, content_type=FHIR_JSON)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def outcome(status: int, code: str, message: str, *, severity: str = "error", **headers: str) -> HttpResponse:
    return fhir_response(resources.operation_outcome(code, message, severity=severity), status, **headers)


def _caller(request: HttpRequest):
    """The API key's user, or the signed-in staff user; refuses anyone else (401) and keys out of reach (403/429)."""
    try:
        user = bearer_user(request)
    except CredentialsRefused as error:
        raise Refused(401, "login", error.detail, WWW_Authenticate='Bearer realm="knotwork"') from error
    except RateLimited as error:
        raise Refused(
            429,
            "throttled",
            f"Too many calls with this key: try again in {error.retry_after} s.",
            Retry_After=str(error.retry_after),
        ) from error
    except PermissionDenied as error:
        raise Refused(403, "forbidden", str(error) or "This API key may not do this.") from error
    if user is None:
        if not request.user.is_authenticated:
            raise Refused(
                401,
                "login",
                "Send an API key as 'Authorization: Bearer kw_…', or sign in to Knotwork.",
                WWW_Authenticate='Bearer realm="knotwork"',
            )
        user = request.user
    return user


def fhir_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Authenticate (key or session), ask who may read FHIR, and answer every refusal as an OperationOutcome."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            user = _caller(request)
            reason = policy.read_refusal(user)
            if reason is not None:
                raise Refused(403, "forbidden", reason)
            response = view(request, user, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                allowed = response["Allow"]
                return outcome(405, "not-supported", f"This address takes: {allowed}.", Allow=allowed)
            return response
        except Refused as refused:
            return outcome(refused.status, refused.code, refused.message, **refused.headers)
        except Http404:
            return outcome(404, "not-found", "No such resource in this clinic.")
        except PermissionDenied as refused:
            return outcome(403, "forbidden", str(refused) or "Not allowed.")
        except ValidationError as error:
            return outcome(400, "invalid", " ".join(error.messages))

    # Authenticated by the wrapper itself (a key or a session), for the access-rule middleware and URL walks.
    setattr(wrapped, ACCESS_RULE_ATTR, "fhir:key-or-session")
    return wrapped


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _audit_read(row, user, shown_in: str) -> None:
    """Record a read of a patient's row (a goal is its plan's); staff and the clinic are nobody's record."""
    if row._meta.label_lower == "plans.goal":
        row = row.plan
    if row._meta.label_lower == "patients.patient" or getattr(row, "patient_id", None) is not None:
        record_view(instance=row, by=user, shown_in=shown_in)


@public
@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: what this server answers (open to anyone, as FHIR clients read it before signing in)."""
    return fhir_response(resources.capability_statement(_base_url(request)))


# --- reads ------------------------------------------------------------------------------------------------------


@fhir_endpoint
@require_GET
def everything(request: HttpRequest, user, public_id: str) -> HttpResponse:
    ctx = selectors.context(_base_url(request))
    _resource, patient = selectors.get_resource_row(user, "Patient", public_id, ctx)
    found = selectors.patient_record(user, patient, ctx)
    record_export(instance=patient, by=user, what="FHIR Patient/$everything", details={"resources": len(found)})
    return fhir_response(resources.bundle(found, base_url=_base_url(request)))


def read(resource_type: str):
    """The read-by-id view of one resource type (`GET /fhir/r4/{type}/{id}`)."""

    @fhir_endpoint
    @require_GET
    def view(request: HttpRequest, user, public_id: str) -> HttpResponse:
        resource, row = selectors.get_resource_row(
            user, resource_type, public_id, selectors.context(_base_url(request))
        )
        _audit_read(row, user, f"FHIR {resource_type}")
        return fhir_response(resource)

    view.__name__ = view.__qualname__ = f"read_{resource_type.lower()}"
    return view


@fhir_endpoint
def not_supported(request: HttpRequest, user, address: str) -> HttpResponse:
    """Any address under /fhir/r4/ that names no resource type or operation of this server."""
    kind = address.split("/", 1)[0]
    supported = ", ".join(EXPORT_TYPES)
    raise Refused(404, "not-supported", f"This server has no '{kind[:60]}' here. It reads {supported} by id.")


@fhir_endpoint
@require_GET
def note_pdf(request: HttpRequest, user, public_id: str) -> HttpResponse:
    """The signed note of a DocumentReference as PDF, rendered from the note as it stands (amendments included)."""
    _resource, note = selectors.get_resource_row(
        user, "DocumentReference", public_id, selectors.context(_base_url(request))
    )
    try:
        pdf = render_pdf("fhir/note_pdf.html", selectors.note_context(note), base_url=request.build_absolute_uri("/"))
    except PdfUnavailable as error:
        return outcome(503, "transient", str(error))
    record_view(instance=note, by=user, shown_in="FHIR DocumentReference PDF")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="note-{note.public_id}.pdf"'
    return response


# --- the bulk export --------------------------------------------------------------------------------------------


def _clinic_of(user):
    return user.membership.clinic


def _since(text: str) -> datetime.datetime | None:
    if not text:
        return None
    try:
        value = parse_datetime(text)
    except ValueError:  # well formed, but no such moment (month 13)
        value = None
    if value is None or value.tzinfo is None:
        raise ValidationError("_since must be a FHIR instant with a time zone, e.g. 2026-01-31T09:00:00Z.")
    return value


@fhir_endpoint
@require_GET
def export_kick_off(request: HttpRequest, user) -> HttpResponse:
    """`GET /fhir/r4/$export` with `Prefer: respond-async`: 202 and the status URL in Content-Location."""
    if "respond-async" not in request.headers.get("Prefer", ""):
        return outcome(400, "invalid", "A bulk export is asynchronous: send the header 'Prefer: respond-async'.")
    output = request.GET.get("_outputFormat", "")
    if output and output not in OUTPUT_FORMATS:
        return outcome(400, "not-supported", "Knotwork writes NDJSON only: _outputFormat=application/fhir+ndjson.")
    export = services.start_export(
        clinic=_clinic_of(user),
        by=user,
        types=services.parse_types(request.GET.get("_type", "")),
        since=_since(request.GET.get("_since", "")),
    )
    status_url = request.build_absolute_uri(reverse("fhir:export_status", args=[export.public_id]))
    return outcome(
        202,
        "informational",
        "The export has started; poll the Content-Location address.",
        severity="information",
        Content_Location=status_url,
    )


def _export_for(user, public_id) -> FhirExport:
    export = FhirExport.objects.for_user(user).select_related("clinic").filter(public_id=public_id).first()
    if export is None:
        raise Http404
    reason = policy.export_refusal(user, export.clinic)
    if reason is not None:
        raise NotAllowed(reason)
    return export


def manifest(export: FhirExport, base_url: str) -> dict:
    """The Bulk Data completion manifest: where each file is, for the same credentials."""
    query = f"?_type={','.join(export.types)}" if export.types else ""
    return {
        "transactionTime": export.created_at.isoformat(),
        "request": f"{base_url}/fhir/r4/$export{query}",
        "requiresAccessToken": True,
        "output": [
            {
                "type": file["type"],
                "url": base_url + reverse("fhir:export_file", args=[export.public_id, file["type"]]),
                "count": file["count"],
            }
            for file in export.files
        ],
        "error": [],
    }


def _csrf_refusal(request: HttpRequest, user) -> HttpResponse | None:
    """A browser session's DELETE must carry the CSRF token like any form; a key's request has no cookie to abuse."""
    if getattr(user, "acting_api_key", None) is not None:
        return None
    refused = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})
    if refused is None:
        return None
    return outcome(403, "forbidden", "A browser's request to cancel needs the page's CSRF token.")


@csrf_exempt  # checked in the view for a browser session (`_csrf_refusal`); an API key has no cookie to abuse
@fhir_endpoint
@require_http_methods(["GET", "DELETE"])
def export_status(request: HttpRequest, user, public_id) -> HttpResponse:
    export = _export_for(user, public_id)
    if request.method == "DELETE":
        refused = _csrf_refusal(request, user)
        if refused is not None:
            return refused
        services.cancel_export(export=export, by=user)
        return outcome(202, "informational", "The export was cancelled and its files deleted.", severity="information")
    if export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        progress = f"{export.progress}%" + (f" ({export.step})" if export.step else "")
        response = HttpResponse(status=202)
        response["X-Progress"] = progress
        response["Retry-After"] = str(POLL_AFTER_SECONDS)
        return response
    if export.status == ExportStatus.FAILED:
        return outcome(500, "exception", export.error or "The export stopped.")
    if export.status == ExportStatus.EXPIRED:
        return outcome(
            410, "not-found", "This export's files were deleted after the retention period; start a new one."
        )
    response = HttpResponse(json.dumps(manifest(export, _base_url(request))), content_type="application/json")
    response["Expires"] = export.expires_at.strftime("%a, %d %b %Y %H:%M:%S GMT") if export.expires_at else ""
    return response


def _file_response(export: FhirExport, user, resource_type: str) -> HttpResponse:
    file = next((f for f in export.files if f["type"] == resource_type), None)
    if export.status != ExportStatus.DONE or file is None:
        raise Http404
    storage = services.export_storage()
    if not storage.exists(file["key"]):
        raise Http404
    record_export(
        instance=export.clinic,
        by=user,
        what="FHIR bulk export file",
        details={"export": str(export.public_id), "type": resource_type, "resources": file["count"]},
    )
    response = FileResponse(storage.open(file["key"], "rb"), content_type=NDJSON)
    response["Content-Disposition"] = f'attachment; filename="{resource_type}.ndjson"'
    return response


@fhir_endpoint
@require_GET
def export_file(request: HttpRequest, user, public_id, resource_type: str) -> HttpResponse:
    return _file_response(_export_for(user, public_id), user, resource_type)


# --- the owner's pages ------------------------------------------------------------------------------------------


@clinic_member(may="export_fhir")
@require_GET
def exports_page(request: ClinicRequest) -> HttpResponse:
    exports = FhirExport.objects.for_user(request.user).select_related("requested_by")[:20]
    running = any(not e.is_finished for e in exports)
    context = {
        "exports": exports,
        "form": ExportForm(),
        "running": running,
        "retention_hours": int(services.retention().total_seconds() // 3600),
    }
    if request.htmx:
        return render(request, "fhir/exports_page.html#export-list", context)
    return render(request, "fhir/exports_page.html", context)


@clinic_member(may="export_fhir")
@require_POST
def start_export_page(request: ClinicRequest) -> HttpResponse:
    form = ExportForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("types", []):
            messages.error(request, error)
        return redirect("fhir:exports")
    services.start_export(clinic=request.clinic, by=request.user, types=form.cleaned_data["types"])
    messages.success(request, "The export has started; this page shows its progress and then its files.")
    return redirect("fhir:exports")


@clinic_member(may="export_fhir")
@require_GET
def owner_file(request: ClinicRequest, public_id, resource_type: str) -> HttpResponse:
    """The owner's download of one file (the same file a program fetches with its key)."""
    export = FhirExport.objects.for_user(request.user).filter(public_id=public_id).first()
    if export is None:
        raise Http404("No such export.")
    return _file_response(export, request.user, resource_type)


@clinic_member(may="load_questionnaire_text")
@require_http_methods(["GET", "POST"])
def questionnaire_upload(request: ClinicRequest) -> HttpResponse:
    form = QuestionnaireUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = services.import_questionnaire(
                clinic=request.clinic,
                content=upload.read(),
                instrument=form.cleaned_data["instrument"],
                filename=upload.name,
                by=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            messages.success(request, f"Loaded: {text}. New questionnaires use this wording.")
            return redirect("fhir:questionnaire_upload")
    return render(request, "fhir/questionnaire_upload.html", {"form": form})
