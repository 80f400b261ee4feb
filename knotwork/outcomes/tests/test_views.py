import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from knotwork.outcomes import services
from knotwork.outcomes.models import QuestionnaireResponse, QuestionnaireText
from knotwork.outcomes.tests.isolation import wording_file
from knotwork.patients.tests.factories import PatientFactory
from knotwork.treatment.models import TreatmentSession


@pytest.fixture
def patient(clinic_a):
    return PatientFactory(clinic=clinic_a, first_name="Olwen", last_name="Outcome")


def record_url(patient, instrument, occasion="intake", **extra):
    query = "&".join(f"{k}={v}" for k, v in {"instrument": instrument, "occasion": occasion, **extra}.items())
    return reverse("outcomes:record", args=[patient.public_id]) + "?" + query


def items(*answers) -> dict:
    return {f"item_{n}": "" if a is None else str(a) for n, a in enumerate(answers, 1)}


def test_an_oswestry_saved_from_the_form_shows_its_score_and_band(practitioner_client, patient):
    response = practitioner_client.post(record_url(patient, "odi"), items(1, 2, 3, 0, 1, 2, 3, 4, 5, 0), follow=True)
    saved = QuestionnaireResponse.objects.get()
    assert saved.occasion == "intake"
    assert saved.recorded_by.email == "practitioner@a.example.com"
    assert response.redirect_chain[-1][0] == saved.get_absolute_url()
    assert "42.0 %" in response.text
    assert "Severe disability" in response.text


def test_without_the_clinic_wording_the_form_shows_section_names_and_scores_only(practitioner_client, patient):
    page = practitioner_client.get(record_url(patient, "odi")).text
    assert "The clinic has not loaded the licensed wording" in page
    assert "Pain intensity" in page
    assert "Travelling" in page
    assert "0 — least limitation" in page
    assert "5 — greatest limitation" in page
    neck = practitioner_client.get(record_url(patient, "ndi")).text
    assert "Headaches" in neck
    assert "Concentration" in neck


def test_with_the_clinic_wording_the_statements_label_the_answers(practitioner_client, owner, patient, clinic_a):
    services.load_questionnaire_text(clinic=clinic_a, content=wording_file(), filename="odi.json", by=owner)
    page = practitioner_client.get(record_url(patient, "odi")).text
    assert "not loaded the licensed wording" not in page
    assert "Placeholder statement 3.4" in page
    practitioner_client.post(record_url(patient, "odi"), items(*[1] * 10))
    saved = QuestionnaireResponse.objects.get()
    assert saved.wording is not None
    detail = practitioner_client.get(saved.get_absolute_url()).text
    assert "Placeholder statement 1.1" in detail


def test_one_skipped_section_is_scored_three_are_refused_and_typed_answers_kept(practitioner_client, patient):
    refused = practitioner_client.post(record_url(patient, "odi"), items(None, None, None, 4, 1, 1, 1, 1, 1, 1))
    assert refused.status_code == 200
    assert "at most 2 may be skipped" in refused.text
    assert 'value="4" required' not in refused.text  # ODI items are optional
    assert 'name="item_4" value="4" id="id_item_4_4" checked' in refused.text
    assert not QuestionnaireResponse.objects.exists()
    practitioner_client.post(record_url(patient, "odi"), items(0, 1, 2, 3, 4, 5, None, 1, 2, 3))
    assert QuestionnaireResponse.objects.get().display == "46.7 %"


def test_an_impossible_answer_is_refused_without_an_error_page(practitioner_client, patient):
    response = practitioner_client.post(record_url(patient, "odi"), items(6, 1, 1, 1, 1, 1, 1, 1, 1, 1))
    assert response.status_code == 200
    assert "6 is not a possible answer: choose 0 to 5." in response.text
    response = practitioner_client.post(record_url(patient, "nprs"), {"item_1": "11"})
    assert "11 is not on the scale" in response.text
    assert not QuestionnaireResponse.objects.exists()


def test_neck_disability_with_nine_answers_summing_18_is_40_percent(practitioner_client, patient):
    practitioner_client.post(record_url(patient, "ndi"), items(2, 2, 2, 2, 2, 2, 2, 2, 2, None))
    saved = QuestionnaireResponse.objects.get()
    assert (saved.display, saved.band) == ("40.0 % (raw 20.0 / 50)", "moderate disability")


def test_a_pain_rating_is_saved_from_the_form(practitioner_client, patient):
    practitioner_client.post(record_url(patient, "nprs", "session"), {"item_1": "6"})
    saved = QuestionnaireResponse.objects.get()
    assert (saved.answers, saved.occasion) == ([6], "session")


def test_psfs_follow_up_prefills_the_baseline_activities_and_shows_the_change(
    practitioner_client, practitioner, patient
):
    baseline = services.record_questionnaire(
        patient=patient,
        instrument="psfs",
        occasion="intake",
        answers=[3, 5, 4],
        activities=["Gardening", "Sitting", "Lifting a child"],
        by=practitioner,
        taken_at=timezone.now() - datetime.timedelta(days=7),
    )
    assert baseline.display == "4.0 / 10"
    follow_up = practitioner_client.get(record_url(patient, "psfs", "discharge")).text
    assert 'value="Gardening"' in follow_up
    assert 'value="Lifting a child"' in follow_up
    assert "These are the activities you named the first time" in follow_up
    practitioner_client.post(
        record_url(patient, "psfs", "discharge"),
        {"activity_1": "Gardening", "rating_1": "6", "activity_2": "Sitting", "rating_2": "7"}
        | {"activity_3": "Lifting a child", "rating_3": "5"},
    )
    listing = practitioner_client.get(reverse("outcomes:patient_list", args=[patient.public_id])).text
    assert "6.0 / 10" in listing
    assert "+2.0 points: improvement, important (2 points); 3 matched activities" in listing


def test_psfs_rating_without_a_name_or_a_name_without_a_rating_is_refused(practitioner_client, patient):
    response = practitioner_client.post(
        record_url(patient, "psfs"), {"activity_1": "Gardening", "rating_1": "", "activity_2": "", "rating_2": "4"}
    )
    assert "Rate this activity from 0 to 10, or clear its name." in response.text
    assert "Name the activity you rated." in response.text
    assert 'value="Gardening"' in response.text
    response = practitioner_client.post(record_url(patient, "psfs"), {"activity_1": "Gardening", "rating_1": "12"})
    assert "Enter a rating from 0 to 10." in response.text
    response = practitioner_client.post(record_url(patient, "psfs"), {})
    assert "Name at least one activity" in response.text
    assert not QuestionnaireResponse.objects.exists()


def test_the_record_page_asks_which_questionnaire_first(practitioner_client, patient):
    url = reverse("outcomes:record", args=[patient.public_id])
    assert "Open the questionnaire" in practitioner_client.get(url).text
    bad = practitioner_client.get(url + "?instrument=sf36&occasion=intake")
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.text


def test_a_questionnaire_can_be_linked_to_a_session(practitioner_client, practitioner, patient, clinic_a):
    session = TreatmentSession.objects.create(
        clinic=clinic_a, patient=patient, practitioner=practitioner, pain_before=6
    )
    practitioner_client.post(record_url(patient, "nprs", "session", session=session.public_id), {"item_1": "4"})
    assert QuestionnaireResponse.objects.get().session == session


def test_the_list_shows_scores_bands_change_and_charts(practitioner_client, practitioner, patient, clinic_a):
    services.record_questionnaire(
        patient=patient,
        instrument="odi",
        occasion="intake",
        answers=[1, 2, 3, 0, 1, 2, 3, 4, 5, 0],
        by=practitioner,
        taken_at=timezone.now() - datetime.timedelta(days=14),
    )
    services.record_questionnaire(
        patient=patient,
        instrument="odi",
        occasion="discharge",
        answers=[1] * 10,
        by=practitioner,
    )
    TreatmentSession.objects.create(
        clinic=clinic_a, patient=patient, practitioner=practitioner, pain_before=7, pain_after=4
    )
    page = practitioner_client.get(reverse("outcomes:patient_list", args=[patient.public_id])).text
    assert "42.0 %" in page
    assert "severe disability" in page
    assert "20.0 %" in page
    assert "minimal disability" in page
    assert "-22.0 points: improvement, important (10 points)" in page
    assert page.count('role="img"') == 2
    start = page.index("<svg")
    ET.fromstring(page[start : page.index("</svg>", start) + 6])  # noqa: S314 (our own page)
    assert "style=" not in page[start : page.rindex("</svg>")]


def test_the_list_page_runs_a_fixed_number_of_queries(practitioner_client, practitioner, patient, audit_write_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("outcomes:patient_list", args=[patient.public_id])
    practitioner_client.get(url)  # the session's first request notes when it was last seen (then once a minute)
    counts = []
    for day in range(6):
        for instrument, answers in (("ndi", [2] * 10), ("psfs", [3])):
            services.record_questionnaire(
                patient=patient,
                instrument=instrument,
                occasion="session",
                answers=answers,
                activities=["Gardening"] if instrument == "psfs" else None,
                by=practitioner,
                taken_at=timezone.now() - datetime.timedelta(days=day),
            )
        with CaptureQueriesContext(connection) as queries:
            assert practitioner_client.get(url).status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts
    # The pain chart also plots the diary; the read's audit entry looks up its chain's last hash.
    assert counts[0] <= 20 + audit_write_queries


def test_front_desk_records_a_patient_reported_questionnaire(front_desk_client, patient):
    response = front_desk_client.post(record_url(patient, "nprs"), {"item_1": "5"})
    assert response.status_code == 302
    assert front_desk_client.get(reverse("outcomes:patient_list", args=[patient.public_id])).status_code == 200


def test_front_desk_and_practitioners_cannot_load_the_licensed_wording(front_desk_client, patient):
    upload = SimpleUploadedFile("odi.json", wording_file())
    assert front_desk_client.post(reverse("outcomes:wording"), {"file": upload}).status_code == 403
    assert not QuestionnaireText.objects.exists()


def test_a_practitioner_cannot_load_the_licensed_wording(practitioner_client):
    assert practitioner_client.get(reverse("outcomes:wording")).status_code == 403


def test_an_owner_uploads_the_wording_file(owner_client):
    response = owner_client.post(
        reverse("outcomes:wording"), {"file": SimpleUploadedFile("odi.json", wording_file())}, follow=True
    )
    assert "Oswestry Disability Index wording (version 2.1a) loaded." in response.text
    assert QuestionnaireText.objects.get().uploaded_by.email == "owner@a.example.com"


def test_a_bad_wording_upload_says_why_and_loads_nothing(owner_client):
    response = owner_client.post(
        reverse("outcomes:wording"), {"file": SimpleUploadedFile("odi.json", wording_file(sections=[]))}
    )
    assert response.status_code == 400
    assert "Nothing was loaded." in response.text
    assert "There are 0 sections; the questionnaire has 10." in response.text
    assert owner_client.post(reverse("outcomes:wording"), {}).status_code == 400
    assert not QuestionnaireText.objects.exists()


def test_another_clinic_gets_404_for_every_page(practitioner_b_client, practitioner, patient):
    saved = services.record_questionnaire(
        patient=patient, instrument="nprs", occasion="intake", answers=[5], by=practitioner
    )
    for url in (
        reverse("outcomes:patient_list", args=[patient.public_id]),
        record_url(patient, "nprs"),
        saved.get_absolute_url(),
    ):
        assert practitioner_b_client.get(url).status_code == 404
    assert practitioner_b_client.post(record_url(patient, "nprs"), {"item_1": "3"}).status_code == 404
    assert QuestionnaireResponse.objects.count() == 1


def test_a_session_of_another_clinic_cannot_be_linked(practitioner_client, practitioner_b, clinic_b, patient):
    other = PatientFactory(clinic=clinic_b)
    session = TreatmentSession.objects.create(
        clinic=clinic_b, patient=other, practitioner=practitioner_b, pain_before=5
    )
    response = practitioner_client.get(record_url(patient, "nprs", session=session.public_id))
    assert response.status_code == 404


def test_the_patient_page_function_saves_without_a_user(rf, patient):
    """The private-link portal calls questionnaire_page as the patient, with its own base template."""
    from django.contrib.sessions.middleware import SessionMiddleware

    from knotwork.outcomes.views import questionnaire_page
    from knotwork.patients.tests.factories import as_patient

    request = rf.post("/p/x/", {"item_1": "3"})
    SessionMiddleware(lambda r: None).process_request(request)
    saved = []
    questionnaire_page(
        request,
        patient=patient,
        instrument="nprs",
        occasion="check_in",
        by=as_patient(patient),
        on_saved=lambda r: saved.append(r) or "done",
        base_template="portal/base.html",
    )
    assert saved[0].via_link
    assert saved[0].recorded_by is None
    assert saved[0].occasion == "check_in"
    page = questionnaire_page(
        rf.get("/p/x/"),
        patient=patient,
        instrument="psfs",
        occasion="check_in",
        by=as_patient(patient),
        on_saved=None,
        base_template="portal/base.html",
    )
    assert b"This private page is only for Olwen" in page.content
    assert b"Name up to five activities" in page.content
    assert b"Questionnaires of" not in page.content  # no staff links on the patient's page


def test_the_patient_link_shows_section_names_until_the_clinic_loads_its_wording(rf, patient, owner, clinic_a):
    from knotwork.outcomes.views import questionnaire_page

    def show():
        return questionnaire_page(
            rf.get("/p/x/"),
            patient=patient,
            instrument="odi",
            occasion="check_in",
            by=None,
            on_saved=None,
            base_template="portal/base.html",
        ).content.decode()

    page = show()
    assert "Choose the number that fits you best" in page
    assert "Pain intensity" in page
    assert "An owner loads the wording" not in page
    services.load_questionnaire_text(clinic=clinic_a, content=wording_file(), filename="odi.json", by=owner)
    page = show()
    assert "Placeholder statement 1.0" in page
    assert "Choose the number that fits you best" not in page


@pytest.mark.parametrize("param", ["session", "plan"])
def test_a_malformed_link_id_is_not_found(practitioner_client, patient, param):
    assert practitioner_client.get(record_url(patient, "nprs", **{param: "not-a-uuid"})).status_code == 404


def test_opening_the_list_is_audited(practitioner_client, practitioner, patient):
    from knotwork.audit.models import AuditEntry

    saved = services.record_questionnaire(
        patient=patient, instrument="nprs", occasion="intake", answers=[5], by=practitioner
    )
    before = AuditEntry.objects.filter(object_pk=str(saved.pk), action=AuditEntry.Action.ACCESS).count()
    practitioner_client.get(reverse("outcomes:patient_list", args=[patient.public_id]))
    practitioner_client.get(saved.get_absolute_url())
    assert AuditEntry.objects.filter(object_pk=str(saved.pk), action=AuditEntry.Action.ACCESS).count() == before + 2


def test_staff_type_in_a_paper_form_from_an_earlier_day(practitioner_client, patient, clinic_a):
    earlier = timezone.localdate() - datetime.timedelta(days=5)
    practitioner_client.post(record_url(patient, "nprs"), {"item_1": "6", "answered_on": earlier.isoformat()})
    saved = QuestionnaireResponse.objects.get()
    assert saved.taken_at.astimezone(clinic_a.tzinfo).date() == earlier
    future = timezone.localdate() + datetime.timedelta(days=2)
    response = practitioner_client.post(record_url(patient, "nprs"), {"item_1": "6", "answered_on": future.isoformat()})
    assert "cannot be answered on a future day" in response.text
    assert QuestionnaireResponse.objects.count() == 1


def test_the_list_keeps_to_one_course_when_asked(practitioner_client, practitioner, patient, clinic_a):
    from knotwork.plans.models import TreatmentPlan

    today = timezone.localdate(timezone=clinic_a.tzinfo)
    plan = TreatmentPlan.objects.create(
        clinic=clinic_a,
        patient=patient,
        practitioner=practitioner,
        starts_on=today - datetime.timedelta(days=3),
        window_days_min=4,
        window_days_max=14,
        max_sessions=4,
        created_by=practitioner,
    )
    for days, answers in ((40, [5] * 10), (2, [3] * 10), (0, [1] * 10)):
        services.record_questionnaire(
            patient=patient,
            instrument="odi",
            occasion="session",
            answers=answers,
            by=practitioner,
            taken_at=timezone.now() - datetime.timedelta(days=days),
        )
    url = reverse("outcomes:patient_list", args=[patient.public_id])
    everything = practitioner_client.get(url).text
    assert "100.0 %" in everything
    assert "-80.0 points" in everything
    course = practitioner_client.get(f"{url}?plan={plan.public_id}").text
    assert "100.0 %" not in course
    assert "-40.0 points: improvement, important (10 points)" in course  # 60 % at the course's start, then 20 %
    assert 'name="plan" value="' + str(plan.public_id) in course
    assert course.count('aria-current="page"') >= 1
    assert practitioner_client.get(f"{url}?plan=nonsense").status_code == 404


def test_a_wrong_date_and_too_many_skipped_sections_are_both_reported_at_once(practitioner_client, clinic_a):
    from knotwork.patients.tests.factories import PatientFactory

    patient = PatientFactory(clinic=clinic_a)
    url = reverse("outcomes:record", args=[patient.public_id]) + "?instrument=odi&occasion=intake"
    answers = {f"item_{n}": "1" for n in range(1, 8)}  # three sections blank
    response = practitioner_client.post(url, {**answers, "answered_on": "2099-01-01"})
    assert "The answers were not saved." in response.text
    assert "cannot be answered on a future day" in response.text
    assert "3 items are unanswered; at most 2 may be skipped" in response.text
