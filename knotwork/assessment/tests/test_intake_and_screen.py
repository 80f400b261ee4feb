import datetime

import pytest
from django.urls import reverse

from knotwork.assessment import screening
from knotwork.assessment.models import Intake, IntakeStatus, MedicalReferral, SafetyScreen
from knotwork.assessment.services import override_finding, start_intake, submit_intake, update_referral
from knotwork.audit.models import AuditEntry
from knotwork.core.errors import ClinicRuleError
from knotwork.patients.models import PatientStatus
from knotwork.patients.tests.factories import PatientFactory

RULES = screening.get_ruleset()


def all_no(**yes) -> dict:
    answers = {q.id: False for q in RULES.questions.values() if q.type == "yes_no"}
    answers.update(yes)
    return answers


BASE = {"chief_complaint": "Low back pain after lifting", "complaint_area": "low_back", "pain_now": 6}


@pytest.fixture
def patient(clinic_a):
    return PatientFactory(clinic=clinic_a, date_of_birth=datetime.date(1985, 5, 1))


def test_a_clear_intake_gives_a_clear_screen(patient, practitioner):
    intake = start_intake(patient=patient, by=practitioner)
    screen = submit_intake(intake=intake, **BASE, answers=all_no(), by=practitioner)
    assert screen.status == "clear"
    assert screen.findings == []
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.SUBMITTED


def test_submitting_needs_the_complaint_and_every_safety_answer(patient, practitioner):
    intake = start_intake(patient=patient, by=practitioner)
    with pytest.raises(ClinicRuleError, match="main complaint"):
        submit_intake(intake=intake, answers=all_no(), by=practitioner)
    answers = all_no()
    answers.pop(next(iter(answers)))
    with pytest.raises(ClinicRuleError, match="safety question"):
        submit_intake(intake=intake, **BASE, answers=answers, by=practitioner)
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.DRAFT
    assert intake.chief_complaint == BASE["chief_complaint"]  # what was typed is kept


def _red_flag_rule():
    return next(
        r
        for r in RULES.rules
        if r.kind == "red_flag"
        and "low_back" in r.applies_to
        and isinstance(r.when, dict)
        and "any" in r.when
        and all(isinstance(q, str) for q in r.when["any"])
    )


def test_a_red_flag_holds_treatment_and_opens_a_medical_referral(patient, practitioner):
    rule = _red_flag_rule()
    intake = start_intake(patient=patient, by=practitioner)
    screen = submit_intake(intake=intake, **BASE, answers=all_no(**{rule.when["any"][0]: True}), by=practitioner)
    assert screen.status == "hold"
    assert rule.id in {f["rule"] for f in screen.findings}
    patient.refresh_from_db()
    assert patient.status == PatientStatus.ON_HOLD
    referral = MedicalReferral.objects.get(patient=patient)
    assert referral.urgency == rule.referral
    update_referral(referral=referral, by=practitioner, status="sent", to_whom="Emergency department")
    with pytest.raises(ClinicRuleError, match="Record the result"):
        update_referral(referral=referral, by=practitioner, status="result")


def test_an_override_needs_a_reason_and_is_audited(patient, practitioner):
    rule = _red_flag_rule()
    intake = start_intake(patient=patient, by=practitioner)
    screen = submit_intake(intake=intake, **BASE, answers=all_no(**{rule.when["any"][0]: True}), by=practitioner)
    with pytest.raises(ClinicRuleError, match="reason"):
        override_finding(screen=screen, rule_id=rule.id, reason="ok", by=practitioner)
    override_finding(
        screen=screen,
        rule_id=rule.id,
        reason="Seen by the GP today; imaging normal, cleared to treat.",
        by=practitioner,
    )
    assert AuditEntry.objects.filter(content_type__model="screenoverride").exists()


def test_chart_shows_the_screen_at_the_top_with_reasons(practitioner_client, patient, practitioner):
    rule = _red_flag_rule()
    intake = start_intake(patient=patient, by=practitioner)
    submit_intake(intake=intake, **BASE, answers=all_no(**{rule.when["any"][0]: True}), by=practitioner)
    page = practitioner_client.get(patient.get_absolute_url())
    assert "Safety screen: Hold" in page.text
    assert rule.message in page.text


def test_intake_page_autosaves_a_draft_and_keeps_bad_input_marked(practitioner_client, patient, practitioner):
    intake = start_intake(patient=patient, by=practitioner)
    url = reverse("assessment:intake", args=[intake.public_id])
    response = practitioner_client.post(
        url,
        {"action": "autosave", "chief_complaint": "Neck ache", "pain_now": "14", "r": ["right-back-neck:6:ache"]},
        HTTP_HX_REQUEST="true",
    )
    assert "Draft saved" in response.text
    assert "1 field(s) need attention" in response.text
    intake.refresh_from_db()
    assert intake.chief_complaint == "Neck ache"
    assert intake.pain_now is None
    assert intake.drawing == [{"region": "right-back-neck", "intensity": 6, "quality": "ache"}]
    page = practitioner_client.post(url, {"action": "save", "chief_complaint": "Neck ache", "pain_now": "14"})
    assert "less than or equal to 10" in page.text
    assert 'value="14"' in page.text


def test_intake_submitted_through_the_page_runs_the_screen(practitioner_client, patient, practitioner):
    intake = start_intake(patient=patient, by=practitioner)
    url = reverse("assessment:intake", args=[intake.public_id])
    data = {"action": "submit", **dict(BASE.items())}
    data.update({f"q_{q}": "no" for q, v in all_no().items()})
    response = practitioner_client.post(url, data)
    assert response.status_code == 302
    assert SafetyScreen.objects.get(patient=patient).status == "clear"
    assert Intake.objects.get(pk=intake.pk).status == IntakeStatus.SUBMITTED


def test_an_onset_date_in_the_future_is_refused_and_the_rest_kept(practitioner_client, patient, practitioner):
    intake = start_intake(patient=patient, by=practitioner)
    url = reverse("assessment:intake", args=[intake.public_id])
    page = practitioner_client.post(url, {"action": "save", "chief_complaint": "Neck ache", "onset_date": "2999-01-01"})
    assert "This date is in the future." in page.text
    intake.refresh_from_db()
    assert (intake.chief_complaint, intake.onset_date) == ("Neck ache", None)


def test_an_answer_that_needs_correcting_survives_a_closed_tab(practitioner_client, patient, practitioner):
    intake = start_intake(patient=patient, by=practitioner)
    url = reverse("assessment:intake", args=[intake.public_id])
    practitioner_client.post(
        url,
        {"action": "autosave", "chief_complaint": "Neck ache", "pain_now": "11", "r": ["right-back-neck:6:ache"]},
        HTTP_HX_REQUEST="true",
    )
    reopened = practitioner_client.get(url)  # a new visit, as after closing the tab
    assert 'value="11"' in reopened.text
    assert "less than or equal to 10" in reopened.text
    assert 'value="Neck ache"' in reopened.text
    assert 'value="right-back-neck:6:ache"' in reopened.text
    with pytest.raises(ClinicRuleError, match="Correct the answers"):
        submit_intake(intake=intake, **BASE, answers=all_no(), by=practitioner)
    practitioner_client.post(
        url, {"action": "autosave", "chief_complaint": "Neck ache", "pain_now": "7"}, HTTP_HX_REQUEST="true"
    )
    intake.refresh_from_db()
    assert (intake.pain_now, intake.needs_correction) == (7, {})


def test_the_screen_banner_names_the_complaint_areas_in_words(practitioner_client, patient, practitioner):
    intake = start_intake(patient=patient, by=practitioner)
    submit_intake(intake=intake, **BASE, answers=all_no(), by=practitioner)
    page = practitioner_client.get(patient.get_absolute_url())
    assert "checked for: low back" in page.text
    assert "low_back" not in page.text
