import base64
import datetime
import re

import pytest
from django.urls import reverse

from knotwork.patients.models import Patient, PatientStatus
from knotwork.patients.tests.factories import PatientFactory

VALID = {
    "first_name": "Mira",
    "last_name": "Solberg",
    "date_of_birth": "1984-02-29",
    "sex": "female",
    "phone": "(303) 555-0177",
    "email": "mira@example.org",
    "city": "Denver",
}


def test_list_shows_own_clinic_patients_only(practitioner_client, clinic_a, clinic_b):
    PatientFactory(clinic=clinic_a, last_name="Ownclinic")
    PatientFactory(clinic=clinic_b, last_name="Otherclinic")
    response = practitioner_client.get(reverse("patients:list"))
    assert response.status_code == 200
    assert "Ownclinic" in response.text
    assert "Otherclinic" not in response.text


def test_list_is_paged_25_at_a_time_by_name_with_links_that_name_no_patient(practitioner_client, clinic_a):
    names = [f"Surname{n:02d}" for n in range(30)]
    for name in reversed(names):
        PatientFactory(clinic=clinic_a, last_name=name)
    url = reverse("patients:list")
    first = practitioner_client.get(url).text
    assert first.count("<tr>") == 26  # header + 25 rows
    assert first.index("Surname00") < first.index("Surname24")
    assert "Surname25" not in first
    next_link = re.search(r'href="\?after=([^"]+)" rel="next"', first).group(1)
    assert "urname" not in base64.urlsafe_b64decode(next_link + "==").decode()
    second = practitioner_client.get(url, {"after": next_link}).text
    assert second.count("<tr>") == 6
    assert "Surname25" in second
    assert "Surname29" in second
    assert "Surname24" not in second
    assert 'rel="next"' not in second
    back = re.search(r'href="\?before=([^"]+)" rel="prev"', second).group(1)
    again = practitioner_client.get(url, {"before": back}).text
    assert again.count("<tr>") == 26
    assert "Surname00" in again
    assert "Surname24" in again
    assert 'rel="prev"' not in again


@pytest.mark.parametrize("cursor", ["x", "cm93fDk5OTk5OQ", "===", "a" * 400, "\x00", "cm93fDF4"])
def test_a_bad_or_stale_page_link_says_start_again(practitioner_client, clinic_a, cursor):
    PatientFactory(clinic=clinic_a, last_name="Kept")
    response = practitioner_client.get(reverse("patients:list"), {"after": cursor})
    assert response.status_code == 400
    assert "start again from the first page" in response.text


def test_a_page_link_of_another_clinics_patient_is_refused(practitioner_client, clinic_a, clinic_b):
    PatientFactory(clinic=clinic_a, last_name="Ours")
    theirs = PatientFactory(clinic=clinic_b, last_name="Theirs")
    cursor = base64.urlsafe_b64encode(f"row|{theirs.pk}".encode()).decode().rstrip("=")
    response = practitioner_client.get(reverse("patients:list"), {"after": cursor})
    assert response.status_code == 400
    assert "Theirs" not in response.text


def test_list_page_query_count_does_not_grow_with_patients(
    practitioner_client, clinic_a, django_assert_max_num_queries, audit_write_queries
):
    PatientFactory.create_batch(25, clinic=clinic_a)
    with django_assert_max_num_queries(12 + audit_write_queries):
        practitioner_client.get(reverse("patients:list"))


def test_htmx_search_returns_only_the_results_fragment(practitioner_client, clinic_a):
    PatientFactory(clinic=clinic_a, last_name="Quill")
    response = practitioner_client.get(
        reverse("patients:list"), {"q": "quill"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="patient-results"
    )
    assert "Quill" in response.text
    assert "<header" not in response.text


def test_front_desk_registers_a_patient_and_lands_on_the_chart(front_desk_client, clinic_a):
    response = front_desk_client.post(reverse("patients:create"), VALID)
    patient = Patient.objects.get(last_name="Solberg")
    assert response.status_code == 302
    assert response["Location"] == patient.get_absolute_url()
    assert patient.clinic == clinic_a
    assert patient.phone.as_e164 == "+13035550177"
    assert patient.chart_number == "P-000001"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "2999-01-01", "cannot be in the future"),
        ("date_of_birth", "1984-02-30", "Enter a valid date"),
        ("phone", "12", "Enter a valid phone number"),
        ("email", "mira-at-example", "Enter a valid email address"),
        ("first_name", "", "This field is required"),
    ],
)
def test_a_form_with_an_error_says_why_and_keeps_everything_typed(practitioner_client, field, value, message):
    response = practitioner_client.post(reverse("patients:create"), {**VALID, field: value})
    assert response.status_code == 200
    assert message in response.text
    assert not Patient.objects.exists()
    for other, typed in VALID.items():
        if other not in (field, "sex", "phone"):
            assert f'value="{typed}"' in response.text
    assert 'value="(303) 555-0177"' in response.text or field == "phone"


def test_same_name_and_birth_date_asks_before_registering_twice(practitioner_client, clinic_a):
    PatientFactory(clinic=clinic_a, first_name="Mira", last_name="Solberg", date_of_birth=datetime.date(1984, 2, 29))
    warned = practitioner_client.post(reverse("patients:create"), VALID)
    assert warned.status_code == 200
    assert "Is this patient already registered?" in warned.text
    assert Patient.objects.count() == 1
    confirmed = practitioner_client.post(reverse("patients:create"), {**VALID, "confirm_not_duplicate": "yes"})
    assert confirmed.status_code == 302
    assert Patient.objects.count() == 2


def test_editing_keeps_the_chart_number_and_saves_changes(practitioner_client, clinic_a):
    patient = PatientFactory(clinic=clinic_a, chart_number="C-7", first_name="Mira", last_name="Solberg")
    data = {**VALID, "chart_number": "C-7", "city": "Golden", "date_of_birth": patient.date_of_birth.isoformat()}
    response = practitioner_client.post(reverse("patients:edit", args=[patient.public_id]), data)
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.city, patient.chart_number) == ("Golden", "C-7")


def test_chart_page_shows_details_and_says_what_is_not_yet_recorded(practitioner_client, clinic_a):
    patient = PatientFactory(clinic=clinic_a, first_name="Mira", emergency_contact_name="Jon Solberg")
    response = practitioner_client.get(patient.get_absolute_url())
    assert response.status_code == 200
    assert "Mira" in response.text
    assert "Jon Solberg" in response.text
    assert "Not yet recorded." in response.text


def test_status_change_from_the_chart(practitioner_client, clinic_a):
    patient = PatientFactory(clinic=clinic_a)
    url = reverse("patients:status", args=[patient.public_id])
    practitioner_client.post(url, {"status": "on_hold", "reason": "Red flag: night pain; referred to GP"})
    patient.refresh_from_db()
    assert patient.status == PatientStatus.ON_HOLD
    page = practitioner_client.get(patient.get_absolute_url())
    assert "Red flag: night pain; referred to GP" in page.text


def test_another_clinics_patient_answers_404(practitioner_b_client, clinic_a):
    patient = PatientFactory(clinic=clinic_a)
    assert practitioner_b_client.get(patient.get_absolute_url()).status_code == 404
    assert practitioner_b_client.post(reverse("patients:edit", args=[patient.public_id]), VALID).status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client, clinic_a):
    response = client.get(reverse("patients:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_referring_clinician_can_be_added_and_listed(front_desk_client):
    response = front_desk_client.post(
        reverse("patients:referrer_create"), {"name": "Dr. Ola Berg", "practice": "Westside GP", "npi": "123"}
    )
    assert "exactly 10 digits" in response.text
    assert 'value="Westside GP"' in response.text
    front_desk_client.post(reverse("patients:referrer_create"), {"name": "Dr. Ola Berg", "npi": "1234567890"})
    assert "Dr. Ola Berg" in front_desk_client.get(reverse("patients:referrer_list")).text


def test_sex_is_not_marked_required_and_left_out_means_not_stated(front_desk_client, clinic_a):
    page = front_desk_client.get(reverse("patients:create")).text
    label = re.search(r'<label for="id_sex">(.*?)</label>', page, re.S).group(1)
    assert "req" not in label  # no asterisk: "Unknown / not stated" is allowed
    assert not re.search(r'<select name="sex"[^>]*required', page)
    first = re.search(r'<label for="id_first_name">(.*?)</label>', page, re.S).group(1)
    assert 'class="req"' in first  # a required field still says so
    response = front_desk_client.post(reverse("patients:create"), {**VALID, "sex": ""})
    assert response.status_code == 302
    assert Patient.objects.get(last_name="Solberg").sex == "unknown"


def test_a_searchs_next_page_keeps_the_search(practitioner_client, clinic_a):
    for n in range(27):
        PatientFactory(clinic=clinic_a, last_name=f"Keptsearch{n:02d}")
    PatientFactory(clinic=clinic_a, last_name="Aardvark")
    url = reverse("patients:list")
    first = practitioner_client.get(url, {"q": "Keptsearch", "status": "active"}).text
    link = re.search(r'href="\?([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert link.startswith("q=Keptsearch&status=active&after=")
    second = practitioner_client.get(f"{url}?{link}").text
    assert second.count("<tr>") == 3  # header + the last two matches
    assert "Aardvark" not in second
    assert 'href="?q=Keptsearch&amp;status=active">First page</a>' in second
