import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from knotwork.assessment import services as assessment
from knotwork.assessment.models import ConsentForm
from knotwork.assessment.screening import get_ruleset
from knotwork.core.errors import ClinicRuleError
from knotwork.patients.tests.factories import PatientFactory, as_patient
from knotwork.treatment import services
from knotwork.treatment.models import Hold, NoteRevision, SessionStatus


def now():
    return timezone.now()


def screened(clinic, by, *, yes=(), consents=("manual_therapy",)):
    patient = PatientFactory(clinic=clinic, date_of_birth=datetime.date(1980, 1, 1))
    answers = {q.id: False for q in get_ruleset().questions.values() if q.type == "yes_no"} | dict.fromkeys(yes, True)
    intake = assessment.start_intake(patient=patient, by=by)
    assessment.submit_intake(
        intake=intake,
        chief_complaint="Neck pain",
        complaint_area="neck",
        pain_now=6,
        answers=answers,
        by=by,
    )
    assessment.ensure_consent_forms(clinic=clinic, by=by)
    for technique in consents:
        version = ConsentForm.objects.get(clinic=clinic, technique=technique).versions.get()
        assessment.sign_consent(
            patient=patient,
            version=version,
            signed_name="Pat",
            signature="M1 1 L2 2",
            shown_hash=version.body_hash,
            by=as_patient(patient),
        )
    return patient


def needle_data(**changes) -> dict:
    """One dry needling entry of the right soleus, with any field changed."""
    data = {
        "muscle": "soleus",
        "side": "right",
        "diameter_mm": "0.30",
        "length_mm": 50,
        "technique": "pistoning",
        "depth_mm": 30,
        "needles_in": 2,
        "needles_out": 2,
        "clean_technique": True,
    }
    return data | changes


def hold(point, by, level, answer, seconds=20):
    return services.record_hold(
        point=point,
        by=by,
        started_at=now() - datetime.timedelta(seconds=seconds),
        ended_at=now(),
        level=level,
        tool="thumb",
        answer=answer,
    )


def test_a_session_cannot_start_on_an_open_red_flag_without_a_documented_override(clinic_a, practitioner):
    red = next(r for r in get_ruleset().rules if r.kind == "red_flag" and "any" in r.applies_to and "any" in r.when)
    patient = screened(clinic_a, practitioner, yes=[red.when["any"][0]])
    with pytest.raises(services.GuardError, match="open red flag"):
        services.start_session(patient=patient, by=practitioner, pain_before=6)
    session = services.start_session(
        patient=patient,
        by=practitioner,
        pain_before=6,
        override_reason="Seen by the GP today; cleared for soft tissue work.",
    )
    assert session.overrides.get().technique == "all"
    # Waiving the red-flag hold does not waive consent: dry needling was never consented.
    with pytest.raises(services.GuardError, match="no signed consent to dry needling"):
        services.record_needling(session=session, **needle_data(), by=practitioner)
    point = services.add_point(session=session, muscle="upper-trapezius", side="right", by=practitioner)
    hold(point, practitioner, 5, "good_pain")  # manual therapy is consented, and the hold was waived


def test_holds_follow_the_suggestion_rule_and_release_the_point(clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    point = services.add_point(session=session, muscle="upper-trapezius", side="right", by=practitioner)
    first = hold(point, practitioner, 5, "too_little")
    second = hold(point, practitioner, 6, "too_much")
    third = hold(point, practitioner, 5, "better")
    assert (first.suggested_level, second.suggested_level, third.suggested_level) == (6, 4, None)
    assert (first.followed_suggestion, second.followed_suggestion, third.followed_suggestion) == (None, True, False)
    point.refresh_from_db()
    assert point.released == "softened"
    with pytest.raises(ClinicRuleError, match="already released"):
        hold(point, practitioner, 5, "good_pain")


def test_a_technique_without_consent_needs_an_override(clinic_a, practitioner):
    patient = screened(clinic_a, practitioner, consents=())
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    point = services.add_point(session=session, muscle="upper-trapezius", side="right", by=practitioner)
    with pytest.raises(services.GuardError, match="no signed consent to manual therapy"):
        hold(point, practitioner, 5, "good_pain")
    assert not Hold.objects.exists()
    services.override_technique(
        session=session, technique="manual_therapy", reason="Verbal consent recorded; form to follow.", by=practitioner
    )
    hold(point, practitioner, 5, "good_pain")


def test_a_contraindicated_technique_is_refused(clinic_a, practitioner):
    rule = next(
        r
        for r in get_ruleset().rules
        if r.kind == "contraindication"
        and r.technique == "dry_needling"
        and "any" in r.applies_to
        and isinstance(r.when, dict)
        and "any" in r.when
    )
    patient = screened(clinic_a, practitioner, yes=[rule.when["any"][0]], consents=("dry_needling",))
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    data = needle_data()
    with pytest.raises(services.GuardError, match="Contraindication: "):
        services.record_needling(session=session, **data, by=practitioner)


def test_needles_must_be_counted_in_and_out(clinic_a, practitioner):
    patient = screened(clinic_a, practitioner, consents=("dry_needling",))
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    data = needle_data(needles_in=3)
    with pytest.raises(ClinicRuleError, match="Needles out must equal needles in"):
        services.record_needling(session=session, **data, by=practitioner)


def test_the_note_is_drafted_signed_then_only_amended(clinic_a, practitioner, owner):
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=7)
    point = services.add_point(session=session, muscle="upper-trapezius", side="right", by=practitioner)
    hold(point, practitioner, 5, "good_pain", seconds=25)
    note = services.finish_session(session=session, by=practitioner, pain_after=4)
    assert "Upper trapezius (right): 1 hold(s), 25 s" in note.objective
    assert "Pain 7/10 before, 4/10 after." in note.assessment
    saved = services.save_note_draft(note=note, plan="Review in 3 days.", version=1, by=practitioner)
    with pytest.raises(services.NoteConflict):
        services.save_note_draft(note=note, plan="Older screen", version=1, by=owner)
    services.sign_note(note=saved, by=practitioner, version=saved.version)
    session.refresh_from_db()
    assert session.status == SessionStatus.SIGNED
    with pytest.raises(ClinicRuleError, match="signed note cannot be edited"):
        services.save_note_draft(note=saved, plan="x", version=saved.version, by=practitioner)
    with pytest.raises(ClinicRuleError, match="changes nothing"):
        services.amend_note(note=saved, reason="no change at all", by=practitioner)
    services.amend_note(note=saved, plan="Review in 4 days.", reason="Rebooked", by=practitioner)
    revisions = list(NoteRevision.objects.filter(note=saved).order_by("number"))
    assert [r.plan for r in revisions] == ["Review in 3 days.", "Review in 4 days."]


def test_billing_lines_follow_what_was_recorded(clinic_a, practitioner):
    patient = screened(clinic_a, practitioner, consents=("manual_therapy", "dry_needling", "heat_cold"))
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    for muscle in ("soleus", "gastrocnemius", "upper-trapezius"):
        services.record_needling(
            session=session,
            muscle=muscle,
            side="right",
            diameter_mm="0.25",
            length_mm=40,
            technique="static",
            depth_mm=20,
            needles_in=1,
            needles_out=1,
            clean_technique=True,
            by=practitioner,
        )
    services.record_technique(session=session, kind="pressure", minutes=23, by=practitioner)
    services.record_technique(session=session, kind="heat", minutes=10, by=practitioner)
    lines = [(line.code, line.units) for line in services.billing_lines(session)]
    assert lines == [("20561", 1), ("97140", 2), ("97010", 1)]
    services.record_technique(session=session, kind="massage", minutes=7, by=practitioner)
    assert ("97124", 1) not in [(line.code, line.units) for line in services.billing_lines(session)]
    clinic_a.settings.billing_method = "ama"  # each code on its own: 7 minutes of massage earns no unit either way,
    clinic_a.settings.save()  # but 23 minutes of pressure release is 2 units by AMA too
    session.patient.clinic.settings.refresh_from_db()
    assert [(line.code, line.units) for line in services.billing_lines(session)][:2] == [("20561", 1), ("97140", 2)]


def test_the_hold_api_saves_each_hold_and_answers_the_suggestion(practitioner_client, clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    point = services.add_point(session=session, muscle="upper-trapezius", side="right", by=practitioner)
    url = f"/api/v1/treatment/points/{point.public_id}/holds"
    body = {
        "started_at": now().isoformat(),
        "ended_at": (now() + datetime.timedelta(seconds=18)).isoformat(),
        "level": 5,
        "tool": "thumb",
        "answer": "too_little",
    }
    response = practitioner_client.post(url, body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["holds"][0]["suggested_level"] == "6.0"
    bad = practitioner_client.post(url, {**body, "answer": "meh"}, content_type="application/json")
    assert bad.status_code == 422
    assert Hold.objects.count() == 1


def test_front_desk_cannot_record_treatment(front_desk_client, clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    assert front_desk_client.get(reverse("treatment:session", args=[session.public_id])).status_code == 403


def test_the_aftercare_sheet_names_the_treated_muscles_their_stretch_and_the_clinic_window(
    practitioner_client, clinic_a, practitioner
):
    from knotwork.atlas.catalog import get_atlas

    clinic_a.settings.soreness_fade_hours_max = 48
    clinic_a.settings.save()
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    point = services.add_point(session=session, muscle="upper-trapezius", side="right", by=practitioner)
    hold(point, practitioner, 5, "better")
    services.finish_session(session=session, by=practitioner, pain_after=3)
    page = practitioner_client.get(reverse("reports:aftercare", args=[session.public_id]))
    assert "Upper trapezius" in page.text
    assert get_atlas().muscles["upper-trapezius"].self_care[:40] in page.text
    assert "still strong after 48 hours" in page.text


def test_the_aftercare_sheet_downloads_as_a_pdf(practitioner_client, clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    point = services.add_point(session=session, muscle="soleus", side="left", by=practitioner)
    hold(point, practitioner, 5, "better")
    response = practitioner_client.get(reverse("reports:aftercare_pdf", args=[session.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 5000


def test_needling_a_muscle_over_the_lung_shows_its_safety_note(practitioner_client, clinic_a, practitioner):
    from knotwork.atlas.catalog import get_atlas

    assert services.is_high_risk(get_atlas().muscles["upper-trapezius"])
    assert not services.is_high_risk(get_atlas().muscles["soleus"])
    patient = screened(clinic_a, practitioner, consents=("dry_needling",))
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    url = reverse("treatment:session", args=[session.public_id])
    data = {
        "action": "needle",
        "dn-muscle": "upper-trapezius",
        "dn-side": "right",
        "dn-diameter_mm": "0.25",
        "dn-length_mm": 30,
        "dn-technique": "pistoning",
        "dn-depth_mm": 15,
        "dn-twitch_responses": 2,
        "dn-dwell_seconds": 0,
        "dn-clean_technique": "on",
        "dn-needles_in": 1,
        "dn-needles_out": 1,
    }
    page = practitioner_client.post(
        url, {**data, "dn-region": "right-shoulder-top", "dn-view": "back", "dn-x": 250, "dn-y": 180}, follow=True
    )
    assert "pneumothorax" in page.text.lower()
    assert session.needling.get().region == "right-shoulder-top"


def test_an_algometer_hold_suggests_in_kg_and_rom_after_reaches_the_note(practitioner_client, clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    point = services.add_point(session=session, muscle="infraspinatus", side="left", by=practitioner)
    url = f"/api/v1/treatment/points/{point.public_id}/holds"
    body = {
        "started_at": now().isoformat(),
        "ended_at": (now() + datetime.timedelta(seconds=25)).isoformat(),
        "level": 3.2,
        "measured": True,
        "tool": "instrument",
        "answer": "too_little",
    }
    held = practitioner_client.post(url, body, content_type="application/json").json()
    assert held["holds"][0]["suggested_level"] == "3.7"
    page = practitioner_client.get(reverse("treatment:session", args=[session.public_id]))
    assert 'value="3.7"' in page.text
    finish = {
        "action": "finish",
        "end-pain_after": 3,
        "end-rom_movement": "Shoulder external rotation",
        "end-rom_side": "left",
        "end-rom_degrees": 70,
    }
    practitioner_client.post(reverse("treatment:session", args=[session.public_id]), finish)
    session.refresh_from_db()
    assert "Range of motion after: Shoulder external rotation (left) 70°." in session.note.objective


def test_only_a_physician_records_an_injection_and_it_bills_as_a_trigger_point_injection(
    clinic_a, practitioner, owner_client, owner
):
    from knotwork.clinics.services import set_physician

    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    services.override_technique(
        session=session, technique="injection", reason="Consent for injection signed on paper today.", by=practitioner
    )
    data = {"kind": "injection", "minutes": 5, "muscle": "upper-trapezius", "substance": "Lidocaine 1%", "dose": "1 mL"}
    with pytest.raises(PermissionDenied, match="Only a physician"):
        services.record_technique(session=session, **data, by=practitioner)
    owner_client.post(
        reverse("accounts:member_physician", args=[practitioner.membership.public_id]), {"physician": "yes"}
    )
    practitioner.membership.refresh_from_db()
    services.record_technique(session=session, **data, by=practitioner)
    assert ("20552", 1) in [(line.code, line.units) for line in services.billing_lines(session)]
    from knotwork.accounts.tests.factories import UserFactory
    from knotwork.clinics.services import add_member

    desk = add_member(clinic=clinic_a, user=UserFactory(), role="front_desk", by=owner)
    with pytest.raises(ClinicRuleError, match="Front-desk"):
        set_physician(membership=desk, is_physician=True, by=owner)


def test_an_injection_consent_cannot_be_signed_until_the_clinic_writes_it(practitioner_client, clinic_a, practitioner):
    patient = screened(clinic_a, practitioner, consents=())
    page = practitioner_client.get(reverse("assessment:consent_sign", args=[patient.public_id, "injection"]))
    assert "has not written this consent text yet" in page.text


def test_points_and_tens_electrodes_are_placed_on_the_body_map(practitioner_client, clinic_a, practitioner):
    import json

    patient = screened(clinic_a, practitioner, consents=("manual_therapy", "tens"))
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    url = reverse("treatment:session", args=[session.public_id])
    practitioner_client.post(
        url,
        {
            "action": "point",
            "pt-muscle": "soleus",
            "pt-side": "left",
            "pt-region": "left-calf",
            "pt-view": "back",
            "pt-x": 160.5,
            "pt-y": 820.0,
        },
    )
    point = session.points.get()
    assert (point.region, point.x, point.y) == ("left-calf", 160.5, 820.0)
    electrodes = [
        {"region": "left-calf", "view": "back", "x": 160, "y": 800},
        {"region": "left-calf", "view": "back", "x": 162, "y": 850},
    ]
    tens = {
        "action": "technique",
        "tx-kind": "tens",
        "tx-minutes": 20,
        "tx-attended": "",
        "tx-tens_frequency_hz": 100,
        "tx-tens_pulse_us": 150,
        "tx-tens_intensity_ma": 20,
        "tx-electrodes": json.dumps(electrodes),
    }
    practitioner_client.post(url, tens)
    entry = session.techniques.get()
    assert len(entry.electrodes) == 2
    bad = practitioner_client.post(
        url, {**tens, "tx-electrodes": json.dumps([{"region": "moon", "view": "back", "x": 1, "y": 1}])}
    )
    assert "off the body map" in bad.text
    assert session.techniques.count() == 1
    assert ("G0283", 1) not in [(line.code, line.units) for line in services.billing_lines(session)]
    assert ("97014", 1) in [(line.code, line.units) for line in services.billing_lines(session)]


def test_implausible_or_repeated_holds_are_not_recorded(practitioner_client, clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    point = services.add_point(session=session, muscle="upper-trapezius", side="right", by=practitioner)
    url = f"/api/v1/treatment/points/{point.public_id}/holds"
    start = now() - datetime.timedelta(seconds=20)
    body = {
        "client_id": "6f1c2b9e-7a51-4c1e-9a43-3d2f0c2a1b11",
        "started_at": start.isoformat(),
        "ended_at": now().isoformat(),
        "level": 5,
        "tool": "thumb",
        "answer": "too_much",
    }
    assert practitioner_client.post(url, body, content_type="application/json").status_code == 201
    assert practitioner_client.post(url, body, content_type="application/json").status_code == 201  # a double tap
    assert Hold.objects.count() == 1
    second = {**body, "client_id": "0b8e5d3a-2f4c-4e7b-8d1a-5c6f7e8a9b0c"}
    assert practitioner_client.post(url, second, content_type="application/json").status_code == 201  # the next hold
    answer = practitioner_client.post(url, body, content_type="application/json")  # the first, retried late
    assert [hold["number"] for hold in answer.json()["holds"]] == [1, 2]
    cases = [
        {"started_at": "0001-01-01T00:00:00+00:00", "client_id": None},
        {"ended_at": (now() + datetime.timedelta(days=10)).isoformat(), "client_id": None},
        {"started_at": start.replace(tzinfo=None).isoformat(), "client_id": None},
    ]
    for change in cases:
        response = practitioner_client.post(url, {**body, **change}, content_type="application/json")
        assert response.status_code in (409, 422), response.content
    assert Hold.objects.count() == 2


def test_starting_a_session_marks_todays_appointment_attended(practitioner_client, clinic_a, owner, practitioner):
    from knotwork.scheduling import services as scheduling
    from knotwork.scheduling.models import AppointmentStatus

    patient = screened(clinic_a, practitioner)
    kind = scheduling.create_appointment_type(clinic=clinic_a, name="Treatment", duration_minutes=45, by=owner)
    soon = timezone.now().replace(second=0, microsecond=0)
    soon -= datetime.timedelta(minutes=soon.minute % 5)
    appointment = scheduling.book_appointment(
        patient=patient,
        practitioner=practitioner,
        appointment_type=kind,
        starts_at=soon,
        by=owner,
        allow_outside_hours=True,
    )
    practitioner_client.post(reverse("treatment:start", args=[patient.public_id]), {"pain_before": 5})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED
    assert appointment.session == patient.sessions.get()
