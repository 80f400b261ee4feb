"""The JSON API of followup (docs/api.md): check-ins, flags and the pain diary.

Every role reads them, as on the follow-up pages; every record shown is recorded in the audit trail. A flag is
resolved through `services.resolve_flag` (a practitioner or the owner, with what was done), as on the dashboard.
Lists are cursor pages, oldest change first, with `updated_since`.
"""

from uuid import UUID

from ninja import Query, Router
from ninja.pagination import paginate

from knotwork.audit.services import record_view
from knotwork.followup import selectors, services
from knotwork.followup.schemas import CheckInOut, DiaryEntryOut, FlagFilter, FlagOut, FlagResolveIn
from knotwork.patients.api import AuditedCursorPagination
from knotwork.patients.selectors import get_patient

router = Router(tags=["followup"])


@router.get(
    "/patients/{uuid:patient_id}/check-ins",
    response=list[CheckInOut],
    operation_id="listPatientCheckIns",
    summary="A patient's check-ins after sessions, with their answers, oldest change first",
)
@paginate(AuditedCursorPagination)
def list_patient_check_ins(request, patient_id: UUID):
    patient = get_patient(request.auth, patient_id)
    return selectors.list_check_ins(request.auth, patient=patient).select_related("patient", "plan")


@router.get(
    "/followup/check-ins/{uuid:check_in_id}",
    response=CheckInOut,
    operation_id="getCheckIn",
    summary="One check-in with its answers (the read is audited)",
)
def get_check_in(request, check_in_id: UUID):
    check_in = selectors.get_check_in(request.auth, check_in_id)
    record_view(instance=check_in, by=request.auth, shown_in="API")
    return check_in


@router.get(
    "/patients/{uuid:patient_id}/flags",
    response=list[FlagOut],
    operation_id="listPatientFlags",
    summary="A patient's flags, open and resolved (status= for one), oldest change first",
)
@paginate(AuditedCursorPagination)
def list_patient_flags(request, patient_id: UUID, filters: Query[FlagFilter]):
    patient = get_patient(request.auth, patient_id)
    flags = selectors.list_flags(request.auth, patient=patient).select_related("patient", "check_in", "plan")
    return flags.filter(status=filters.status) if filters.status else flags


@router.get(
    "/followup/flags",
    response=list[FlagOut],
    operation_id="listOpenFlags",
    summary="The clinic's open flags (every patient), oldest change first",
)
@paginate(AuditedCursorPagination)
def list_open_flags(request):
    return selectors.list_open_flags(request.auth).select_related("plan")


@router.get(
    "/followup/flags/{uuid:flag_id}",
    response=FlagOut,
    operation_id="getFlag",
    summary="One flag (the read is audited)",
)
def get_flag(request, flag_id: UUID):
    flag = selectors.get_flag(request.auth, flag_id)
    record_view(instance=flag, by=request.auth, shown_in="API")
    return flag


@router.post(
    "/followup/flags/{uuid:flag_id}/actions/resolve",
    response=FlagOut,
    operation_id="resolveFlag",
    summary="Resolve an open flag, saying what was done (a practitioner or the owner); 409 when already resolved",
)
def resolve_flag(request, flag_id: UUID, payload: FlagResolveIn):
    flag = selectors.get_flag(request.auth, flag_id)
    return services.resolve_flag(flag=flag, by=request.auth, resolution=payload.resolution)


@router.get(
    "/patients/{uuid:patient_id}/diary",
    response=list[DiaryEntryOut],
    operation_id="listPatientDiaryEntries",
    summary="The patient's own pain diary (written on their care page), oldest change first",
)
@paginate(AuditedCursorPagination)
def list_patient_diary_entries(request, patient_id: UUID):
    patient = get_patient(request.auth, patient_id)
    return selectors.diary_for_patient(patient).select_related("patient")
