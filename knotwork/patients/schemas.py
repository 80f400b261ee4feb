import datetime
from typing import Annotated
from uuid import UUID

from ninja import Field, Schema
from pydantic import StringConstraints

from knotwork.core.validators import Line
from knotwork.patients.models import PatientStatus, Sex


class ReferringClinicianOut(Schema):
    id: UUID = Field(..., alias="public_id")
    name: str
    practice: str


class PatientOut(Schema):
    id: UUID = Field(..., alias="public_id")
    chart_number: str
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: datetime.date
    sex: Sex
    phone: str
    email: str
    address_line1: str
    address_line2: str
    city: str
    region: str
    postal_code: str
    emergency_contact_name: str
    emergency_contact_relationship: str
    emergency_contact_phone: str
    referring_clinician: ReferringClinicianOut | None
    status: PatientStatus
    status_reason: str
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_phone(obj) -> str:
        return obj.phone.as_e164 if obj.phone else ""

    @staticmethod
    def resolve_emergency_contact_phone(obj) -> str:
        return obj.emergency_contact_phone.as_e164 if obj.emergency_contact_phone else ""


Name = Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class PatientIn(Schema):
    first_name: Name
    last_name: Name
    date_of_birth: datetime.date
    preferred_name: Line = Field("", max_length=100)
    sex: Sex = Sex.UNKNOWN
    chart_number: Line = Field("", max_length=20)
    phone: Line = Field("", max_length=40)
    email: Line = Field("", max_length=254)
    address_line1: Line = Field("", max_length=200)
    address_line2: Line = Field("", max_length=200)
    city: Line = Field("", max_length=100)
    region: Line = Field("", max_length=100)
    postal_code: Line = Field("", max_length=20)
    emergency_contact_name: Line = Field("", max_length=200)
    emergency_contact_relationship: Line = Field("", max_length=100)
    emergency_contact_phone: Line = Field("", max_length=40)
    referring_clinician: UUID | None = None
    allow_duplicate: bool = Field(
        False, description="Register even when a patient with the same name and birth date exists."
    )


class PatientPatch(Schema):
    first_name: Name | None = None
    last_name: Name | None = None
    date_of_birth: datetime.date | None = None
    preferred_name: Line | None = Field(None, max_length=100)
    sex: Sex | None = None
    chart_number: Line | None = Field(None, max_length=20)
    phone: Line | None = Field(None, max_length=40)
    email: Line | None = Field(None, max_length=254)
    address_line1: Line | None = Field(None, max_length=200)
    address_line2: Line | None = Field(None, max_length=200)
    city: Line | None = Field(None, max_length=100)
    region: Line | None = Field(None, max_length=100)
    postal_code: Line | None = Field(None, max_length=20)
    emergency_contact_name: Line | None = Field(None, max_length=200)
    emergency_contact_relationship: Line | None = Field(None, max_length=100)
    emergency_contact_phone: Line | None = Field(None, max_length=40)
    referring_clinician: UUID | None = None


class PatientFilter(Schema):
    q: Line = Field("", max_length=100, description="Name, date of birth, phone or chart number")
    status: PatientStatus | None = None


class StatusChangeIn(Schema):
    status: PatientStatus
    reason: Line = Field("", max_length=300)
