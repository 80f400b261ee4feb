"""Expressions compiled once: the same values as the ORM's own expressions, built once, and no join let through."""

import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Exists, OuterRef, Subquery

from knotwork.assessment.models import Consent
from knotwork.core.queries import bind, row_expressions
from knotwork.treatment.models import Hold, SessionPoint
from knotwork.treatment.services.guard import _clearance
from knotwork.treatment.tests.factories import SessionPointFactory, TreatmentSessionFactory, treated_session
from knotwork.treatment.tests.test_session import screened

pytestmark = pytest.mark.django_db


def _expressions() -> dict:
    last = Hold.objects.filter(point_id=OuterRef("pk")).order_by("-number")
    return _clearance("pressure") | {
        "last_number": Subquery(last.values("number")[:1]),
        "holds_counted": Subquery(
            Hold.objects.filter(point_id=OuterRef("pk"))
            .order_by()
            .values("point_id")
            .annotate(n=Count("pk"))
            .values("n")
        ),
    }


def test_compiled_expressions_read_what_the_orm_reads_for_every_row(clinic_a, practitioner):
    consented = screened(clinic_a, practitioner)
    unconsented = screened(clinic_a, practitioner, consents=())
    treated_session(consented, practitioner, points=2, holds=3, finish=False)
    SessionPointFactory(session=TreatmentSessionFactory(patient=unconsented, practitioner=practitioner))

    names = list(_expressions())
    orm = list(SessionPoint.objects.annotate(**_expressions()).order_by("pk").values("pk", *names))
    compiled = row_expressions(SessionPoint, "test: guard and last hold", _expressions)
    assert list(SessionPoint.objects.annotate(**compiled).order_by("pk").values("pk", *names)) == orm
    assert [row["guard_consented"] for row in orm] == [True, True, False]
    assert [row["last_number"] for row in orm] == [3, 3, None]
    assert all(isinstance(row["guard_findings"], list) for row in orm)  # the JSON column is decoded as the ORM does


def test_expressions_are_built_and_compiled_once_per_process():
    built = []

    def build() -> dict:
        built.append(1)
        return {"consented": Exists(Consent.objects.filter(patient_id=OuterRef("session_id")))}

    first = row_expressions(SessionPoint, "test: built once", build)
    assert row_expressions(SessionPoint, "test: built once", build) is first
    assert len(built) == 1


def test_an_expression_that_needs_a_join_is_refused():
    """The compiled SQL names the row's own table only: a join's alias in another query is anyone's guess."""

    def build() -> dict:
        return {"consented": Exists(Consent.objects.filter(patient_id=OuterRef("session__patient_id")))}

    with pytest.raises(ImproperlyConfigured, match="may not join treatment_treatmentsession"):
        row_expressions(SessionPoint, "test: joined", build)


def test_a_bound_value_takes_the_placeholders_place(clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    session = treated_session(patient, practitioner, points=1, holds=2, finish=False)
    point = session.points.get()
    first = point.holds.get(number=1)
    first.client_id = uuid.UUID("6f1c2b9e-7a51-4c1e-9a43-3d2f0c2a1b11")
    first.save(update_fields=["client_id"])
    placeholder = uuid.UUID(int=1)
    saved_hold = Hold.objects.filter(point_id=OuterRef("pk"), client_id=placeholder).values("number")
    compiled = row_expressions(SessionPoint, "test: by client id", lambda: {"saved": Subquery(saved_hold)})["saved"]
    field = Hold._meta.get_field("client_id")

    def saved(client_id):
        return SessionPoint.objects.annotate(saved=bind(compiled, field, placeholder, client_id)).get().saved

    assert saved(first.client_id) == 1
    assert saved(uuid.uuid4()) is None
    with pytest.raises(ImproperlyConfigured, match="not among"):
        bind(compiled, field, uuid.uuid4(), first.client_id)


def test_a_compiled_expression_refuses_a_query_that_renames_its_table(clinic_a, practitioner):
    """In a subquery Django renames the table (U0): the SQL's table name would then mean the outer query's row."""
    treated_session(screened(clinic_a, practitioner), practitioner, points=1, holds=2, finish=False)
    compiled = row_expressions(SessionPoint, "test: guard and last hold", _expressions)
    with_holds = SessionPoint.objects.annotate(n=compiled["last_number"]).filter(n__gt=0)
    assert with_holds.count() == 1
    with pytest.raises(ImproperlyConfigured, match="was used where that table is"):
        list(Hold.objects.filter(point__in=with_holds.values("pk")))
