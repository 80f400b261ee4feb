"""The one way to add a document to a chart, close a medical referral with its result, and withdraw a document.

The file goes to Django's default storage (`STORAGES["default"]`: a private folder under var/, or S3-compatible
object storage) under a random key, `clinics/<clinic id>/documents/<random>.<ext>`, that names neither the patient
nor the uploaded file. Reads go through `selectors.read_document`, which records each one in the audit trail.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.policy import acting_staff
from knotwork.assessment.models import MedicalReferral, ReferralStatus
from knotwork.assessment.services import update_referral
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require
from knotwork.core.validators import without_control_characters
from knotwork.documents import filetypes
from knotwork.documents.models import Document, DocumentKind
from knotwork.patients.models import Patient

# Knotwork default, no clinical source: large enough for a scanned multi-page report or a phone photo.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
ACCEPTED_TYPES = tuple(filetypes.EXTENSIONS)


def max_upload_bytes() -> int:
    """The largest document the clinic may add (settings.KNOTWORK_DOCUMENT_MAX_BYTES, 20 MB by default)."""
    return int(getattr(settings, "KNOTWORK_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def document_storage() -> Storage:
    return storages["default"]


def _storage_key(patient: Patient, extension: str) -> str:
    return f"clinics/{patient.clinic.public_id}/documents/{secrets.token_hex(16)}.{extension}"


def _close_referral(referral: MedicalReferral, *, title: str, result: str, by: Actor) -> None:
    """Walk the referral to 'closed' through assessment's own service, recording the result on the way."""
    referral = MedicalReferral.objects.select_for_update().get(pk=referral.pk)  # its status now, not when read
    status = ReferralStatus(referral.status)
    if status == ReferralStatus.CLOSED:
        raise ClinicRuleError("This referral is closed already; add the document without choosing the referral.")
    text = result.strip() or f"See the attached document: {title}."
    if status == ReferralStatus.TO_SEND:
        referral = update_referral(referral=referral, status=ReferralStatus.SENT, by=by)
        status = ReferralStatus.SENT
    if status == ReferralStatus.SENT:
        referral = update_referral(referral=referral, status=ReferralStatus.RESULT, result=text, by=by)
    update_referral(referral=referral, status=ReferralStatus.CLOSED, by=by)


def upload_document(
    *,
    patient: Patient,
    content: bytes,
    filename: str,
    kind: str,
    by: Actor,
    title: str = "",
    referral: MedicalReferral | None = None,
    result: str = "",
) -> Document:
    """Check a file by its content, store it under a random key and file it on the chart.

    With `referral`, the document is that referral's answer: the referral records `result` (or a pointer to the
    document) and is closed. On any refusal nothing is stored.
    """
    require(by, "upload_document", patient)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": f"Choose what the document is, not {kind!r}."})
    if referral is not None and (referral.patient_id != patient.pk or referral.clinic_id != patient.clinic_id):
        raise ClinicRuleError("That referral is not this patient's.")
    try:
        checked = filetypes.check(content, max_bytes=max_upload_bytes())
    except filetypes.RefusedFile as refused:
        raise ValidationError({"file": str(refused)}) from None
    clean_name = filetypes.safe_filename(without_control_characters(filename), extension=checked.extension)
    title = " ".join(without_control_characters(title).split()) or clean_name.rsplit(".", 1)[0].replace("_", " ")
    document = Document(
        clinic_id=patient.clinic_id,
        patient=patient,
        kind=kind,
        title=title[:200],
        filename=clean_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        storage_key=_storage_key(patient, checked.extension),
        uploaded_by=acting_staff(by),
        referral=referral,
    )
    document.full_clean()
    storage = document_storage()
    document.storage_key = storage.save(document.storage_key, ContentFile(content))
    try:
        with transaction.atomic():
            document.save()
            if referral is not None:
                _close_referral(referral, title=document.title, result=result, by=by)
    except BaseException:
        storage.delete(document.storage_key)  # no file without its row; a row is never without its file
        raise
    return document


@transaction.atomic
def withdraw_document(*, document: Document, reason: str, by: Actor) -> Document:
    """Take a document off the chart's list, saying why; the file and the row stay (and can still be opened)."""
    require(by, "withdraw_document", document)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.is_withdrawn:
        raise ClinicRuleError("This document was withdrawn already.")
    reason = without_control_characters(reason).strip()
    if not reason:
        raise ValidationError({"reason": "Say why the document is withdrawn (for example: filed on the wrong chart)."})
    document.withdrawn_at = timezone.now()
    document.withdrawn_by = acting_staff(by)
    document.withdrawn_reason = reason
    document.full_clean()
    document.save()
    return document
