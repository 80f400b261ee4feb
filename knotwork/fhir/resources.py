"""Knotwork's records as FHIR R4 resources (fhir.resources.R4B: FHIR 4.3, the R4 line), validated as they are made.

Each builder takes one row (with what it needs already selected or prefetched) and returns validated resources;
`as_json` writes one as FHIR JSON. Ids are Knotwork's public ids; where one row gives several resources (a session's
pain before and after, a trigger point and its pressure pain threshold, a session's billing lines) the id is the
row's public id with a suffix (`…-pain-before`, `…-ppt`, `…-97140`), which `split_id` reads back.

Codes and their sources (docs/clinical-sources.md#fhir-codes):
- pain on the 0-10 numeric rating scale: LOINC 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] -
  Reported";
- pressure pain threshold (algometer) and the trigger point finding: no LOINC code exists for either, so they use
  Knotwork's own code system (`OBSERVATION_SYSTEM`); the PPT value is in kPa (UCUM);
- diagnoses: ICD-10-CM (http://hl7.org/fhir/sid/icd-10-cm); procedures: CPT, from the signed session's billing lines
  (knotwork.treatment.services.codes); consent category LOINC 59284-0 "Patient Consent"; the signed note's type
  LOINC 11506-3 "Progress note".
"""

import datetime
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.resource import Resource

from knotwork.treatment import billing

LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
ENCOUNTER_CLASS = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
# Knotwork's own code systems, for what no standard code names (docs/clinical-sources.md#fhir-codes).
OBSERVATION_SYSTEM = "urn:knotwork:fhir:observation"
FINDING_SYSTEM = "urn:knotwork:fhir:trigger-point-criterion"
MUSCLE_SYSTEM = "urn:knotwork:atlas:muscle"
QUESTIONNAIRE_BASE = "urn:knotwork:questionnaire:"
EVERYTHING = "http://hl7.org/fhir/OperationDefinition/Patient-everything"
EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"

PAIN_NRS = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
PPT = {
    "system": OBSERVATION_SYSTEM,
    "code": "pressure-pain-threshold",
    "display": "Pressure pain threshold (algometer)",
}
TRIGGER_POINT = {"system": OBSERVATION_SYSTEM, "code": "trigger-point", "display": "Myofascial trigger point"}
CONSENT_CATEGORY = {"system": LOINC, "code": "59284-0", "display": "Patient Consent"}
PROGRESS_NOTE = {"system": LOINC, "code": "11506-3", "display": "Progress note"}

# The trigger point criteria recorded one by one (assessment.TriggerPointFinding), as observation components.
CRITERIA = (
    ("taut_band", "Taut band"),
    ("spot_tenderness", "Hypersensitive spot in the band"),
    ("referred_pain", "Referred pain or sensation"),
    ("pain_recognised", "Patient recognises the pain"),
    ("twitch_response", "Local twitch response"),
    ("painful_stretch", "Painful limit to stretch"),
    ("weakness", "Weakness"),
)

APPOINTMENT_STATUS = {"booked": "booked", "attended": "fulfilled", "cancelled": "cancelled", "no_show": "noshow"}
CARE_PLAN_STATUS = {"active": "active", "completed": "completed", "stopped": "revoked"}
SCORED_QUESTIONNAIRES = ("odi", "ndi", "psfs")

# The resource types Knotwork exports, in the order of a bulk export's files and a patient's bundle.
EXPORT_TYPES = (
    "Patient",
    "Practitioner",
    "Organization",
    "Encounter",
    "Condition",
    "Observation",
    "Procedure",
    "QuestionnaireResponse",
    "CarePlan",
    "Goal",
    "Appointment",
    "Consent",
    "DocumentReference",
)


class Context:
    """What builders need beyond the row: the address of the note PDFs and the atlas's muscle names."""

    def __init__(self, *, base_url: str, muscle_names: dict[str, str]) -> None:
        self.base_url = base_url.rstrip("/")
        self.muscle_names = muscle_names

    def muscle(self, muscle_id: str, side: str = "") -> dict:
        name = self.muscle_names.get(muscle_id, muscle_id.replace("_", " "))
        text = f"{side.capitalize()} {name}" if side else name.capitalize()
        return {"coding": [{"system": MUSCLE_SYSTEM, "code": muscle_id, "display": name}], "text": text}

    def note_pdf_url(self, note) -> str:
        return f"{self.base_url}/fhir/r4/DocumentReference/{note.public_id}/note.pdf"


def make(data: dict) -> Resource:
    """Validate `data` as the FHIR resource its resourceType names (raises pydantic's ValidationError)."""
    return get_fhir_model_class(data["resourceType"]).model_validate(data)


def as_json(resource: Resource) -> str:
    return resource.model_dump_json()


def as_dict(resource: Resource) -> dict:
    return json.loads(resource.model_dump_json())


def ref(resource_type: str, public_id: Any) -> dict:
    return {"reference": f"{resource_type}/{public_id}"}


def split_id(fhir_id: str, suffixes: Iterable[str]) -> tuple[str, str]:
    """(the row's public id, the suffix) of a derived id; the suffix is "" for a row's own id."""
    for suffix in suffixes:
        if fhir_id.endswith(f"-{suffix}") and len(fhir_id) > len(suffix) + 1:
            return fhir_id[: -len(suffix) - 1], suffix
    return fhir_id, ""


def _when(value: datetime.datetime | datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _drop_empty(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def _person_name(user) -> dict:
    name = _drop_empty({"family": user.last_name, "given": [user.first_name] if user.first_name else []})
    return name or {"text": user.email}


def _decimal(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).normalize() + Decimal(0)


# --- people and the clinic ----------------------------------------------------------------------------------------


def patient(row) -> Resource:
    names = [{"use": "official", "family": row.last_name, "given": [row.first_name]}]
    if row.preferred_name and row.preferred_name != row.first_name:
        names.append({"use": "usual", "family": row.last_name, "given": [row.preferred_name]})
    telecom = []
    if row.phone:
        telecom.append({"system": "phone", "value": str(row.phone)})
    if row.email:
        telecom.append({"system": "email", "value": row.email})
    lines = [line for line in (row.address_line1, row.address_line2) if line]
    address = _drop_empty({"line": lines, "city": row.city, "state": row.region, "postalCode": row.postal_code})
    contact = []
    if row.emergency_contact_name:
        contact.append(
            _drop_empty(
                {
                    "relationship": [{"text": row.emergency_contact_relationship or "Emergency contact"}],
                    "name": {"text": row.emergency_contact_name},
                    "telecom": [{"system": "phone", "value": str(row.emergency_contact_phone)}]
                    if row.emergency_contact_phone
                    else [],
                }
            )
        )
    return make(
        _drop_empty(
            {
                "resourceType": "Patient",
                "id": str(row.public_id),
                "meta": {"lastUpdated": _when(row.updated_at)},
                "identifier": [
                    {
                        "use": "usual",
                        "type": {"text": "Chart number"},
                        "system": f"urn:knotwork:clinic:{row.clinic.public_id}:chart-number",
                        "value": row.chart_number,
                    }
                ],
                "active": row.status != "discharged",
                "name": names,
                "telecom": telecom,
                "gender": row.sex,
                "birthDate": _when(row.date_of_birth),
                "address": [address] if address else [],
                "contact": contact,
                "managingOrganization": ref("Organization", row.clinic.public_id),
            }
        )
    )


def practitioner(user) -> Resource:
    """A member of staff; an API key's own user (which may sign or record) is named as the key, without an email."""
    membership = getattr(user, "membership", None)
    key = getattr(user, "api_key", None)  # None for a person: the reverse one-to-one raises AttributeError
    data = {
        "resourceType": "Practitioner",
        "id": str(user.public_id),
        "active": bool(membership is not None and membership.is_active and user.is_active),
        "name": [{"text": f"API key “{key.name}”"}] if key is not None else [_person_name(user)],
    }
    if key is None:
        data["telecom"] = [{"system": "email", "value": user.email, "use": "work"}]
    return make(data)


def organization(clinic) -> Resource:
    telecom = []
    if clinic.phone:
        telecom.append({"system": "phone", "value": clinic.phone})
    if clinic.email:
        telecom.append({"system": "email", "value": clinic.email})
    return make(
        _drop_empty(
            {
                "resourceType": "Organization",
                "id": str(clinic.public_id),
                "active": True,
                "type": [
                    {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "prov"}]}
                ],
                "name": clinic.name,
                "telecom": telecom,
                "address": [{"text": clinic.address}] if clinic.address else [],
            }
        )
    )


# --- the visit --------------------------------------------------------------------------------------------------


def encounter(session) -> Resource:
    finished = session.status != "in_progress"
    return make(
        _drop_empty(
            {
                "resourceType": "Encounter",
                "id": str(session.public_id),
                "meta": {"lastUpdated": _when(session.updated_at)},
                "status": "finished" if finished else "in-progress",
                "class": {"system": ENCOUNTER_CLASS, "code": "AMB", "display": "ambulatory"},
                "type": [{"text": "Trigger point treatment session"}],
                "subject": ref("Patient", session.patient.public_id),
                "participant": [{"individual": ref("Practitioner", session.practitioner.public_id)}],
                "period": _drop_empty({"start": _when(session.created_at), "end": _when(session.ended_at)}),
                "basedOn": [],
                "serviceProvider": ref("Organization", session.patient.clinic.public_id),
            }
        )
    )


def condition(diagnosis) -> Resource:
    return make(
        {
            "resourceType": "Condition",
            "id": str(diagnosis.public_id),
            "meta": {"lastUpdated": _when(diagnosis.updated_at)},
            "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "active"}]},
            "verificationStatus": {"coding": [{"system": CONDITION_VERIFICATION, "code": "provisional"}]},
            "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": "encounter-diagnosis"}]}],
            "code": {
                "coding": [{"system": ICD10CM, "code": diagnosis.code, "display": diagnosis.description}],
                "text": diagnosis.description,
            },
            "subject": ref("Patient", diagnosis.patient.public_id),
            "recordedDate": _when(diagnosis.created_at),
            "recorder": ref("Practitioner", diagnosis.examination.examined_by.public_id),
        }
    )


def _category(code: str) -> list[dict]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code}]}]


def session_pain(session) -> list[Resource]:
    """Pain before and after the session (0-10), as LOINC 72514-3 observations in the encounter."""
    readings = [("before", session.pain_before, session.created_at)]
    if session.pain_after is not None:
        readings.append(("after", session.pain_after, session.ended_at or session.updated_at))
    return [
        make(
            {
                "resourceType": "Observation",
                "id": f"{session.public_id}-pain-{which}",
                "status": "final",
                "category": _category("survey"),
                "code": {"coding": [PAIN_NRS], "text": f"Pain 0-10 {which} treatment"},
                "subject": ref("Patient", session.patient.public_id),
                "encounter": ref("Encounter", session.public_id),
                "effectiveDateTime": _when(when),
                "performer": [ref("Patient", session.patient.public_id)],
                "valueInteger": value,
            }
        )
        for which, value, when in readings
    ]


def nprs(response) -> Resource:
    """A pain rating questionnaire (NPRS 0-10) as a LOINC 72514-3 observation."""
    answer = response.answers[0] if response.answers else None
    data = {
        "resourceType": "Observation",
        "id": str(response.public_id),
        "status": "final",
        "category": _category("survey"),
        "code": {"coding": [PAIN_NRS], "text": "Pain 0-10"},
        "subject": ref("Patient", response.patient.public_id),
        "effectiveDateTime": _when(response.taken_at),
        "performer": [ref("Patient", response.patient.public_id)],
    }
    if response.session_id:
        data["encounter"] = ref("Encounter", response.session.public_id)
    if answer is None:
        data["dataAbsentReason"] = {"text": "Skipped"}
    else:
        data["valueInteger"] = answer
    return make(data)


def trigger_point(finding, context: Context) -> list[Resource]:
    """A trigger point found on palpation (criteria as components, the muscle as bodySite), and its PPT if measured."""
    body_site = context.muscle(finding.muscle, finding.side)
    examiner = ref("Practitioner", finding.examination.examined_by.public_id)
    components = [
        {
            "code": {"coding": [{"system": FINDING_SYSTEM, "code": field.replace("_", "-")}], "text": label},
            "valueBoolean": getattr(finding, field),
        }
        for field, label in CRITERIA
    ]
    if finding.palpation_pain is not None:
        components.append(
            {"code": {"coding": [PAIN_NRS], "text": "Pain on palpation (0-10)"}, "valueInteger": finding.palpation_pain}
        )
    kind = "active" if finding.is_active else "latent"
    found = make(
        _drop_empty(
            {
                "resourceType": "Observation",
                "id": str(finding.public_id),
                "meta": {"lastUpdated": _when(finding.updated_at)},
                "status": "final",
                "category": _category("exam"),
                "code": {"coding": [TRIGGER_POINT], "text": "Myofascial trigger point"},
                "subject": ref("Patient", finding.patient.public_id),
                "effectiveDateTime": _when(finding.created_at),
                "performer": [examiner],
                "valueCodeableConcept": {
                    "coding": [{"system": FINDING_SYSTEM, "code": kind}],
                    "text": f"{kind.capitalize()} trigger point",
                },
                "bodySite": body_site,
                "note": [{"text": finding.notes}] if finding.notes else [],
                "component": components,
            }
        )
    )
    resources = [found]
    if finding.ppt_kpa is not None:
        resources.append(
            make(
                {
                    "resourceType": "Observation",
                    "id": f"{finding.public_id}-ppt",
                    "status": "final",
                    "category": _category("exam"),
                    "code": {"coding": [PPT], "text": "Pressure pain threshold"},
                    "subject": ref("Patient", finding.patient.public_id),
                    "effectiveDateTime": _when(finding.created_at),
                    "performer": [examiner],
                    "valueQuantity": {
                        "value": _decimal(finding.ppt_kpa),
                        "unit": "kPa",
                        "system": UCUM,
                        "code": "kPa",
                    },
                    "method": {"text": "Pressure algometer"},
                    "bodySite": body_site,
                    "derivedFrom": [ref("Observation", finding.public_id)],
                }
            )
        )
    return resources


def procedures(session, lines: list[billing.Line], context: Context) -> list[Resource]:
    """One Procedure per CPT line the signed session's records suggest (dry needling, manual therapy, ...)."""
    needled = sorted({(n.muscle, n.side) for n in session.needling.all()})
    pressed = sorted({(p.muscle, p.side) for p in session.points.all()})
    resources = []
    for line in lines:
        sites = needled if line.code in billing.NEEDLING else pressed if line.code == "97140" else []
        units = f"{line.units} unit{'s' if line.units != 1 else ''}"
        if line.minutes:
            units += f", {line.minutes} minutes"
        resources.append(
            make(
                _drop_empty(
                    {
                        "resourceType": "Procedure",
                        "id": f"{session.public_id}-{line.code}",
                        "status": "completed",
                        "code": {
                            "coding": [{"system": CPT, "code": line.code, "display": line.descriptor}],
                            "text": line.descriptor,
                        },
                        "subject": ref("Patient", session.patient.public_id),
                        "encounter": ref("Encounter", session.public_id),
                        "performedPeriod": _drop_empty(
                            {"start": _when(session.created_at), "end": _when(session.ended_at)}
                        ),
                        "performer": [{"actor": ref("Practitioner", session.practitioner.public_id)}],
                        "bodySite": [context.muscle(muscle, side) for muscle, side in sites],
                        "note": [{"text": f"Billed as {units}."}],
                    }
                )
            )
        )
    return resources


def questionnaire_response(response) -> Resource:
    """ODI, NDI or PSFS: every answer as recorded (null answers as items without an answer), then the scores."""
    sections = response.wording.sections if response.wording_id else []
    items = []
    if response.instrument == "psfs":
        for number, (activity, answer) in enumerate(zip(response.activities, response.answers, strict=False), 1):
            item: dict = {"linkId": f"activity-{number}", "text": activity}
            if answer is not None:
                item["answer"] = [{"valueInteger": answer}]
            items.append(item)
    else:
        for number, answer in enumerate(response.answers, 1):
            item = {"linkId": str(number)}
            if number <= len(sections):
                item["text"] = sections[number - 1]["name"]
            if answer is not None:
                item["answer"] = [{"valueInteger": answer}]
            items.append(item)
    items.append(
        {
            "linkId": "score-raw",
            "text": f"Raw score (of {response.maximum})",
            "answer": [{"valueDecimal": _decimal(response.raw)}],
        }
    )
    if response.percent is not None:
        items.append(
            {"linkId": "score-percent", "text": "Score (%)", "answer": [{"valueDecimal": _decimal(response.percent)}]}
        )
    if response.band:
        items.append({"linkId": "score-band", "text": "Band", "answer": [{"valueString": response.band}]})
    author = (
        ref("Practitioner", response.recorded_by.public_id)
        if response.recorded_by_id
        else ref("Patient", response.patient.public_id)
    )
    data = {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.public_id),
        "meta": {"lastUpdated": _when(response.updated_at)},
        "questionnaire": f"{QUESTIONNAIRE_BASE}{response.instrument}|{response.version}",
        "status": "completed",
        "subject": ref("Patient", response.patient.public_id),
        "authored": _when(response.taken_at),
        "author": author,
        "source": ref("Patient", response.patient.public_id),
        "item": items,
    }
    if response.session_id:
        data["encounter"] = ref("Encounter", response.session.public_id)
    return make(data)


# --- the course --------------------------------------------------------------------------------------------------


def care_plan(plan, technique_labels: dict[str, str]) -> Resource:
    end = plan.ended_at.date() if plan.ended_at else plan.starts_on + datetime.timedelta(days=plan.window_days_max)
    done = plan.status != "active"
    return make(
        _drop_empty(
            {
                "resourceType": "CarePlan",
                "id": str(plan.public_id),
                "meta": {"lastUpdated": _when(plan.updated_at)},
                "status": CARE_PLAN_STATUS.get(plan.status, "unknown"),
                "intent": "plan",
                "title": "Course of trigger point treatment",
                "description": (
                    f"Up to {plan.max_sessions} sessions; relief expected within "
                    f"{plan.window_days_min}-{plan.window_days_max} days."
                ),
                "subject": ref("Patient", plan.patient.public_id),
                "period": {"start": _when(plan.starts_on), "end": _when(end)},
                "created": _when(plan.created_at),
                "author": ref("Practitioner", plan.practitioner.public_id),
                "addresses": [ref("Condition", plan.diagnosis.public_id)] if plan.diagnosis_id else [],
                "goal": [ref("Goal", goal.public_id) for goal in plan.goals.all()],
                "activity": [
                    {
                        "detail": {
                            "code": {"text": technique_labels.get(technique, technique.replace("_", " "))},
                            "status": "completed" if done else "in-progress",
                        }
                    }
                    for technique in plan.techniques
                ],
                "note": [{"text": plan.notes}] if plan.notes else [],
            }
        )
    )


def goal(row) -> Resource:
    target = _drop_empty({"measure": {"text": row.get_measure_display()}})
    if row.target is not None:
        target["detailQuantity"] = {"value": _decimal(row.target)}
    data = {
        "resourceType": "Goal",
        "id": str(row.public_id),
        "meta": {"lastUpdated": _when(row.updated_at)},
        "lifecycleStatus": "completed" if row.met_on else "active",
        "achievementStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                    "code": "achieved" if row.met_on else "in-progress",
                }
            ]
        },
        "description": {"text": row.description},
        "subject": ref("Patient", row.plan.patient.public_id),
        "startDate": _when(row.plan.starts_on),
        "target": [target],
        "statusDate": _when(row.met_on),
    }
    if row.baseline is not None:
        data["note"] = [{"text": f"Baseline {_decimal(row.baseline)}."}]
    return make(_drop_empty(data))


def appointment(row) -> Resource:
    status = APPOINTMENT_STATUS.get(row.status, "booked")
    return make(
        _drop_empty(
            {
                "resourceType": "Appointment",
                "id": str(row.public_id),
                "meta": {"lastUpdated": _when(row.updated_at)},
                "status": status,
                "cancelationReason": {"text": row.cancel_reason} if row.cancel_reason else None,
                "serviceType": [{"text": row.appointment_type.name}],
                "start": _when(row.starts_at),
                "end": _when(row.ends_at),
                "minutesDuration": int((row.ends_at - row.starts_at).total_seconds() // 60),
                "created": _when(row.created_at),
                "comment": row.notes,
                "participant": [
                    {"actor": ref("Patient", row.patient.public_id), "status": "accepted"},
                    {"actor": ref("Practitioner", row.practitioner.public_id), "status": "accepted"},
                ],
            }
        )
    )


def consent(row) -> Resource:
    withdrawn = row.withdrawn_at is not None
    version = row.version
    return make(
        {
            "resourceType": "Consent",
            "id": str(row.public_id),
            "meta": {"lastUpdated": _when(row.updated_at)},
            "status": "inactive" if withdrawn else "active",
            "scope": {"coding": [{"system": CONSENT_SCOPE, "code": "treatment"}]},
            "category": [{"coding": [CONSENT_CATEGORY]}],
            "patient": ref("Patient", row.patient.public_id),
            "dateTime": _when(row.created_at),
            "organization": [ref("Organization", row.clinic.public_id)],
            "policyRule": {"text": f"{version.form.title}, version {version.number}"},
            "provision": {
                "type": "deny" if withdrawn else "permit",
                "code": [{"text": row.get_technique_display()}],
            },
        }
    )


def document_reference(note, context: Context) -> Resource:
    session = note.session
    data = {
        "resourceType": "DocumentReference",
        "id": str(note.public_id),
        "meta": {"lastUpdated": _when(note.updated_at)},
        "status": "current",
        "docStatus": "amended" if note.version > 1 else "final",
        "type": {"coding": [PROGRESS_NOTE], "text": "Treatment note"},
        "subject": ref("Patient", note.patient.public_id),
        "date": _when(note.signed_at),
        "custodian": ref("Organization", note.patient.clinic.public_id),
        "description": f"Signed treatment note, version {note.version}",
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "url": context.note_pdf_url(note),
                    "title": f"Treatment note {session.created_at:%Y-%m-%d}",
                    "creation": _when(note.signed_at),
                }
            }
        ],
        "context": {
            "encounter": [ref("Encounter", session.public_id)],
            "period": _drop_empty({"start": _when(session.created_at), "end": _when(session.ended_at)}),
        },
    }
    if note.signed_by_id:
        data["author"] = [ref("Practitioner", note.signed_by.public_id)]
        data["authenticator"] = ref("Practitioner", note.signed_by.public_id)
    return make(data)


def bundle(resources: Iterable[Resource], *, base_url: str, bundle_type: str = "searchset") -> Resource:
    entries = []
    for resource in resources:
        entry: dict = {
            "fullUrl": f"{base_url.rstrip('/')}/fhir/r4/{resource.get_resource_type()}/{resource.id}",
            "resource": as_dict(resource),
        }
        if bundle_type == "searchset":
            entry["search"] = {"mode": "match" if resource.get_resource_type() == "Patient" else "include"}
        entries.append(entry)
    data: dict = {"resourceType": "Bundle", "type": bundle_type, "entry": entries}
    if bundle_type == "searchset":
        data["total"] = sum(1 for e in entries if e["search"]["mode"] == "match")
    return make(data)


def capability_statement(base_url: str) -> Resource:
    """What Knotwork's FHIR endpoint does: read by id for each exported type, `$everything`, the Bulk Data export."""
    return make(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": "2026-11-24",
            "kind": "instance",
            "software": {"name": "Knotwork"},
            "implementation": {"description": "Knotwork FHIR R4", "url": f"{base_url}/fhir/r4"},
            "fhirVersion": "4.3.0",
            "format": ["application/fhir+json"],
            "rest": [
                {
                    "mode": "server",
                    "security": {
                        "description": "An API key as 'Authorization: Bearer kw_…' (docs/fhir.md), or a signed-in "
                        "browser session."
                    },
                    "resource": [
                        {
                            "type": resource_type,
                            "interaction": [{"code": "read"}],
                            **(
                                {"operation": [{"name": "everything", "definition": EVERYTHING}]}
                                if resource_type == "Patient"
                                else {}
                            ),
                        }
                        for resource_type in EXPORT_TYPES
                    ],
                    "operation": [{"name": "export", "definition": EXPORT}],
                }
            ],
        }
    )


def operation_outcome(code: str, message: str, *, severity: str = "error") -> Resource:
    """An error or a warning for a FHIR client; `code` from the FHIR issue-type value set."""
    return make(
        {"resourceType": "OperationOutcome", "issue": [{"severity": severity, "code": code, "diagnostics": message}]}
    )
