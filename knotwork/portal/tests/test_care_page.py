"""The patient's care page: one private link, one patient, reusable until it expires."""

import datetime

import time_machine
from django.core import mail
from django.urls import reverse

from knotwork.followup.models import DiaryEntry
from knotwork.plans import services as plans
from knotwork.portal.models import LinkPurpose, PatientLink
from knotwork.portal.tests.conftest import open_link
from knotwork.scheduling import services as scheduling
from knotwork.treatment import services as treatment
from knotwork.treatment.tests.test_session import screened

NOW = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)


def care_link(staff_client, patient) -> str:
    """Staff open the patient's care page; the link is shown once to them (and emailed, see below)."""
    response = staff_client.post(
        reverse("portal:link_create", args=[patient.public_id]), {"purpose": "care"}, follow=True
    )
    assert "Private care page link created" in response.text
    return response.text.split("/p/")[1].split("/")[0]


def test_the_care_link_is_emailed_to_the_patient(
    practitioner_client, clinic_a, practitioner, django_capture_on_commit_callbacks
):
    patient = screened(clinic_a, practitioner)
    patient.email = "kim@example.org"
    patient.save()
    with django_capture_on_commit_callbacks(execute=True):
        token = care_link(practitioner_client, patient)
    assert mail.outbox[-1].to == ["kim@example.org"]
    assert "opened your care page" in mail.outbox[-1].body
    assert f"/p/{token}/" in mail.outbox[-1].body


def patient_with_course(clinic, owner, practitioner, *, stretch: str, hour: int = 10):
    patient = screened(clinic, practitioner)
    plan = plans.create_plan(
        patient=patient, practitioner=practitioner, by=practitioner, starts_on=NOW.date(), techniques=[]
    )
    plans.add_home_exercise(plan=plan, by=practitioner, name=stretch, hold_seconds=30, repetitions=3)
    kind = scheduling.create_appointment_type(clinic=clinic, name=f"Treatment {stretch}", duration_minutes=45, by=owner)
    scheduling.set_working_hours(
        practitioner=practitioner,
        clinic=clinic,
        hours=[(day, datetime.time(9), datetime.time(17)) for day in range(5)],
        by=owner,
    )
    appointment = scheduling.book_appointment(
        patient=patient,
        practitioner=practitioner,
        appointment_type=kind,
        starts_at=datetime.datetime(2026, 3, 4, hour, 0, tzinfo=datetime.UTC),
        by=owner,
        plan=plan,
    )
    return patient, appointment


@time_machine.travel(NOW, tick=False)
def test_the_care_page_shows_one_patients_appointments_program_and_diary_only(
    patient_client, practitioner_client, clinic_a, owner, practitioner
):
    patient, appointment = patient_with_course(clinic_a, owner, practitioner, stretch="Doorway pec stretch")
    other, other_appointment = patient_with_course(
        clinic_a, owner, practitioner, stretch="Zyxw seated stretch", hour=14
    )
    token = care_link(practitioner_client, patient)
    page = open_link(patient_client, token)
    assert page.status_code == 200
    assert "Wednesday 4 March, 10:00" in page.text
    assert "Open my home program" in page.text
    assert other.last_name not in page.text
    assert token not in page.text
    program = patient_client.get(reverse("portal:home_program"))
    assert "Doorway pec stretch" in program.text
    assert 'data-seconds="30"' in program.text
    assert "Zyxw" not in program.text
    # Another patient's appointment cannot be fetched through this link.
    ics = patient_client.get(reverse("portal:appointment_ics", args=[appointment.public_id]))
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content
    assert patient_client.get(reverse("portal:appointment_ics", args=[other_appointment.public_id])).status_code == 404
    # The link is reusable: a second visit works too.
    assert open_link(patient_client, token).status_code == 200
    assert PatientLink.objects.get(purpose=LinkPurpose.CARE, patient=patient).last_used_at == NOW


def test_the_care_link_expires_and_a_new_one_replaces_it(patient_client, practitioner_client, clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    with time_machine.travel(NOW, tick=False):
        first = care_link(practitioner_client, patient)
        open_link(patient_client, first)
        second = care_link(practitioner_client, patient)
        assert patient_client.get(reverse("portal:entry", args=[first])).status_code == 410
        # A visit opened with the replaced link ends with it.
        assert patient_client.get(reverse("portal:diary")).status_code == 410
    with time_machine.travel(NOW + datetime.timedelta(days=59), tick=False):
        assert open_link(patient_client, second).status_code == 200
    with time_machine.travel(NOW + datetime.timedelta(days=59, minutes=30), tick=False):
        assert patient_client.get(reverse("portal:care")).status_code == 200
    with time_machine.travel(NOW + datetime.timedelta(days=61), tick=False):
        assert patient_client.get(reverse("portal:entry", args=[second])).status_code == 410
        assert patient_client.get(reverse("portal:home_program")).status_code == 403


def test_an_intake_link_does_not_open_the_care_pages(patient_client, practitioner_client, clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    response = practitioner_client.post(
        reverse("portal:link_create", args=[patient.public_id]), {"purpose": "intake"}, follow=True
    )
    token = response.text.split("/p/")[1].split("/")[0]
    open_link(patient_client, token)
    assert patient_client.get(reverse("portal:diary")).status_code == 403
    assert patient_client.get(reverse("portal:home_program")).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_the_patient_keeps_a_pain_diary_and_bad_entries_are_refused_with_what_they_typed(
    patient_client, practitioner_client, clinic_a, practitioner
):
    client = patient_client
    patient = screened(clinic_a, practitioner)
    open_link(client, care_link(practitioner_client, patient))
    url = reverse("portal:diary")
    future = client.post(url, {"recorded_on": "2026-03-09", "pain": "4", "note": "Walked the dog"})
    assert future.status_code == 200
    assert "has not happened yet" in future.text
    assert "Walked the dog" in future.text
    wrong = client.post(url, {"recorded_on": "2026-03-01", "pain": "11", "note": "Ouch"})
    assert "Choose a number from 0 to 10" in wrong.text
    assert not DiaryEntry.objects.exists()
    client.post(url, {"recorded_on": "2026-03-01", "pain": "4", "note": "Walked the dog"})
    entry = DiaryEntry.objects.get()
    assert (entry.patient, entry.pain, entry.recorded_on) == (patient, 4, datetime.date(2026, 3, 1))
    assert "Walked the dog" in client.get(url).text
    # Staff read the diary on the patient's follow-up page.
    staff = practitioner_client.get(reverse("followup:patient", args=[patient.public_id]))
    assert "Walked the dog" in staff.text


def test_the_care_page_offers_open_check_ins_and_aftercare_of_this_patient(
    patient_client, practitioner_client, clinic_a, practitioner
):
    client = patient_client
    patient = screened(clinic_a, practitioner)
    with time_machine.travel(NOW, tick=False):
        session = treatment.start_session(patient=patient, by=practitioner, pain_before=5)
        treatment.finish_session(session=session, by=practitioner, pain_after=2)
    with time_machine.travel(NOW + datetime.timedelta(hours=25), tick=False):
        token = care_link(practitioner_client, patient)
        page = open_link(client, token)
        assert "Answer the 24-hour check-in" in page.text
        check_in = session.check_ins.get(hours_after=24)
        url = reverse("portal:check_in", args=[check_in.public_id])
        assert url in page.text
        client.post(url, {"soreness": "2", "pain": "3"})
        check_in.refresh_from_db()
        assert (check_in.soreness, check_in.pain, check_in.status) == (2, 3, "answered")
        answered = client.get(url)
        assert answered.status_code == 410  # answered: says so, without the form
        assert "You have already answered it" in answered.text
        assert "Send to my practitioner" not in answered.text
        aftercare = client.get(reverse("portal:aftercare", args=[session.public_id]))
        assert "After your treatment" in aftercare.text
    other = screened(clinic_a, practitioner)
    with time_machine.travel(NOW, tick=False):
        other_session = treatment.start_session(patient=other, by=practitioner, pain_before=5)
        treatment.finish_session(session=other_session, by=practitioner, pain_after=2)
    with time_machine.travel(NOW + datetime.timedelta(hours=25), tick=False):
        other_check_in = other_session.check_ins.get(hours_after=24)
        assert client.get(reverse("portal:check_in", args=[other_check_in.public_id])).status_code == 404
        assert client.get(reverse("portal:aftercare", args=[other_session.public_id])).status_code == 404


def test_the_clinic_asks_for_a_questionnaire_and_the_patient_fills_it_on_the_care_page(
    patient_client, practitioner_client, clinic_a, owner, practitioner
):
    client = patient_client
    from knotwork.followup.models import QuestionnaireRequest
    from knotwork.outcomes.models import QuestionnaireResponse
    from knotwork.outcomes.services import load_questionnaire_text

    patient = screened(clinic_a, practitioner)
    refused = practitioner_client.post(
        reverse("followup:questionnaire_request", args=[patient.public_id]),
        {"instrument": "ndi", "occasion": "discharge"},
        follow=True,
    )
    assert "has not loaded its licensed wording of the Neck Disability Index" in refused.text
    assert not QuestionnaireRequest.objects.exists()
    sections = "".join(
        f"  - name: Section {n}\n    statements: [{', '.join(f'Placeholder {n}.{k}' for k in range(6))}]\n"
        for n in range(1, 11)
    )
    load_questionnaire_text(
        clinic=clinic_a,
        content=f"instrument: ndi\nversion: test\nsections:\n{sections}".encode(),
        filename="ndi.yaml",
        by=owner,
    )
    response = practitioner_client.post(
        reverse("followup:questionnaire_request", args=[patient.public_id]),
        {"instrument": "ndi", "occasion": "discharge", "send_link": ""},
        follow=True,
    )
    assert "Neck Disability Index (discharge) is on the patient&#x27;s care page" in response.text
    token = care_link(practitioner_client, patient)
    page = open_link(client, token)
    asked = QuestionnaireRequest.objects.get(patient=patient)
    url = reverse("portal:questionnaire", args=[asked.public_id])
    assert url in page.text
    three_skipped = {f"item_{n}": "2" for n in range(1, 8)}
    refused = client.post(url, three_skipped)
    assert refused.status_code == 200
    assert not QuestionnaireResponse.objects.exists()
    nine = {f"item_{n}": "2" for n in range(1, 10)}  # nine answered summing 18: 40 % (prorated raw 20)
    done = client.post(url, nine, follow=True)
    assert "Thank you: your Neck Disability Index was sent to the clinic." in done.text
    saved = QuestionnaireResponse.objects.get(patient=patient)
    assert (saved.instrument, saved.occasion, saved.via_link, saved.percent) == ("ndi", "discharge", True, 40)
    asked.refresh_from_db()
    assert asked.response == saved
    assert client.get(url).status_code == 404  # filled: no longer on the care page
    other = screened(clinic_a, practitioner)
    practitioner_client.post(
        reverse("followup:questionnaire_request", args=[other.public_id]), {"instrument": "psfs", "occasion": "intake"}
    )
    others = QuestionnaireRequest.objects.get(patient=other)
    assert client.get(reverse("portal:questionnaire", args=[others.public_id])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_writing_the_same_day_again_replaces_that_days_diary_line(
    patient_client, practitioner_client, clinic_a, practitioner
):
    client = patient_client
    patient = screened(clinic_a, practitioner)
    open_link(client, care_link(practitioner_client, patient))
    url = reverse("portal:diary")
    client.post(url, {"recorded_on": "2026-03-01", "pain": "5", "note": "Morning"})
    client.post(url, {"recorded_on": "2026-03-01", "pain": "3", "note": "Better by the evening"})
    entry = DiaryEntry.objects.get()
    assert (entry.pain, entry.note) == (3, "Better by the evening")
