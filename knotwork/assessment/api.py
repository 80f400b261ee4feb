"""The JSON API of assessment (docs/api.md): intakes, safety screens, consents, examinations and diagnoses.

Reads go through the selectors and are recorded in the audit trail (a list: one entry per record on the page);
every write goes through knotwork.assessment.services, so the policy and the examination's rules (a closed
examination never changes) hold for a program as for a clinician. Intakes, screens and consents are read by every
role, as on the chart; examinations, their findings and diagnoses only by a practitioner or the owner.
"""

import datetime
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate

from knotwork.assessment import coding, findings, selectors, services
from knotwork.assessment.schemas import (
    ConsentOut,
    DiagnosisIn,
    DiagnosisOut,
    ExaminationOut,
    IntakeOut,
    PerpetuatingFactorsIn,
    RangeOfMotionIn,
    RangeOfMotionOut,
    RemovalIn,
    SafetyScreenOut,
    TriggerPointIn,
    TriggerPointOut,
    TriggerPointPatch,
)
from knotwork.assessment.services import corrections
from knotwork.atlas.catalog import get_atlas
from knotwork.audit.services import record_view
from knotwork.core.api import require_reader
from knotwork.patients.api import AuditedCursorPagination
from knotwork.patients.selectors import get_patient

router = Router(tags=["assessment"])

READ_RULE = "see_clinical_record"


def require_clinical_reader(request: HttpRequest) -> None:
    """Refuse a reader whose role may not see examinations (front desk), by the policy's rule for it.

    Asked as a read (core.api.require_reader): a read-only key of a practitioner reads what a practitioner reads.
    """
    require_reader(request.auth, READ_RULE)


def invalid(field: str, message: str) -> NinjaValidationError:
    """A 422 naming the body's field, in the same shape as the schema's own refusals."""
    return NinjaValidationError([{"loc": ["body", "payload", field], "msg": message, "type": "value_error"}])


def _viewed(request: HttpRequest, instance):
    record_view(instance=instance, by=request.auth, shown_in="API")
    return instance


SEARCH_LIMIT = 50


class CodeSearchQuery(Schema):
    q: str = Field(
        ...,
        min_length=1,
        max_length=coding.QUERY_LIMIT,
        description="A code with or without its dot (M7918, m79.1), or words of its description in any order",
    )
    on: datetime.date | None = Field(None, description="Date of service (default: today); lists codes valid on it")
    limit: int = Field(20, ge=1, le=SEARCH_LIMIT)


class CodeOut(Schema):
    code: str
    description: str
    group: str
    billable: bool = Field(..., description="false for a heading with more specific codes below it")
    valid_from: int | None = Field(..., description="First fiscal year it may be billed (FY2026: 1 Oct 2025 on)")
    valid_to: int | None = Field(..., description="Last fiscal year it may be billed; null: still valid")
    usable: bool = Field(..., description="May be used on the date of service asked for")
    message: str = Field(..., description="Why it may not be used, with the codes to use instead")
    note: str


class CodeSearchOut(Schema):
    release: str = Field(..., description="The code set in use, e.g. ICD-10-CM FY2026")
    fiscal_year: int
    on: datetime.date
    stale: bool = Field(..., description="A newer fiscal year than the code set's has begun on the date asked")
    results: list[CodeOut]


@router.get(
    "/codes/icd10",
    response=CodeSearchOut,
    url_name="search_icd10_codes",
    operation_id="searchIcd10Codes",
    summary="Search the clinic's ICD-10-CM codes",
    description="Ranked: the exact code, codes starting with it, then codes whose description holds every word. "
    "Only codes valid on the date of service are listed, except an exact code, listed with the reason it is refused.",
)
def search_icd10_codes(request, params: Query[CodeSearchQuery]):
    text = params.q.strip()
    if not any(ch.isalnum() for ch in text) or any(not ch.isprintable() for ch in text):
        message = "Type letters or digits of a code or a description."
        raise NinjaValidationError([{"loc": ["query", "q"], "msg": message, "type": "value_error"}])
    on = params.on or coding.today()
    code_set = coding.get_code_set()
    matches = coding.search(text, on=on, limit=params.limit, codes=code_set)
    return {
        "release": code_set.name,
        "fiscal_year": code_set.fiscal_year,
        "on": on,
        "stale": coding.is_stale(on, code_set),
        "results": [
            {
                "code": m.code.code,
                "description": m.code.description,
                "group": m.code.group,
                "billable": m.code.billable,
                "valid_from": m.code.valid_from,
                "valid_to": m.code.valid_to,
                "usable": m.usable,
                "message": m.message,
                "note": m.code.note,
            }
            for m in matches
        ],
    }


# --- intake -------------------------------------------------------------------------------------


@router.get(
    "/patients/{uuid:patient_id}/intakes",
    response=list[IntakeOut],
    operation_id="listPatientIntakes",
    summary="A patient's intakes (drafts and submitted) with answers and pain drawing, oldest change first",
)
@paginate(AuditedCursorPagination)
def list_patient_intakes(request, patient_id: UUID):
    patient = get_patient(request.auth, patient_id)
    return selectors.list_patient_intakes(request.auth, patient)


@router.get(
    "/assessment/intakes/{uuid:intake_id}",
    response=IntakeOut,
    operation_id="getIntake",
    summary="One intake: what the patient answered, the pain drawing and the safety questions",
)
def get_intake(request, intake_id: UUID):
    return _viewed(request, selectors.get_intake(request.auth, intake_id))


# --- safety screen ------------------------------------------------------------------------------


@router.get(
    "/patients/{uuid:patient_id}/safety-screens",
    response=list[SafetyScreenOut],
    operation_id="listPatientSafetyScreens",
    summary="A patient's safety screens: red flags, contraindications and precautions, oldest change first",
)
@paginate(AuditedCursorPagination)
def list_patient_safety_screens(request, patient_id: UUID):
    patient = get_patient(request.auth, patient_id)
    return selectors.list_patient_screens(request.auth, patient)


@router.get(
    "/assessment/safety-screens/{uuid:screen_id}",
    response=SafetyScreenOut,
    operation_id="getSafetyScreen",
    summary="One safety screen: its findings with any override, each technique's status and the referrals raised",
)
def get_safety_screen(request, screen_id: UUID):
    return _viewed(request, selectors.get_screen_detail(request.auth, screen_id))


# --- consent ------------------------------------------------------------------------------------


@router.get(
    "/patients/{uuid:patient_id}/consents",
    response=list[ConsentOut],
    operation_id="listPatientConsents",
    summary="A patient's signed consents, withdrawn ones included, oldest change first",
)
@paginate(AuditedCursorPagination)
def list_patient_consents(request, patient_id: UUID):
    patient = get_patient(request.auth, patient_id)
    return selectors.list_patient_consents(request.auth, patient)


@router.get(
    "/assessment/consents/{uuid:consent_id}",
    response=ConsentOut,
    operation_id="getConsent",
    summary="One signed consent: technique, form version, when, and whether it was withdrawn",
)
def get_consent(request, consent_id: UUID):
    return _viewed(request, selectors.get_consent_detail(request.auth, consent_id))


# --- examinations -------------------------------------------------------------------------------


@router.get(
    "/patients/{uuid:patient_id}/examinations",
    response=list[ExaminationOut],
    operation_id="listPatientExaminations",
    summary="A patient's examinations with their trigger points, ranges of motion and diagnoses, oldest change first",
)
@paginate(AuditedCursorPagination)
def list_patient_examinations(request, patient_id: UUID):
    require_clinical_reader(request)
    patient = get_patient(request.auth, patient_id)
    return selectors.list_patient_examinations(request.auth, patient)


@router.post(
    "/patients/{uuid:patient_id}/examinations",
    response={201: ExaminationOut},
    operation_id="startExamination",
    summary="Start an examination (it follows the patient's latest submitted intake)",
)
def start_examination(request, patient_id: UUID):
    patient = get_patient(request.auth, patient_id)
    examination = services.start_examination(patient=patient, by=request.auth)
    return Status(201, selectors.get_examination_detail(request.auth, examination.public_id))


@router.get(
    "/assessment/examinations/{uuid:examination_id}",
    response=ExaminationOut,
    operation_id="getExamination",
    summary="One examination with the trigger points, ranges of motion and diagnoses that stand",
)
def get_examination(request, examination_id: UUID):
    require_clinical_reader(request)
    return _viewed(request, selectors.get_examination_detail(request.auth, examination_id))


@router.post(
    "/assessment/examinations/{uuid:examination_id}/actions/close",
    response=ExaminationOut,
    operation_id="closeExamination",
    summary="Close an examination: its entries become part of the record and no longer change",
)
def close_examination(request, examination_id: UUID):
    examination = selectors.get_examination(request.auth, examination_id)
    corrections.close_examination(examination=examination, by=request.auth)
    return selectors.get_examination_detail(request.auth, examination_id)


@router.post(
    "/assessment/examinations/{uuid:examination_id}/range-of-motion",
    response={201: RangeOfMotionOut},
    operation_id="recordRangeOfMotion",
    summary="Record a range of motion measured on an open examination",
)
def record_range_of_motion(request, examination_id: UUID, payload: RangeOfMotionIn):
    examination = selectors.get_examination(request.auth, examination_id)
    problem = findings.rom_problem(payload.movement, payload.degrees)
    if problem:
        raise invalid("degrees", problem)
    rom = services.record_range_of_motion(
        examination=examination,
        by=request.auth,
        movement=payload.movement,
        degrees=payload.degrees,
        side=str(payload.side),
        painful=payload.painful,
    )
    return Status(201, rom)


@router.put(
    "/assessment/examinations/{uuid:examination_id}/perpetuating-factors",
    response=ExaminationOut,
    operation_id="recordPerpetuatingFactors",
    summary="Set the perpetuating factors found or suspected on an open examination (the list sent replaces it)",
)
def record_perpetuating_factors(request, examination_id: UUID, payload: PerpetuatingFactorsIn):
    examination = selectors.get_examination(request.auth, examination_id)
    known = findings.get_data().factors
    unknown = [factor for factor in payload.perpetuating_factors if factor not in known]
    if unknown:
        raise invalid("perpetuating_factors", f"Not perpetuating factors of the list: {', '.join(unknown[:5])}.")
    corrections.record_perpetuating_factors(
        examination=examination, by=request.auth, perpetuating_factors=payload.perpetuating_factors
    )
    return selectors.get_examination_detail(request.auth, examination_id)


# --- trigger points -----------------------------------------------------------------------------


def _placed(point: dict) -> dict:
    """A finding's fields with its place on the body map checked, or filled in at the region's middle.

    `view`, `x` and `y` may be None (the region's view and middle); the answer has all of them.
    """
    atlas = get_atlas()
    if point["muscle"] not in atlas.muscles:
        raise invalid("muscle", "Not a muscle of the atlas; see listMuscles for the ids.")
    region = point["region"]
    views = [v for v in ("back", "front") if region in atlas.shapes.get(v, {})]
    if region not in atlas.regions or not views:
        raise invalid("region", "Not a region of the atlas's body map.")
    view = str(point["view"]) if point.get("view") else views[0]
    if view not in views:
        raise invalid("view", f"The region {region} is drawn on the {' and '.join(views)} view.")
    side_of_region = region.split("-", 1)[0]
    if side_of_region in ("left", "right") and side_of_region != point["side"]:
        raise invalid("side", "The side does not match the region.")
    x, y = point.get("x"), point.get("y")
    if (x is None) != (y is None):
        raise invalid("x", "Send x and y, or leave both out for the middle of the region.")
    if x is None or y is None:
        min_x, min_y, max_x, max_y = atlas.shapes[view][region].bbox
        x, y = round((min_x + max_x) / 2, 1), round((min_y + max_y) / 2, 1)
    left, top, width, height = atlas.viewbox
    if not (left <= x <= left + width and top <= y <= top + height):
        raise invalid("x", "The position x, y is off the body map's drawing.")
    value, unit = point.get("ppt_value"), str(point.get("ppt_unit") or "")
    if (value is None) != (not unit):
        raise invalid("ppt_unit", "Give the pressure pain threshold together with its unit.")
    if value is not None:
        problem = findings.ppt_problem(services.to_kpa(value, unit))
        if problem:
            raise invalid("ppt_value", problem)
    return point | {"side": str(point["side"]), "view": view, "x": x, "y": y, "ppt_unit": unit}


@router.post(
    "/assessment/examinations/{uuid:examination_id}/trigger-points",
    response={201: TriggerPointOut},
    operation_id="recordTriggerPoint",
    summary="Record a trigger point found on palpation, each criterion on its own",
)
def record_trigger_point(request, examination_id: UUID, payload: TriggerPointIn):
    examination = selectors.get_examination(request.auth, examination_id)
    point = services.record_trigger_point(examination=examination, by=request.auth, **_placed(payload.dict()))
    return Status(201, point)


@router.get(
    "/patients/{uuid:patient_id}/trigger-points",
    response=list[TriggerPointOut],
    operation_id="listPatientTriggerPoints",
    summary="A patient's trigger point findings across examinations, removed ones marked, oldest change first",
)
@paginate(AuditedCursorPagination)
def list_patient_trigger_points(request, patient_id: UUID):
    require_clinical_reader(request)
    patient = get_patient(request.auth, patient_id)
    return selectors.list_patient_trigger_points(request.auth, patient)


@router.get(
    "/assessment/trigger-points/{uuid:finding_id}",
    response=TriggerPointOut,
    operation_id="getTriggerPoint",
    summary="One trigger point finding (a removed one shows its removal)",
)
def get_trigger_point(request, finding_id: UUID):
    require_clinical_reader(request)
    return _viewed(request, selectors.get_trigger_point(request.auth, finding_id))


# What a correction may change, and which of those may be sent as null (cleared).
POINT_FIELDS = tuple(TriggerPointPatch.model_fields.keys() - {"reason"})
CLEARABLE = {"palpation_pain", "ppt_value", "view", "x", "y"}


@router.patch(
    "/assessment/trigger-points/{uuid:finding_id}",
    response=TriggerPointOut,
    operation_id="correctTriggerPoint",
    summary="Correct a finding of an open examination (only the fields sent); the values it had are kept",
)
def correct_trigger_point(request, finding_id: UUID, payload: TriggerPointPatch):
    finding = selectors.get_trigger_point(request.auth, finding_id)
    sent = payload.dict(exclude_unset=True, exclude={"reason"})
    for field, value in sent.items():
        if value is None and field not in CLEARABLE:
            raise invalid(field, f"{field} cannot be null; leave it out to keep its value.")
    current = {field: getattr(finding, field) for field in POINT_FIELDS}
    if "region" in sent and not {"view", "x", "y"} & sent.keys():
        current |= {"view": None, "x": None, "y": None}  # a new region without a position: its middle
    placed = _placed(current | sent)
    changes = {field: value for field, value in placed.items() if value != current.get(field, getattr(finding, field))}
    corrections.correct_trigger_point(finding=finding, by=request.auth, reason=payload.reason, **changes)
    return selectors.get_trigger_point(request.auth, finding_id)


@router.post(
    "/assessment/trigger-points/{uuid:finding_id}/actions/remove",
    response=TriggerPointOut,
    operation_id="removeTriggerPoint",
    summary="Remove a finding of an open examination, with the reason (it is kept, marked removed)",
)
def remove_trigger_point(request, finding_id: UUID, payload: RemovalIn):
    finding = selectors.get_trigger_point(request.auth, finding_id)
    corrections.remove_trigger_point(finding=finding, reason=payload.reason, by=request.auth)
    return selectors.get_trigger_point(request.auth, finding_id)


# --- diagnoses ----------------------------------------------------------------------------------


@router.get(
    "/patients/{uuid:patient_id}/diagnoses",
    response=list[DiagnosisOut],
    operation_id="listPatientDiagnoses",
    summary="A patient's diagnoses (ICD-10-CM) across examinations, removed ones marked, oldest change first",
)
@paginate(AuditedCursorPagination)
def list_patient_diagnoses(request, patient_id: UUID):
    require_clinical_reader(request)
    patient = get_patient(request.auth, patient_id)
    return selectors.list_patient_diagnoses(request.auth, patient)


@router.get(
    "/assessment/diagnoses/{uuid:diagnosis_id}",
    response=DiagnosisOut,
    operation_id="getDiagnosis",
    summary="One diagnosis (a removed one shows its removal)",
)
def get_diagnosis(request, diagnosis_id: UUID):
    require_clinical_reader(request)
    return _viewed(request, selectors.get_diagnosis(request.auth, diagnosis_id))


@router.post(
    "/assessment/diagnoses/{uuid:diagnosis_id}/actions/remove",
    response=DiagnosisOut,
    operation_id="removeDiagnosis",
    summary="Remove a diagnosis of an open examination, with the reason (the earliest left becomes primary)",
)
def remove_diagnosis(request, diagnosis_id: UUID, payload: RemovalIn):
    diagnosis = selectors.get_diagnosis(request.auth, diagnosis_id)
    corrections.remove_diagnosis(diagnosis=diagnosis, reason=payload.reason, by=request.auth)
    return selectors.get_diagnosis(request.auth, diagnosis_id)


@router.post(
    "/assessment/examinations/{uuid:examination_id}/diagnoses",
    response={201: DiagnosisOut},
    operation_id="addDiagnosis",
    summary="Add an ICD-10-CM diagnosis to an open examination (the code must be valid on the examination's day)",
)
def add_diagnosis(request, examination_id: UUID, payload: DiagnosisIn):
    examination = selectors.get_examination(request.auth, examination_id)
    code_set = coding.get_code_set()
    code = coding.normalize(payload.code)
    if code not in code_set.codes:
        raise invalid("code", f"{code} is not in the clinic's ICD-10-CM list ({code_set.name}); see searchIcd10Codes.")
    # As on the examination page: the code must be valid on the day the patient was examined.
    reason = coding.refusal(code, on=timezone.localtime(examination.created_at).date(), codes=code_set)
    if reason:
        raise invalid("code", reason)
    diagnosis = services.add_diagnosis(
        examination=examination, code=code, is_primary=payload.is_primary, by=request.auth
    )
    return Status(201, diagnosis)
