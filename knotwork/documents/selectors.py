"""Scoped reads of documents. Every read of a file's content goes through `read_document`, which records it."""

import uuid

from django.core.files import File
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from knotwork.assessment.models import MedicalReferral
from knotwork.audit.services import record_view
from knotwork.core.api import require_reader
from knotwork.core.policy import Actor
from knotwork.documents.models import Document
from knotwork.documents.services import document_storage
from knotwork.patients.models import Patient


def _uuid(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise Http404("No such document.") from None


def list_documents(user, patient: Patient, *, withdrawn: bool = False) -> QuerySet[Document]:
    """The patient's documents, newest first; the withdrawn ones only when asked for."""
    documents = Document.objects.for_user(user).filter(patient=patient, withdrawn_at__isnull=not withdrawn)
    return documents.select_related("uploaded_by", "withdrawn_by", "referral").order_by("-created_at", "-pk")


def get_document(user, public_id) -> Document:
    return get_object_or_404(
        Document.objects.for_user(user).select_related("patient", "uploaded_by", "withdrawn_by", "referral"),
        public_id=_uuid(public_id),
    )


def open_referrals(patient: Patient) -> QuerySet[MedicalReferral]:
    """The patient's medical referrals still waiting for their answer (a document can close one)."""
    return MedicalReferral.objects.filter(patient=patient).exclude(status="closed").order_by("-created_at")


def read_document(user: Actor, document: Document, *, shown_in: str) -> File:
    """Open the stored file for `user`, recording the read in the audit trail first (never a read without one).

    A read: a read-only API key opens what its role may open (core.api.require_reader)."""
    require_reader(user, "see_documents", document)
    record_view(instance=document, by=user, shown_in=shown_in)
    return document_storage().open(document.storage_key, "rb")


def document_bytes(user: Actor, document: Document, *, shown_in: str) -> bytes:
    """The stored file's content, read whole and closed (a document is at most the upload limit), recorded."""
    with read_document(user, document, shown_in=shown_in) as stored:
        return stored.read()
