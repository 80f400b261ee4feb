import datetime
from typing import Annotated, Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import StringConstraints, create_model

from knotwork.core.validators import Line
from knotwork.patients.models import PATIENT_FIELDS, PatientStatus, Sex


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

# The API's type, default (... = required) and length limit for each of the patient's details: the fields of
# PatientIn and PatientPatch are made from PATIENT_FIELDS (patients.models), in its order, with these.
_DETAIL_TYPES: dict[str, tuple[Any, Any, int | None]] = {
    "first_name": (Name, ..., None),
    "last_name": (Name, ..., None),
    "preferred_name": (Line, "", 100),
    "date_of_birth": (datetime.date, ..., None),
    "sex": (Sex, Sex.UNKNOWN, None),
    "chart_number": (Line, "", 20),
    "phone": (Line, "", 40),
    "email": (Line, "", 254),
    "address_line1": (Line, "", 200),
    "address_line2": (Line, "", 200),
    "city": (Line, "", 100),
    "region": (Line, "", 100),
    "postal_code": (Line, "", 20),
    "emergency_contact_name": (Line, "", 200),
    "emergency_contact_relationship": (Line, "", 100),
    "emergency_contact_phone": (Line, "", 40),
    "referring_clinician": (UUID | None, None, None),
}


def _patient_details(name: str, *, partial: bool) -> type[Schema]:
    """A schema with every one of PATIENT_FIELDS: as sent to register (what is left out takes its default) or, with
    `partial`, to change (each may be left out; null is not sent)."""
    fields: dict[str, Any] = {}
    for field in PATIENT_FIELDS:
        kind, default, max_length = _DETAIL_TYPES[field]
        if partial:
            kind, default = kind | None, None
        fields[field] = (kind, Field(default, max_length=max_length) if max_length else default)
    return create_model(name, __base__=Schema, __module__=__name__, **fields)


class PatientIn(_patient_details("PatientDetailsIn", partial=False)):
    allow_duplicate: bool = Field(
        False, description="Register even when a patient with the same name and birth date exists."
    )


class PatientPatch(_patient_details("PatientDetailsPatch", partial=True)):
    pass


class PatientFilter(Schema):
    q: Line = Field("", max_length=100, description="Name, date of birth, phone or chart number")
    status: PatientStatus | None = None


class StatusChangeIn(Schema):
    status: PatientStatus
    reason: Line = Field("", max_length=300)
