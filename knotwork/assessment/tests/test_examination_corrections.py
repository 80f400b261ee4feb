"""Correcting and removing examination entries while the examination is open, with history; impossible values
refused; the 2018 consensus per trigger point; perpetuating factors; closing an examination."""

from decimal import Decimal

import pytest
from django.urls import reverse

from knotwork.assessment import findings
from knotwork.assessment.models import Diagnosis, ExaminationRevision, RangeOfMotion, TriggerPointFinding
from knotwork.assessment.services import (
    add_diagnosis,
    record_range_of_motion,
    record_trigger_point,
    start_examination,
)
from knotwork.assessment.services.corrections import (
    close_examination,
    correct_diagnosis,
    correct_range_of_motion,
    correct_trigger_point,
    record_perpetuating_factors,
    remove_diagnosis,
    remove_range_of_motion,
    remove_trigger_point,
)
from knotwork.core.errors import ClinicRuleError
from knotwork.patients.tests.factories import PatientFactory

POINT = {
    "muscle": "upper-trapezius",
    "side": "right",
    "region": "right-shoulder-top",
    "view": "back",
    "x": 250.0,
    "y": 180.0,
    "taut_band": True,
    "palpation_pain": 6,
}


@pytest.fixture
def examination(clinic_a, practitioner):
    return start_examination(patient=PatientFactory(clinic=clinic_a), by=practitioner)


@pytest.fixture
def point(examination, practitioner):
    return record_trigger_point(examination=examination, **POINT, by=practitioner)


@pytest.fixture
def rom(examination, practitioner):
    return record_range_of_motion(examination=examination, movement="Cervical rotation", degrees=60, by=practitioner)


# ---- impossible values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "message"),
    [
        (Decimal("-2"), "kg_cm2", "above zero"),
        (Decimal("0"), "kpa", "above zero"),
        (Decimal("25"), "kg_cm2", "beyond what an algometer reads"),
        (Decimal("2500"), "kpa", "beyond what an algometer reads"),
    ],
)
def test_an_impossible_pressure_threshold_is_refused(examination, practitioner, value, unit, message):
    with pytest.raises(ClinicRuleError, match=message):
        record_trigger_point(examination=examination, **POINT, ppt_value=value, ppt_unit=unit, by=practitioner)
    assert not TriggerPointFinding.objects.exists()


def test_a_high_but_possible_threshold_is_recorded(examination, practitioner):
    point = record_trigger_point(
        examination=examination, **POINT, ppt_value=Decimal("9.5"), ppt_unit="kg_cm2", by=practitioner
    )
    assert str(point.ppt_kpa) == "931.6"


@pytest.mark.parametrize(
    ("movement", "degrees", "message"),
    [
        ("Cervical rotation", 170, "outside what cervical rotation can reach"),
        ("cervical rotation", 101, "at most 100°"),
        ("Pinky wiggle", 250, "beyond any joint's range"),
    ],
)
def test_a_range_of_motion_outside_physiological_bounds_is_refused(
    examination, practitioner, movement, degrees, message
):
    with pytest.raises(ClinicRuleError, match=message):
        record_range_of_motion(examination=examination, movement=movement, degrees=degrees, by=practitioner)
    assert not RangeOfMotion.objects.exists()


def test_a_normal_range_of_motion_is_recorded(examination, practitioner):
    rom = record_range_of_motion(examination=examination, movement="Shoulder flexion", degrees=185, by=practitioner)
    assert rom.degrees == 185


def test_the_page_keeps_what_was_typed_when_a_threshold_is_impossible(practitioner_client, examination):
    url = reverse("assessment:examination", args=[examination.public_id])
    data = {"action": "point", **{k: v for k, v in POINT.items() if k != "taut_band"}, "taut_band": "on"}
    page = practitioner_client.post(url, {**data, "ppt_value": "-3", "ppt_unit": "kg_cm2", "notes": "Typed note"})
    assert page.status_code == 200
    assert "above zero" in page.text
    assert "Typed note" in page.text
    assert 'value="-3"' in page.text
    assert not TriggerPointFinding.objects.exists()


def test_the_page_refuses_an_absurd_range_of_motion_with_the_value_kept(practitioner_client, examination):
    url = reverse("assessment:examination", args=[examination.public_id])
    page = practitioner_client.post(
        url, {"action": "rom", "rom-movement": "Hip flexion", "rom-degrees": "400", "rom-painful": "on"}
    )
    assert "outside what hip flexion can reach" in page.text
    assert 'value="400"' in page.text
    assert 'value="Hip flexion"' in page.text
    assert not RangeOfMotion.objects.exists()


# ---- corrections keep history ---------------------------------------------------------------------


def test_correcting_a_trigger_point_keeps_the_earlier_values(point, practitioner):
    corrected = correct_trigger_point(
        finding=point, spot_tenderness=True, palpation_pain=8, taut_band=True, reason="Re-palpated", by=practitioner
    )
    assert corrected.spot_tenderness
    assert corrected.palpation_pain == 8
    revision = ExaminationRevision.objects.get(trigger_point=point)
    assert revision.action == "corrected"
    assert revision.before == {"spot_tenderness": False, "palpation_pain": 6}
    assert revision.after == {"spot_tenderness": True, "palpation_pain": 8}
    assert revision.reason == "Re-palpated"
    assert revision.by == practitioner


def test_a_correction_that_changes_nothing_is_refused(point, practitioner):
    with pytest.raises(ClinicRuleError, match="Nothing was changed"):
        correct_trigger_point(finding=point, taut_band=True, by=practitioner)
    assert not ExaminationRevision.objects.exists()


def test_a_correction_to_an_impossible_threshold_is_refused_and_changes_nothing(point, practitioner):
    with pytest.raises(ClinicRuleError, match="above zero"):
        correct_trigger_point(finding=point, ppt_value=Decimal("-1"), ppt_unit="kpa", by=practitioner)
    point.refresh_from_db()
    assert point.ppt_value is None
    assert not ExaminationRevision.objects.exists()


def test_removing_a_trigger_point_keeps_it_with_the_reason(point, practitioner, examination):
    remove_trigger_point(finding=point, reason="Recorded on the wrong side", by=practitioner)
    assert not examination.trigger_points.exists()  # the chart, the note and the session no longer see it
    kept = TriggerPointFinding.with_removed.get(pk=point.pk)
    assert kept.removed_reason == "Recorded on the wrong side"
    assert kept.removed_by == practitioner
    assert ExaminationRevision.objects.get(trigger_point=point).action == "removed"


def test_a_removal_needs_a_reason(point, practitioner):
    with pytest.raises(ClinicRuleError, match="Write why"):
        remove_trigger_point(finding=point, reason="  ", by=practitioner)
    assert TriggerPointFinding.objects.filter(pk=point.pk).exists()


def test_a_removed_entry_cannot_be_corrected_or_removed_again(point, practitioner):
    remove_trigger_point(finding=point, reason="Duplicate entry", by=practitioner)
    with pytest.raises(ClinicRuleError, match="was removed"):
        correct_trigger_point(finding=point, weakness=True, by=practitioner)
    with pytest.raises(ClinicRuleError, match="was removed"):
        remove_trigger_point(finding=point, reason="Again", by=practitioner)


def test_correcting_and_removing_a_range_of_motion(rom, practitioner):
    correct_range_of_motion(rom=rom, degrees=70, painful=True, by=practitioner)
    revision = ExaminationRevision.objects.get(range_of_motion=rom)
    assert (revision.before, revision.after) == ({"degrees": 60, "painful": False}, {"degrees": 70, "painful": True})
    with pytest.raises(ClinicRuleError, match="outside what cervical rotation"):
        correct_range_of_motion(rom=rom, degrees=200, by=practitioner)
    remove_range_of_motion(rom=rom, reason="Measured with the wrong landmark", by=practitioner)
    assert not RangeOfMotion.objects.filter(pk=rom.pk).exists()
    assert RangeOfMotion.with_removed.get(pk=rom.pk).degrees == 70


def test_correcting_a_diagnosis_code_adds_the_new_code_and_keeps_the_old(examination, practitioner):
    old = add_diagnosis(examination=examination, code="M79.11", is_primary=True, by=practitioner)
    new = correct_diagnosis(diagnosis=old, code="M79.12", reason="Neck, not shoulder", by=practitioner)
    assert list(examination.diagnoses.values_list("code", "is_primary")) == [("M79.12", True)]
    kept = Diagnosis.with_removed.get(pk=old.pk)
    assert kept.is_removed
    assert kept.removed_reason == "Corrected to M79.12: Neck, not shoulder"
    revision = ExaminationRevision.objects.get(diagnosis=old)
    assert (revision.before["code"], revision.after["code"]) == ("M79.11", "M79.12")
    assert new.code == "M79.12"
    # The removed code may be added again.
    add_diagnosis(examination=examination, code="M79.11", is_primary=False, by=practitioner)


def test_a_diagnosis_correction_to_a_code_outside_the_list_is_refused(examination, practitioner):
    old = add_diagnosis(examination=examination, code="M79.11", is_primary=True, by=practitioner)
    with pytest.raises(ClinicRuleError):
        correct_diagnosis(diagnosis=old, code="Q99.9X", by=practitioner)
    assert examination.diagnoses.get().code == "M79.11"
    assert not ExaminationRevision.objects.exists()


def test_removing_the_primary_diagnosis_makes_the_next_one_primary(examination, practitioner):
    first = add_diagnosis(examination=examination, code="M79.11", is_primary=True, by=practitioner)
    add_diagnosis(examination=examination, code="M79.12", is_primary=False, by=practitioner)
    successor = remove_diagnosis(diagnosis=first, reason="Not supported", by=practitioner)
    assert successor is not None
    assert successor.code == "M79.12"
    assert examination.diagnoses.get().is_primary


def test_marking_another_diagnosis_primary_is_a_correction(examination, practitioner):
    add_diagnosis(examination=examination, code="M79.11", is_primary=True, by=practitioner)
    second = add_diagnosis(examination=examination, code="M79.12", is_primary=False, by=practitioner)
    correct_diagnosis(diagnosis=second, is_primary=True, by=practitioner)
    assert list(examination.diagnoses.filter(is_primary=True).values_list("code", flat=True)) == ["M79.12"]
    with pytest.raises(ClinicRuleError, match="one primary"):
        correct_diagnosis(diagnosis=second, is_primary=False, by=practitioner)


# ---- a closed examination -------------------------------------------------------------------------


def test_a_closed_examination_refuses_every_change(examination, point, rom, practitioner):
    diagnosis = add_diagnosis(examination=examination, code="M79.11", is_primary=True, by=practitioner)
    close_examination(examination=examination, by=practitioner)
    attempts = [
        lambda: correct_trigger_point(finding=point, weakness=True, by=practitioner),
        lambda: remove_trigger_point(finding=point, reason="Late change", by=practitioner),
        lambda: correct_range_of_motion(rom=rom, degrees=50, by=practitioner),
        lambda: remove_range_of_motion(rom=rom, reason="Late change", by=practitioner),
        lambda: correct_diagnosis(diagnosis=diagnosis, code="M79.12", by=practitioner),
        lambda: remove_diagnosis(diagnosis=diagnosis, reason="Late change", by=practitioner),
        lambda: record_trigger_point(examination=examination, **POINT, by=practitioner),
        lambda: record_range_of_motion(examination=examination, movement="Hip flexion", degrees=90, by=practitioner),
        lambda: add_diagnosis(examination=examination, code="M79.12", is_primary=False, by=practitioner),
        lambda: record_perpetuating_factors(
            examination=examination, perpetuating_factors=["vitamin_d"], by=practitioner
        ),
        lambda: close_examination(examination=examination, by=practitioner),
    ]
    for attempt in attempts:
        with pytest.raises(ClinicRuleError, match="closed"):
            attempt()
    assert not ExaminationRevision.objects.exists()
    assert examination.trigger_points.count() == 1


def test_a_closed_examination_page_offers_no_change(practitioner_client, examination, point, practitioner):
    close_examination(examination=examination, by=practitioner)
    page = practitioner_client.get(reverse("assessment:examination", args=[examination.public_id]))
    assert "This examination is closed" in page.text
    assert "Correct or remove" not in page.text
    assert "Record trigger point" not in page.text
    edit = practitioner_client.post(
        reverse("assessment:trigger_point_edit", args=[point.public_id]), {"action": "remove", "remove-reason": "x y z"}
    )
    assert edit.status_code == 200
    assert TriggerPointFinding.objects.filter(pk=point.pk).exists()


# ---- the 2018 consensus ---------------------------------------------------------------------------


def test_the_consensus_shows_which_criteria_were_met():
    two = findings.consensus({"taut_band": True, "spot_tenderness": True, "referred_pain": False})
    assert two.meets
    assert two.count == 2
    assert [c.label for c in two.met] == ["taut band", "hypersensitive spot"]
    assert [c.label for c in two.missing] == ["referred pain or sensation"]
    one = findings.consensus({"taut_band": True})
    assert not one.meets
    assert one.count == 1


def test_each_trigger_point_shows_its_consensus_on_the_page(practitioner_client, examination, practitioner):
    record_trigger_point(examination=examination, **POINT, spot_tenderness=True, by=practitioner)
    record_trigger_point(examination=examination, **(POINT | {"muscle": "levator-scapulae"}), by=practitioner)
    page = practitioner_client.get(reverse("assessment:examination", args=[examination.public_id])).text
    assert page.count("meets the consensus") == 1
    assert page.count("below the consensus") == 1
    assert "✓ hypersensitive spot" in page
    assert "✗ referred pain or sensation" in page


# ---- perpetuating factors -------------------------------------------------------------------------


def test_perpetuating_factors_are_recorded_from_the_list(examination, practitioner):
    record_perpetuating_factors(
        examination=examination, perpetuating_factors=["leg_length_inequality", "vitamin_d"], by=practitioner
    )
    examination.refresh_from_db()
    assert examination.perpetuating_factors == ["leg_length_inequality", "vitamin_d"]
    with pytest.raises(ClinicRuleError, match="from the list"):
        record_perpetuating_factors(examination=examination, perpetuating_factors=["bad_luck"], by=practitioner)


def test_every_perpetuating_factor_cites_a_written_up_source():
    import yaml

    data = yaml.safe_load(findings.DATA.read_text(encoding="utf-8"))
    groups = {f["group"] for f in data["perpetuating_factors"]}
    assert groups == {"mechanical", "systemic"}
    for factor in data["perpetuating_factors"]:
        assert factor["source"], factor["id"]
        assert set(factor["source"]) <= set(data["sources"]), factor["id"]


def test_the_examination_page_saves_factors_beside_what_the_patient_reported(
    practitioner_client, clinic_a, practitioner
):
    from knotwork.assessment.services import start_intake, submit_intake
    from knotwork.assessment.tests.factories import screen_answers

    patient = PatientFactory(clinic=clinic_a)
    intake = start_intake(patient=patient, by=practitioner)
    submit_intake(
        intake=intake,
        chief_complaint="Low back pain",
        complaint_area="low_back",
        pain_now=5,
        activating_factors=["stress"],
        perpetuating_factors=["prolonged_immobility"],
        answers=screen_answers(),
        by=practitioner,
    )
    examination = start_examination(patient=patient, by=practitioner)
    url = reverse("assessment:examination", args=[examination.public_id])
    page = practitioner_client.get(url).text
    assert "Prolonged immobility (long sitting, little movement)" in page
    assert "Stress" in page
    practitioner_client.post(
        url, {"action": "factors", "pf-perpetuating_factors": ["small_hemipelvis", "hypothyroidism"]}
    )
    examination.refresh_from_db()
    assert examination.perpetuating_factors == ["small_hemipelvis", "hypothyroidism"]


# ---- the correction pages -------------------------------------------------------------------------


def test_the_correction_page_corrects_a_point_and_shows_its_history(practitioner_client, point):
    url = reverse("assessment:trigger_point_edit", args=[point.public_id])
    assert "Correct it" in practitioner_client.get(url).text
    data = {**POINT, "taut_band": "on", "spot_tenderness": "on", "palpation_pain": 7, "action": "correct"}
    data["reason"] = "Second palpation"
    response = practitioner_client.post(url, data)
    assert response.status_code == 302
    exam_page = practitioner_client.get(response.url).text
    assert "History: corrected 1 time" in exam_page
    assert "Second palpation" in exam_page


def test_the_correction_page_keeps_what_was_typed_when_refused(practitioner_client, point):
    url = reverse("assessment:trigger_point_edit", args=[point.public_id])
    data = {**POINT, "taut_band": "on", "action": "correct", "ppt_value": "999", "ppt_unit": "kg_cm2"}
    data["notes"] = "Keep this note"
    page = practitioner_client.post(url, data)
    assert "beyond what an algometer reads" in page.text
    assert "Keep this note" in page.text
    point.refresh_from_db()
    assert point.ppt_value is None


def test_the_removal_form_asks_for_a_reason(practitioner_client, rom):
    url = reverse("assessment:range_of_motion_edit", args=[rom.public_id])
    refused = practitioner_client.post(url, {"action": "remove", "remove-reason": ""})
    assert "Write why this entry is removed" in refused.text
    assert RangeOfMotion.objects.filter(pk=rom.pk).exists()
    done = practitioner_client.post(url, {"action": "remove", "remove-reason": "Wrong side measured"})
    assert done.status_code == 302
    page = practitioner_client.get(done.url).text
    assert "Removed ranges of motion (1)" in page
    assert "Wrong side measured" in page


def test_the_diagnosis_page_replaces_a_code(practitioner_client, examination, practitioner):
    diagnosis = add_diagnosis(examination=examination, code="M79.11", is_primary=True, by=practitioner)
    url = reverse("assessment:diagnosis_edit", args=[diagnosis.public_id])
    response = practitioner_client.post(url, {"action": "correct", "dx-code": "M79.12", "dx-reason": "Neck pain"})
    assert response.status_code == 302
    assert list(examination.diagnoses.values_list("code", flat=True)) == ["M79.12"]


def test_front_desk_cannot_open_a_correction_page(front_desk_client, point):
    assert front_desk_client.get(reverse("assessment:trigger_point_edit", args=[point.public_id])).status_code == 403


def test_another_clinic_cannot_find_a_finding(practitioner_b_client, point):
    assert (
        practitioner_b_client.get(reverse("assessment:trigger_point_edit", args=[point.public_id])).status_code == 404
    )


def test_the_examination_page_stays_flat_as_entries_and_history_grow(practitioner_client, examination, practitioner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("assessment:examination", args=[examination.public_id])

    def add_entries(n):
        for i in range(n):
            point = record_trigger_point(examination=examination, **POINT, by=practitioner)
            correct_trigger_point(finding=point, palpation_pain=i % 10, reason="Again", by=practitioner)
            rom = record_range_of_motion(examination=examination, movement="Hip flexion", degrees=90, by=practitioner)
            remove_range_of_motion(rom=rom, reason="Wrong hip", by=practitioner)

    add_entries(1)
    practitioner_client.get(url)
    with CaptureQueriesContext(connection) as few:
        practitioner_client.get(url)
    add_entries(4)
    with CaptureQueriesContext(connection) as many:
        practitioner_client.get(url)
    assert len(many) == len(few)


def test_a_correction_and_a_removal_are_in_the_audit_trail(point, practitioner):
    from django.contrib.contenttypes.models import ContentType

    from knotwork.audit.models import AuditEntry

    correct_trigger_point(finding=point, weakness=True, reason="Tested again", by=practitioner)
    remove_trigger_point(finding=point, reason="Wrong muscle", by=practitioner)
    finding_type = ContentType.objects.get_for_model(TriggerPointFinding)
    changes = AuditEntry.objects.filter(content_type=finding_type, object_pk=str(point.pk), action=1)
    assert changes.count() == 2
    revision_type = ContentType.objects.get_for_model(ExaminationRevision)
    assert AuditEntry.objects.filter(content_type=revision_type, action=0).count() == 2
