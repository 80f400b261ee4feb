"""Who may call the documents services (tests/test_policy_table.py adds these rows to its table)."""

from knotwork.documents import services
from knotwork.documents.models import Document
from knotwork.documents.tests.factories import pdf_bytes
from tests.policy_actors import STAFF


def _document(w) -> Document:
    """A referral letter on the patient's chart, filed by the owner."""
    return services.upload_document(
        patient=w.patient, content=pdf_bytes(), filename="referral.pdf", kind="referral_letter", by=w.owner
    )


ROWS = {
    "documents.upload_document": (
        STAFF,
        lambda w: {"patient": w.patient, "content": pdf_bytes(), "filename": "letter.pdf", "kind": "referral_letter"},
    ),
    "documents.withdraw_document": (STAFF, lambda w: {"document": _document(w), "reason": "Filed twice"}),
}
NOT_SERVICES = {
    # Where the files are and how large one may be: settings read, nothing written.
    "documents.document_storage",
    "documents.max_upload_bytes",
}
