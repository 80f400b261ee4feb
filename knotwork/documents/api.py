"""Documents through the API: list a chart's documents, upload one (multipart), read its details and its file."""

from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from ninja import File, Form, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from knotwork.audit.services import record_view
from knotwork.core.api import require_reader
from knotwork.documents import selectors, services
from knotwork.documents.filetypes import human_size
from knotwork.documents.models import UPLOAD_KINDS
from knotwork.documents.schemas import DocumentOut, WithdrawIn
from knotwork.patients.api import AuditedCursorPagination
from knotwork.patients.selectors import get_patient

router = Router(tags=["documents"])
UPLOAD_KIND_VALUES = ", ".join(value for value, _label in UPLOAD_KINDS)


@router.get(
    "/patients/{uuid:patient_id}/documents",
    response=list[DocumentOut],
    operation_id="listPatientDocuments",
    summary="A patient's documents (withdrawn=true: the withdrawn ones), oldest change first, in cursor pages",
)
@paginate(AuditedCursorPagination)
def list_documents(request, patient_id: UUID, withdrawn: bool = False):
    patient = get_patient(request.auth, patient_id)
    require_reader(request.auth, "see_documents", patient)
    return selectors.list_documents(request.auth, patient, withdrawn=withdrawn).select_related("patient")


@router.post(
    "/patients/{uuid:patient_id}/documents",
    response={201: DocumentOut},
    operation_id="uploadDocument",
    summary="Add a document (PDF, JPEG or PNG, checked by its content)",
)
def upload_document(
    request,
    patient_id: UUID,
    file: File[UploadedFile],
    kind: Form[str],
    title: Form[str] = "",
    referral: Form[UUID | None] = None,
    result: Form[str] = "",
):
    patient = get_patient(request.auth, patient_id)
    if kind not in dict(UPLOAD_KINDS):
        raise HttpError(422, f"kind must be one of: {UPLOAD_KIND_VALUES}.")
    limit = services.max_upload_bytes()
    if file.size is not None and file.size > limit:
        raise HttpError(413, f"The file is {human_size(file.size)}; a document can be at most {human_size(limit)}.")
    answered = None
    if referral is not None:
        answered = get_object_or_404(selectors.open_referrals(patient), public_id=referral)
    document = services.upload_document(
        patient=patient,
        content=file.read(),
        filename=file.name or "",
        kind=kind,
        title=title,
        referral=answered,
        result=result,
        by=request.auth,
    )
    return Status(201, document)


@router.get(
    "/documents/{uuid:document_id}", response=DocumentOut, operation_id="getDocument", summary="One document's details"
)
def get_document(request, document_id: UUID):
    document = selectors.get_document(request.auth, document_id)
    require_reader(request.auth, "see_documents", document)
    record_view(instance=document, by=request.auth, shown_in="API")
    return document


@router.get(
    "/documents/{uuid:document_id}/content",
    summary="The document's file (recorded in the audit trail)",
    operation_id="downloadDocument",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as its content showed it to be",
                "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in services.ACCEPTED_TYPES},
            }
        }
    },
)
def download_document(request, document_id: UUID):
    document = selectors.get_document(request.auth, document_id)
    response = HttpResponse(
        selectors.document_bytes(request.auth, document, shown_in="API download"), content_type=document.content_type
    )
    response["Content-Disposition"] = content_disposition_header(True, document.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/documents/{uuid:document_id}/actions/withdraw",
    response=DocumentOut,
    operation_id="withdrawDocument",
    summary="Withdraw a document from the chart (the file is kept)",
)
def withdraw_document(request, document_id: UUID, payload: WithdrawIn):
    document = selectors.get_document(request.auth, document_id)
    return services.withdraw_document(document=document, reason=payload.reason, by=request.auth)
