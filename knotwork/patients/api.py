from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from knotwork.audit.services import record_view, record_views
from knotwork.core.api import CursorPagination
from knotwork.patients import selectors, services
from knotwork.patients.schemas import PatientFilter, PatientIn, PatientOut, PatientPatch, StatusChangeIn

router = Router(tags=["patients"])


def _clinic(request):
    return request.auth.membership.clinic


def _referrer(request, public_id: UUID | None):
    if public_id is None:
        return None
    return get_object_or_404(selectors.list_referring_clinicians(request.auth), public_id=public_id)


class AuditedCursorPagination(CursorPagination):
    """Cursor pages (oldest change first, `updated_since`), and a 'viewed' audit entry for every record on the page
    returned (one insert). The lists of the apps above patients use it too."""

    def on_page(self, request: HttpRequest, items: list) -> None:
        record_views(instances=items, by=request.auth, shown_in="API list")


@router.get(
    "/patients",
    response=list[PatientOut],
    operation_id="listPatients",
    summary="List and search patients, oldest change first (cursor pages, updated_since)",
)
@paginate(AuditedCursorPagination)
def list_patients(request, filters: Query[PatientFilter]):
    return selectors.list_patients(request.auth, query=filters.q, status=filters.status or "")


@router.post("/patients", response={201: PatientOut}, operation_id="createPatient", summary="Register a patient")
def create_patient(request, payload: PatientIn):
    data = payload.dict(exclude={"allow_duplicate"})
    data["referring_clinician"] = _referrer(request, payload.referring_clinician)
    duplicates = selectors.find_possible_duplicates(
        request.auth, first_name=payload.first_name, last_name=payload.last_name, date_of_birth=payload.date_of_birth
    )
    if duplicates.exists() and not payload.allow_duplicate:
        raise HttpError(
            409, "A patient with this name and date of birth exists; send allow_duplicate=true to register anyway."
        )
    return Status(201, services.register_patient(clinic=_clinic(request), by=request.auth, **data))


@router.get("/patients/{uuid:patient_id}", response=PatientOut, operation_id="getPatient", summary="One patient")
def get_patient(request, patient_id: UUID):
    patient = selectors.get_patient(request.auth, patient_id)
    record_view(instance=patient, by=request.auth)
    return patient


@router.patch(
    "/patients/{uuid:patient_id}",
    response=PatientOut,
    operation_id="updatePatient",
    summary="Change a patient's details",
)
def update_patient(request, patient_id: UUID, payload: PatientPatch):
    patient = selectors.get_patient(request.auth, patient_id)
    data = payload.dict(exclude_unset=True)
    if "referring_clinician" in data:
        data["referring_clinician"] = _referrer(request, payload.referring_clinician)
    for key, value in list(data.items()):
        if value is None and key != "referring_clinician":
            raise HttpError(422, f"{key} cannot be null")
    return services.update_patient(patient=patient, by=request.auth, **data)


@router.post(
    "/patients/{uuid:patient_id}/actions/change-status",
    response=PatientOut,
    operation_id="changePatientStatus",
    summary="Put on hold, discharge or resume",
)
def change_status(request, patient_id: UUID, payload: StatusChangeIn):
    patient = selectors.get_patient(request.auth, patient_id)
    return services.change_patient_status(
        patient=patient, status=payload.status, reason=payload.reason, by=request.auth
    )
