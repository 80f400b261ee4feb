"""The first visit's record through the API with a key: intakes, safety screens and consents, read by every role."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from knotwork.accounts.services import create_api_key
from knotwork.assessment import services
from knotwork.assessment.models import Consent, Intake
from knotwork.assessment.screening import get_ruleset
from knotwork.assessment.tests.factories import screened_patient
from knotwork.audit.models import AuditEntry
from knotwork.core.policy import SystemActor

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
PROBLEM = "application/problem+json"


def key_client(clinic, *, scope="read", role="practitioner", name=None, resources=()) -> Client:
    """A client that sends a new key of the clinic as `Authorization: Bearer`."""
    _row, token = create_api_key(
        clinic=clinic,
        by=SYSTEM,
        name=name or f"{role} {scope} {'-'.join(resources)} script",
        scope=scope,
        role=role,
        resources=list(resources),
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    return response.json()


def red_flag_question() -> str:
    """A yes/no answer that alone raises a red flag for a neck complaint."""
    rule = next(
        r
        for r in get_ruleset().rules
        if r.kind == "red_flag"
        and "neck" in r.applies_to
        and isinstance(r.when, dict)
        and "any" in r.when
        and all(isinstance(q, str) for q in r.when["any"])
    )
    return rule.when["any"][0]


def with_drawing(patient, by) -> Intake:
    """A second intake of the patient, submitted with a pain drawing."""
    intake = services.start_intake(patient=patient, by=by)
    answers = patient.intakes.exclude(pk=intake.pk).get().answers
    services.submit_intake(
        intake=intake,
        chief_complaint="Right shoulder ache",
        complaint_area="shoulder_arm",
        pain_now=4,
        drawing=[{"region": "right-shoulder-top", "intensity": 7, "quality": "aching"}],
        answers=answers,
        by=by,
    )
    return intake


def test_a_key_reads_the_intake_screen_and_consents_and_every_read_is_audited(clinic_a, practitioner):
    patient = screened_patient(clinic_a, practitioner, consents=("manual_therapy", "dry_needling"))
    intake = with_drawing(patient, practitioner)
    api = key_client(clinic_a)

    intakes = api.get(f"/api/v1/patients/{patient.public_id}/intakes")
    assert intakes.status_code == 200, intakes.content
    assert [i["chief_complaint"] for i in intakes.json()["items"]] == ["Neck and shoulder pain", "Right shoulder ache"]
    assert intakes.json()["next_cursor"] is None
    one = api.get(f"/api/v1/assessment/intakes/{intake.public_id}").json()
    assert (one["status"], one["pain_now"], one["patient"]) == ("submitted", 4, str(patient.public_id))
    assert one["drawing"] == [
        {"region": "right-shoulder-top", "label": one["drawing"][0]["label"], "intensity": 7, "quality": "aching"}
    ]
    assert one["drawing"][0]["label"].startswith("right")
    assert one["answers"]
    assert not any(one["answers"].values())

    screens = api.get(f"/api/v1/patients/{patient.public_id}/safety-screens").json()["items"]
    stored = list(patient.screens.order_by("updated_at", "pk"))
    assert [s["status"] for s in screens] == [s.status for s in stored]
    assert [len(s["findings"]) for s in screens] == [len(s.findings) for s in stored]
    assert {t["technique"] for t in screens[1]["techniques"]} >= {"manual_therapy", "dry_needling"}
    assert screens[1]["intake"] == str(intake.public_id)
    screen = api.get(f"/api/v1/assessment/safety-screens/{screens[0]['id']}")
    assert screen.status_code == 200, screen.content

    consents = api.get(f"/api/v1/patients/{patient.public_id}/consents").json()["items"]
    assert sorted(c["technique"] for c in consents) == ["dry_needling", "manual_therapy"]
    assert all(c["form_version"] == 1 and c["signed_name"] and not c["withdrawn"] for c in consents)
    consent = api.get(f"/api/v1/assessment/consents/{consents[0]['id']}").json()
    assert consent["body_hash"] == Consent.objects.get(public_id=consents[0]["id"]).version.body_hash

    reads = AuditEntry.objects.filter(patient=patient, action=AuditEntry.Action.ACCESS, actor_kind="api_key")
    assert {e.content_type.model for e in reads} == {"intake", "safetyscreen", "consent"}
    # One entry per record on a page, one per record opened.
    assert reads.filter(content_type__model="intake").count() == 3
    assert reads.filter(content_type__model="consent").count() == 3


def test_a_red_flag_screen_shows_the_hold_its_findings_the_referral_and_an_override(clinic_a, practitioner):
    patient = screened_patient(clinic_a, practitioner, yes=[red_flag_question()])
    screen = patient.screens.get()
    red_flag = next(f for f in screen.findings if f["kind"] == "red_flag")
    api = key_client(clinic_a, role="front_desk")

    body = api.get(f"/api/v1/assessment/safety-screens/{screen.public_id}").json()
    assert body["status"] == "hold"
    assert {f["kind"] for f in body["findings"]} >= {"red_flag"}
    assert {t["status"] for t in body["techniques"]} == {"hold"}
    assert [r["status"] for r in body["referrals"]] == ["to_send"] * len(body["referrals"]) != []

    services.override_finding(
        screen=screen, rule_id=red_flag["rule"], reason="Seen by the GP today; cleared for treatment.", by=practitioner
    )
    body = api.get(f"/api/v1/assessment/safety-screens/{screen.public_id}").json()
    overridden = next(f for f in body["findings"] if f["rule"] == red_flag["rule"])
    assert overridden["override"]["reason"] == "Seen by the GP today; cleared for treatment."


def test_a_withdrawn_consent_reads_as_withdrawn(clinic_a, practitioner):
    patient = screened_patient(clinic_a, practitioner)
    consent = patient.consents.get()
    services.withdraw_consent(consent=consent, reason="Changed her mind", by=practitioner)
    body = key_client(clinic_a).get(f"/api/v1/assessment/consents/{consent.public_id}").json()
    assert (body["withdrawn"], body["withdrawn_reason"]) == (True, "Changed her mind")
    assert body["withdrawn_at"] is not None


def test_the_front_desk_reads_intakes_screens_and_consents(clinic_a, practitioner):
    patient = screened_patient(clinic_a, practitioner)
    desk = key_client(clinic_a, role="front_desk")
    for part in ("intakes", "safety-screens", "consents"):
        answer = desk.get(f"/api/v1/patients/{patient.public_id}/{part}")
        assert answer.status_code == 200, (part, answer.content)
        assert len(answer.json()["items"]) == 1


def test_another_clinics_records_are_not_found(clinic_a, clinic_b, practitioner, practitioner_b):
    theirs = screened_patient(clinic_b, practitioner_b)
    screened_patient(clinic_a, practitioner)
    api = key_client(clinic_a)
    for part in ("intakes", "safety-screens", "consents"):
        problem(api.get(f"/api/v1/patients/{theirs.public_id}/{part}"), 404)
    problem(api.get(f"/api/v1/assessment/intakes/{theirs.intakes.get().public_id}"), 404)
    problem(api.get(f"/api/v1/assessment/safety-screens/{theirs.screens.get().public_id}"), 404)
    problem(api.get(f"/api/v1/assessment/consents/{theirs.consents.get().public_id}"), 404)
    assert not AuditEntry.objects.filter(patient=theirs, action=AuditEntry.Action.ACCESS).exists()


def test_lists_page_by_cursor_and_list_only_what_changed_since(clinic_a, practitioner):
    patient = screened_patient(
        clinic_a, practitioner, consents=("manual_therapy", "dry_needling", "tens", "heat_cold", "assisted_stretching")
    )
    old = patient.consents.order_by("created_at").first()
    Consent.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    api = key_client(clinic_a)
    url = f"/api/v1/patients/{patient.public_id}/consents"
    seen, cursor = [], None
    while True:
        page = api.get(url, {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        assert len(page["items"]) <= 2
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5
    assert seen[0] == str(old.public_id)  # oldest change first

    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    recent = api.get(url, {"updated_since": since}).json()["items"]
    assert len(recent) == 4
    assert str(old.public_id) not in {c["id"] for c in recent}
    services.withdraw_consent(consent=old, reason="", by=practitioner)
    assert str(old.public_id) in {c["id"] for c in api.get(url, {"updated_since": since}).json()["items"]}


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "edited"},
        {"limit": 0},
        {"limit": 500},
        {"updated_since": "yesterday"},
        {"updated_since": "2026-01-01T00:00"},
    ],
)
def test_bad_paging_input_is_a_problem(clinic_a, practitioner, params):
    patient = screened_patient(clinic_a, practitioner)
    problem(key_client(clinic_a).get(f"/api/v1/patients/{patient.public_id}/intakes", params), 422)


def test_bad_ids_are_problems(clinic_a):
    api = key_client(clinic_a)
    problem(api.get("/api/v1/assessment/intakes/not-a-uuid"), 404)
    problem(api.get("/api/v1/assessment/consents/00000000-0000-0000-0000-000000000000"), 404)


def test_a_key_limited_to_other_parts_of_the_api_is_refused(clinic_a, practitioner):
    patient = screened_patient(clinic_a, practitioner)
    patients_only = key_client(clinic_a, resources=["patients"])
    refused = problem(patients_only.get(f"/api/v1/patients/{patient.public_id}/intakes"), 403)
    assert "assessment" in refused["detail"]
    problem(patients_only.get(f"/api/v1/assessment/intakes/{patient.intakes.get().public_id}"), 403)
    assert patients_only.get(f"/api/v1/patients/{patient.public_id}").status_code == 200

    # A key allowed both parts reads the lists under /patients/{id}/.
    both = key_client(clinic_a, name="both", resources=["patients", "assessment"])
    assert both.get(f"/api/v1/patients/{patient.public_id}/intakes").status_code == 200
    assert both.get(f"/api/v1/assessment/intakes/{patient.intakes.get().public_id}").status_code == 200


def test_the_browser_session_reads_the_same_record(practitioner_client, clinic_a, practitioner):
    patient = screened_patient(clinic_a, practitioner)
    answer = practitioner_client.get(f"/api/v1/patients/{patient.public_id}/intakes")
    assert answer.status_code == 200
    assert AuditEntry.objects.filter(patient=patient, action=AuditEntry.Action.ACCESS, actor_kind="staff").exists()
