"""The session's rough edges (issue 12): hold limits, needle depth, the note's draft and amendments, the wording."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from knotwork.assessment import services as assessment
from knotwork.assessment.models import ConsentForm
from knotwork.assessment.screening import get_ruleset
from knotwork.core.errors import ClinicRuleError
from knotwork.patients.tests.factories import PatientFactory, as_patient
from knotwork.treatment import needledepth, pressure, services
from knotwork.treatment.models import Hold
from knotwork.treatment.tests.test_session import needle_data, screened


def _hold(point, by, *, level, answer="good_pain", seconds=20, measured=False):
    end = timezone.now()
    return services.record_hold(
        point=point,
        by=by,
        started_at=end - datetime.timedelta(seconds=seconds),
        ended_at=end,
        level=level,
        tool="thumb",
        answer=answer,
        measured=measured,
    )


def _patient_with_build(clinic, by, *, height_cm, weight_kg):
    """A screened patient with needling consent whose intake gives height and weight."""
    patient = PatientFactory(clinic=clinic, date_of_birth=datetime.date(1980, 1, 1))
    answers = {q.id: False for q in get_ruleset().questions.values() if q.type == "yes_no"}
    intake = assessment.start_intake(patient=patient, by=by)
    assessment.submit_intake(
        intake=intake,
        chief_complaint="Upper back pain",
        complaint_area="thoracic",
        pain_now=5,
        answers=answers | {"height_cm": height_cm, "weight_kg": weight_kg},
        by=by,
    )
    assessment.ensure_consent_forms(clinic=clinic, by=by)
    version = ConsentForm.objects.get(clinic=clinic, technique="dry_needling").versions.get()
    assessment.sign_consent(
        patient=patient,
        version=version,
        signed_name="Pat",
        signature="M1 1 L2 2",
        shown_hash=version.body_hash,
        by=as_patient(patient),
    )
    return patient


# --- pressure and holds ---------------------------------------------------------------------------------------


@given(level=st.floats(0, pressure.MAX_KG), answer=st.sampled_from(["too_little", "good_pain", "too_much", "referral"]))
def test_an_algometer_suggestion_never_passes_the_highest_reading_a_hold_accepts(level, answer):
    suggestion = pressure.suggest_next(level, answer, measured=True).level
    assert 0 <= suggestion <= pressure.MAX_KG


def test_too_little_at_the_top_algometer_reading_suggests_the_top_and_it_saves(clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    point = services.add_point(session=session, muscle="infraspinatus", side="left", by=practitioner)
    first = _hold(point, practitioner, level=Decimal("19.8"), answer="too_little", measured=True)
    assert first.suggested_level == Decimal("20.0")  # not 20.3, which the next save would refuse
    second = _hold(point, practitioner, level=first.suggested_level, answer="too_little", measured=True)
    assert second.followed_suggestion is True
    assert second.suggested_level == Decimal("20.0")
    with pytest.raises(ClinicRuleError, match="between 0 and 20 kg/cm²"):
        _hold(point, practitioner, level=Decimal("20.5"), measured=True)


def test_a_clinic_may_hold_for_90_seconds_and_a_longer_hold_is_still_saved(clinic_a, practitioner):
    clinic_a.settings.hold_seconds_max = 90
    clinic_a.settings.full_clean()
    clinic_a.settings.save()
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    point = services.add_point(session=session, muscle="upper-trapezius", side="right", by=practitioner)
    assert _hold(point, practitioner, level=5, seconds=90).seconds == 90
    assert _hold(point, practitioner, level=5, seconds=100).seconds == 100  # past the clinic's longest: warned only
    assert Hold.objects.filter(point=point).count() == 2


# --- needle depth -----------------------------------------------------------------------------------------------


def test_the_depth_zones_cite_sources_and_cover_the_chest_wall():
    rules = needledepth.get_rules()
    chest = rules.zone_for("between-scapulae")
    assert chest is not None
    assert chest.limit(slim=True) < chest.limit(slim=False)
    for area in ("shoulder-top", "side-neck", "chest", "side-chest", "mid-back"):
        assert rules.zone_for(area) is chest
    assert rules.zone_for("calf") is None
    with pytest.raises(needledepth.NeedleDepthDataError, match="sources not defined"):
        needledepth.load_rules(
            {
                "sources": {},
                "slim_build": {"bmi_below": 18.5},
                "zones": [
                    {"id": "x", "label": "x", "areas": ["chest"], "limit_mm": 15, "slim_limit_mm": 10}
                    | {"advice": "", "source": ["NOPE"]}
                ],
            }
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"depth_mm": 60, "length_mm": 50}, r"beyond the needle's length \(50 mm\)"),
        ({"depth_mm": 0}, "at least 1 mm"),
        ({"twitch_responses": -1}, "twitch responses cannot be negative"),
        ({"dwell_seconds": -5}, "dwell time cannot be negative"),
    ],
)
def test_impossible_needling_numbers_are_refused(clinic_a, practitioner, change, message):
    patient = screened(clinic_a, practitioner, consents=("dry_needling",))
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    with pytest.raises(ClinicRuleError, match=message):
        services.record_needling(session=session, **needle_data(**change), by=practitioner)
    assert not session.needling.exists()


def test_a_depth_past_the_safe_depth_over_the_lung_is_recorded_and_marked(clinic_a, practitioner):
    patient = screened(clinic_a, practitioner, consents=("dry_needling",))
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    shallow = services.record_needling(
        session=session, **needle_data(muscle="rhomboids", depth_mm=12, length_mm=30), by=practitioner
    )
    assert (shallow.safe_depth_mm, shallow.past_safe_depth) == (15, False)
    deep = services.record_needling(
        session=session, **needle_data(muscle="rhomboids", depth_mm=25, length_mm=30), by=practitioner
    )
    assert (deep.safe_depth_mm, deep.past_safe_depth) == (15, True)
    calf = services.record_needling(session=session, **needle_data(depth_mm=45), by=practitioner)
    assert (calf.safe_depth_mm, calf.past_safe_depth) == (None, False)  # no lung under the calf
    note = services.finish_session(session=session, by=practitioner, pain_after=3)
    assert "depth 25 mm (past the safe depth of 15 mm over the lung)" in note.objective
    assert "depth 12 mm, " in note.objective


def test_a_slim_build_lowers_the_safe_depth_and_a_marked_site_counts_over_the_muscle(clinic_a, practitioner):
    slim = _patient_with_build(clinic_a, practitioner, height_cm=175, weight_kg=52)  # BMI 17.0
    usual = _patient_with_build(clinic_a, practitioner, height_cm=175, weight_kg=75)  # BMI 24.5
    assert services.slim_build(slim)
    assert not services.slim_build(usual)
    for patient, expected in ((slim, (10, True)), (usual, (15, False))):
        session = services.start_session(patient=patient, by=practitioner, pain_before=6)
        entry = services.record_needling(
            session=session, **needle_data(muscle="rhomboids", depth_mm=12, length_mm=30), by=practitioner
        )
        assert (entry.safe_depth_mm, entry.past_safe_depth) == expected
    # The soleus needled at a site marked on the chest (an odd mark, but the mark is where the needle went).
    session = services.start_session(patient=usual, by=practitioner, pain_before=6)
    marked = services.record_needling(
        session=session,
        **needle_data(region="right-chest", view="front", x=200.0, y=200.0, depth_mm=20),
        by=practitioner,
    )
    assert marked.past_safe_depth


def _needle_post(**changes):
    data = {
        "action": "needle",
        "dn-muscle": "rhomboids",
        "dn-side": "right",
        "dn-diameter_mm": "0.25",
        "dn-length_mm": 30,
        "dn-technique": "pistoning",
        "dn-depth_mm": 20,
        "dn-twitch_responses": 2,
        "dn-dwell_seconds": 0,
        "dn-clean_technique": "on",
        "dn-needles_in": 1,
        "dn-needles_out": 1,
        "dn-follow_up": "Checked breathing after",
    }
    return data | changes


def test_the_session_page_refuses_a_depth_beyond_the_needle_and_keeps_what_was_typed(
    practitioner_client, clinic_a, practitioner
):
    patient = screened(clinic_a, practitioner, consents=("dry_needling",))
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    url = reverse("treatment:session", args=[session.public_id])
    page = practitioner_client.post(url, _needle_post(**{"dn-depth_mm": 40}))
    assert page.status_code == 200
    assert "beyond the needle&#x27;s length (30 mm)" in page.text
    assert 'value="Checked breathing after"' in page.text  # nothing typed is lost
    negative = practitioner_client.post(url, _needle_post(**{"dn-depth_mm": -4}))
    assert "A needling depth is at least 1 mm" in negative.text
    assert not session.needling.exists()


def test_the_session_page_warns_after_a_depth_past_the_safe_depth_and_names_the_muscle(
    practitioner_client, clinic_a, practitioner
):
    patient = screened(clinic_a, practitioner, consents=("dry_needling",))
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    url = reverse("treatment:session", args=[session.public_id])
    page = practitioner_client.post(url, _needle_post(), follow=True)
    assert "Recorded 20 mm over the chest wall" in page.text
    assert "past the safe depth of 15 mm" in page.text
    # the atlas name, not the id
    assert "Rhomboid major and minor (right): 0.25\N{MULTIPLICATION SIGN}30 mm" in page.text
    assert "needle-depth-zones" in page.text  # the zones the page checks a depth against as it is typed


# --- the start override, the wording and the note -----------------------------------------------------------------


def test_a_session_started_without_a_screen_does_not_claim_a_red_flag_was_overridden(
    practitioner_client, clinic_a, practitioner
):
    unscreened = PatientFactory(clinic=clinic_a)
    session = services.start_session(
        patient=unscreened, by=practitioner, pain_before=5, override_reason="Screen by phone, form to follow today."
    )
    page = practitioner_client.get(reverse("treatment:session", args=[session.public_id]))
    assert "Started without a safety screen" in page.text
    assert "Red flag hold overridden" not in page.text

    red = next(r for r in get_ruleset().rules if r.kind == "red_flag" and "any" in r.applies_to and "any" in r.when)
    flagged = screened(clinic_a, practitioner, yes=[red.when["any"][0]])
    session = services.start_session(
        patient=flagged, by=practitioner, pain_before=5, override_reason="Cleared by the GP this morning, letter seen."
    )
    page = practitioner_client.get(reverse("treatment:session", args=[session.public_id]))
    assert "Red flag hold overridden at the start" in page.text


def test_heat_or_cold_without_consent_reads_as_words(clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=5)
    with pytest.raises(services.GuardError, match="no signed consent to heat or cold"):
        services.record_technique(session=session, kind="heat", minutes=10, by=practitioner)


def test_the_draft_carries_every_technique_setting_and_the_examination(clinic_a, practitioner, owner):
    patient = screened(clinic_a, practitioner, consents=("manual_therapy", "tens"))
    examination = assessment.start_examination(patient=patient, by=practitioner)
    assessment.record_trigger_point(
        examination=examination,
        muscle="upper-trapezius",
        side="right",
        region="right-shoulder-top",
        view="back",
        x=250.0,
        y=180.0,
        taut_band=True,
        spot_tenderness=True,
        pain_recognised=True,
        ppt_value=Decimal("2.5"),
        ppt_unit="kg_cm2",
        by=practitioner,
    )
    assessment.record_range_of_motion(
        examination=examination, movement="Cervical rotation", side="left", degrees=60, painful=True, by=practitioner
    )
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    services.record_technique(
        session=session,
        kind="tens",
        minutes=20,
        region="upper back",
        tens_frequency_hz=100,
        tens_pulse_us=200,
        tens_intensity_ma=25,
        attended=False,
        electrodes=[{"region": "right-shoulder-top", "view": "back", "x": 250.0, "y": 180.0}] * 4,
        by=practitioner,
    )
    note = services.finish_session(session=session, by=practitioner, pain_after=3)
    assert (
        "TENS: 20 min, upper back, 100 Hz, pulse width 200 µs, intensity 25 mA, 4 electrodes, unattended."
        in note.objective
    )
    assert (
        "Examination: Upper trapezius (right), active trigger point: taut band, spot tenderness, PPT 2.5 kg/cm²."
        in note.objective
    )
    assert "Examination range of motion: Cervical rotation (left) 60°, painful." in note.objective


def test_amendments_are_numbered_one_two_three_on_the_note(practitioner_client, clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    note = services.finish_session(session=session, by=practitioner, pain_after=3)
    services.sign_note(note=note, by=practitioner, version=note.version)
    for n in (1, 2):
        services.amend_note(note=note, reason=f"Correction {n}", plan=f"Plan v{n}", by=practitioner)
    page = practitioner_client.get(reverse("treatment:note", args=[session.public_id]))
    assert "Current text (amendment 2)" in page.text
    assert "Amendment 1 —" in page.text
    assert "Amendment 2 —" in page.text
    assert "Amendment 3" not in page.text
    assert "Signed text —" in page.text
