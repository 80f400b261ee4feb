import datetime

import pytest

from knotwork.patients.selectors import find_possible_duplicates, list_patients
from knotwork.patients.tests.factories import PatientFactory


@pytest.fixture
def patients(clinic_a, clinic_b):
    return {
        "ada": PatientFactory(
            clinic=clinic_a,
            first_name="Ada",
            last_name="Lindqvist",
            date_of_birth=datetime.date(1980, 3, 14),
            phone="+13035550142",
            chart_number="P-000042",
        ),
        "bo": PatientFactory(
            clinic=clinic_a,
            first_name="Bo",
            last_name="Marsh",
            date_of_birth=datetime.date(1975, 6, 1),
            # fixed, so a random phone or chart number never contains a searched "42" or "0142"
            phone="+13035550199",
            chart_number="P-000007",
        ),
        "other_clinic_ada": PatientFactory(
            clinic=clinic_b, first_name="Ada", last_name="Lindqvist", date_of_birth=datetime.date(1980, 3, 14)
        ),
    }


@pytest.mark.parametrize(
    "query",
    [
        "Ada",
        "lindq",
        "Ada Lindqvist",
        "lindqvist ada",
        "1980-03-14",
        "03/14/1980",
        "555-0142",
        "(303) 555-0142",
        "P-000042",
        "42",
    ],
)
def test_search_finds_the_patient_by_name_birth_date_phone_or_chart(practitioner, patients, query):
    found = list(list_patients(practitioner, query=query))
    assert found == [patients["ada"]]


def test_search_never_returns_another_clinics_patient(practitioner_b, patients):
    found = list(list_patients(practitioner_b, query="Ada"))
    assert found == [patients["other_clinic_ada"]]


def test_a_user_without_a_clinic_sees_no_patients(db, patients):
    from knotwork.accounts.tests.factories import UserFactory

    assert list(list_patients(UserFactory(), query="")) == []


def test_duplicates_match_name_case_insensitively_and_birth_date(practitioner, patients):
    matches = find_possible_duplicates(
        practitioner, first_name=" ada ", last_name="LINDQVIST", date_of_birth=datetime.date(1980, 3, 14)
    )
    assert list(matches) == [patients["ada"]]
    assert not find_possible_duplicates(
        practitioner, first_name="Ada", last_name="Lindqvist", date_of_birth=datetime.date(1980, 3, 15)
    ).exists()
