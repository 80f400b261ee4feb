"""One row of every clinic-scoped documents model, for the clinic-isolation URL walk."""

from knotwork.documents import services
from knotwork.documents.tests.factories import pdf_bytes


def records(patient, owner, marker) -> list:
    document = services.upload_document(
        patient=patient,
        content=pdf_bytes(marker),
        filename=f"{marker}.pdf",
        kind="referral_letter",
        title=f"{marker} referral letter",
        by=owner,
    )
    return [document]
