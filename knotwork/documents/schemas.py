import datetime
from uuid import UUID

from ninja import Field, Schema

from knotwork.core.validators import Line
from knotwork.documents.models import ContentType, DocumentKind


class DocumentOut(Schema):
    id: UUID = Field(..., alias="public_id")
    patient: UUID
    kind: DocumentKind
    title: str
    filename: str
    content_type: ContentType = Field(..., description="found in the file's content, not taken from the upload")
    size: int = Field(..., description="bytes")
    sha256: str
    referral: UUID | None = Field(None, description="the medical referral this document answered (and closed)")
    created_at: datetime.datetime
    withdrawn_at: datetime.datetime | None
    withdrawn_reason: str

    @staticmethod
    def resolve_patient(obj) -> UUID:
        return obj.patient.public_id

    @staticmethod
    def resolve_referral(obj) -> UUID | None:
        return obj.referral.public_id if obj.referral_id else None


class WithdrawIn(Schema):
    reason: Line = Field(..., min_length=1, max_length=300, description="why it is withdrawn; the file is kept")
