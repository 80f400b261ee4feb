"""Active courses are read through partial indexes, not by scanning the history of ended courses."""

import pytest
from django.db import connection

from knotwork.patients.tests.factories import PatientFactory
from knotwork.plans.models import PlanStatus, TreatmentPlan
from knotwork.plans.tests.factories import TreatmentPlanFactory


def plan_of(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(row[-1]) for row in cursor.fetchall())


@pytest.fixture
def history(clinic_a, practitioner):
    """One patient with one active course and ended ones."""
    patient = PatientFactory(clinic=clinic_a)
    for _ in range(3):
        TreatmentPlanFactory(patient=patient, practitioner=practitioner, ended=True)
    return TreatmentPlanFactory(patient=patient, practitioner=practitioner)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_a_patients_active_course_is_read_through_its_index(history):
    query = TreatmentPlan.objects.filter(patient=history.patient, status=PlanStatus.ACTIVE).order_by("-starts_on")
    assert list(query) == [history]
    assert "plan_active_patient_idx" in plan_of(query)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_a_clinics_active_courses_are_read_through_their_index(history):
    query = TreatmentPlan.objects.filter(clinic=history.clinic, status=PlanStatus.ACTIVE)
    assert list(query) == [history]
    assert "plan_active_clinic_idx" in plan_of(query)
