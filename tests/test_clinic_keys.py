"""Every clinic-scoped table's keys include the clinic (docs/postgresql.md, *Distributing by clinic*).

Distributing the tables by clinic (Citus) needs the clinic in every unique constraint of a distributed table and in
every foreign key between two of them; the same keys make the database refuse a row that points at another
clinic's row. The checks read every model (a model added later without the rule fails here), then the test
database itself, then try to break the rule with a row.
"""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.test.utils import isolate_apps

from knotwork.core.models import ClinicForeignKey, ClinicOneToOneField, ClinicScoped
from knotwork.patients.models import Patient
from knotwork.patients.tests.factories import PatientFactory, ReferringClinicianFactory
from knotwork.scheduling.models import AppointmentType

# Unique keys without the clinic, each with its reason ("app.Model.field", or "app.Model" for the whole table).
EXCEPTIONS = {
    "audit.AuditEntry": (
        "installation-wide events (sign-in failures, a clinic made) have no clinic, so the clinic is nullable; the "
        "trail is append-only and read per clinic. Distributed, it stays a local table on the coordinator without "
        "keys to the distributed tables (operators drop its patient key, see docs/postgresql.md)"
    ),
    "clinics.Membership": (
        "one clinic per user, read at sign-in before any clinic is known; distributed, clinics_membership is a "
        "small reference table (copied to every node), where any key is allowed"
    ),
    "accounts.ApiKey.prefix": (
        "the key's 8 visible characters (32 random bits), looked up at every API call before the clinic is known "
        "and naming the key's user and rate limit: two clinics must never share one. accounts_apikey is a small "
        "reference table when distributed, with no key to a distributed table"
    ),
    "accounts.ApiKey.user": (
        "the key's own user, one clinic per user (so (clinic, user) would be the same rule); the API reads "
        "user.api_key through a reverse select_related, which Django allows only on a unique column"
    ),
}


def scoped_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if any(f.name == "clinic" for f in m._meta.concrete_fields)]


def is_scoped(model: type[models.Model]) -> bool:
    return any(f.name == "clinic" for f in model._meta.concrete_fields)


def _unique_names(constraint: models.UniqueConstraint) -> set[str]:
    names = set(constraint.fields)
    for expression in constraint.expressions:
        if isinstance(expression, models.F):
            names.add(expression.name)
    return names


def clinic_key_problems(model: type[models.Model]) -> list[str]:
    """What in `model`'s declaration breaks the rule (empty when nothing does)."""
    label = model._meta.label
    if not is_scoped(model) or label in EXCEPTIONS:
        return []
    problems = []
    opts = model._meta
    uniques = [c for c in opts.constraints if isinstance(c, models.UniqueConstraint)]
    for field in opts.local_concrete_fields:
        excepted = f"{label}.{field.name}" in EXCEPTIONS
        if field.unique and not field.primary_key and field.name != "clinic" and not excepted:
            problems.append(f"{label}.{field.name} is unique without the clinic")
    for together in opts.unique_together:
        if "clinic" not in together:
            problems.append(f"{label} unique_together {together} lacks the clinic")
    for constraint in uniques:
        if "clinic" not in _unique_names(constraint):
            problems.append(f"{label} constraint {constraint.name} lacks the clinic")
    if not any(_unique_names(c) == {"clinic", "id"} and c.condition is None for c in uniques):
        problems.append(f"{label} has no unique key on (clinic, id) for other tables' keys to point at")
    clinic_fks = {c.field: c for c in opts.constraints if isinstance(c, ClinicForeignKey)}
    for field in opts.local_concrete_fields:
        if not field.is_relation or field.name == "clinic":
            continue
        target = field.related_model
        if not is_scoped(target) or target._meta.label in EXCEPTIONS:
            continue
        if field.db_constraint:
            problems.append(f"{label}.{field.name} keeps Django's one-column key (db_constraint=True)")
        if field.name not in clinic_fks:
            problems.append(f"{label}.{field.name} has no ClinicForeignKey over (clinic, {field.name})")
    for name in clinic_fks:
        if name not in {f.name for f in opts.local_concrete_fields if f.is_relation}:
            problems.append(f"{label} ClinicForeignKey names {name!r}, not a foreign key of the model")
    for field in opts.local_many_to_many:
        through = field.remote_field.through
        if is_scoped(field.related_model) and (through._meta.auto_created or not is_scoped(through)):
            problems.append(f"{label}.{field.name} is a many-to-many without a clinic-scoped through model")
    return problems


def test_every_scoped_model_keeps_the_clinic_in_its_keys():
    problems = [problem for model in scoped_models() for problem in clinic_key_problems(model)]
    assert problems == []


# --- a model added later without the rule fails the check ---------------------------------------------------------


@isolate_apps("knotwork.patients")
def test_a_model_without_the_rule_fails_the_check():
    class Careless(ClinicScoped):
        patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
        token = models.CharField(max_length=64, unique=True)
        kinds = models.ManyToManyField(AppointmentType, related_name="+")

        class Meta:
            app_label = "patients"
            constraints = [models.UniqueConstraint(fields=["patient", "token"], name="careless_once")]

    problems = clinic_key_problems(Careless)
    assert "patients.Careless.token is unique without the clinic" in problems
    assert "patients.Careless constraint careless_once lacks the clinic" in problems
    # Its own Meta dropped ClinicScoped.Meta's keys.
    assert "patients.Careless has no unique key on (clinic, id) for other tables' keys to point at" in problems
    assert "patients.Careless.patient keeps Django's one-column key (db_constraint=True)" in problems
    assert "patients.Careless.patient has no ClinicForeignKey over (clinic, patient)" in problems
    assert "patients.Careless.kinds is a many-to-many without a clinic-scoped through model" in problems


@isolate_apps("knotwork.patients")
def test_a_model_that_follows_the_rule_passes_the_check():
    class Careful(ClinicScoped):
        patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+", db_constraint=False)
        other = ClinicOneToOneField(Patient, on_delete=models.PROTECT, related_name="+", db_constraint=False)

        class Meta(ClinicScoped.Meta):
            app_label = "patients"
            constraints = [
                *ClinicScoped.Meta.constraints,
                models.UniqueConstraint(fields=["clinic", "other"], name="careful_other_once"),
                ClinicForeignKey(field="patient", name="careful_patient_clinic_fk"),
                ClinicForeignKey(field="other", name="careful_other_clinic_fk"),
            ]

    assert clinic_key_problems(Careful) == []
    assert not Careful._meta.get_field("other").unique  # the column has no UNIQUE of its own


# --- the test database holds the keys as declared -------------------------------------------------------------------


def _database_foreign_keys(table: str) -> set[tuple[tuple[str, ...], str, tuple[str, ...]]]:
    """(columns, target table, target columns) of every foreign key of `table`, read from the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            rows = cursor.execute(f"PRAGMA foreign_key_list({connection.ops.quote_name(table)})").fetchall()
            keys: dict[int, list] = {}
            for key_id, seq, target, column, target_column, *_ in rows:
                keys.setdefault(key_id, []).append((seq, target, column, target_column))
            found = set()
            for parts in keys.values():
                parts.sort()
                found.add((tuple(p[2] for p in parts), parts[0][1], tuple(p[3] for p in parts)))
            return found
        cursor.execute(
            """
            SELECT c.conname,
                   ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
                   c.confrelid::regclass::text,
                   ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i),
                   c.condeferrable, c.condeferred
            FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = %s::regclass
            """,
            [table],
        )
        return {
            (tuple(columns), target.strip('"'), tuple(target_columns))
            for _, columns, target, target_columns, deferrable, deferred in cursor.fetchall()
            if deferrable and deferred
        }


def _database_unique_keys(table: str) -> set[tuple[str, ...]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {tuple(c["columns"]) for c in constraints.values() if c["unique"] and not c["primary_key"]}


@pytest.mark.django_db
def test_the_database_has_every_declared_clinic_key():
    missing = []
    for model in scoped_models():
        if model._meta.label in EXCEPTIONS:
            continue
        table = model._meta.db_table
        uniques = _database_unique_keys(table)
        foreign = _database_foreign_keys(table)
        if ("clinic_id", "id") not in uniques:
            missing.append(f"{table}: no unique (clinic_id, id)")
        for field in model._meta.local_concrete_fields:
            if field.is_relation and field.name != "clinic" and not field.db_constraint:
                target = field.related_model._meta
                key = (("clinic_id", field.column), target.db_table, ("clinic_id", target.pk.column))
                if key not in foreign:
                    missing.append(f"{table}: no deferred foreign key {key}")
                if any(columns == (field.column,) for columns, _, _ in foreign):
                    missing.append(f"{table}: a one-column foreign key on {field.column} is left")
            elif (
                field.unique
                and not field.primary_key
                and field.name != "clinic"
                and (field.column,) in uniques
                and f"{model._meta.label}.{field.name}" not in EXCEPTIONS
            ):
                missing.append(f"{table}: {field.column} is unique alone")
        for columns in uniques:
            if "clinic_id" not in columns and not any(
                f"{model._meta.label}.{f.name}" in EXCEPTIONS
                for f in model._meta.local_fields
                if (f.column,) == columns
            ):
                missing.append(f"{table}: unique {columns} without the clinic")
    assert missing == []


# --- the database refuses a row that points at another clinic's row -------------------------------------------------


def _committed(write) -> None:
    """Make `write` in a savepoint and check the deferred keys as a commit would (the test's transaction never
    commits); the savepoint is rolled back either way."""
    with transaction.atomic():
        write()
        connection.check_constraints()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_row_pointing_at_another_clinics_row_is_refused(clinic_a, clinic_b):
    theirs = ReferringClinicianFactory(clinic=clinic_b)
    ours = ReferringClinicianFactory(clinic=clinic_a)
    patient = PatientFactory(clinic=clinic_a, referring_clinician=ours)
    patients = Patient.objects.filter(pk=patient.pk)
    _committed(lambda: None)  # the same clinic: fine
    with pytest.raises(IntegrityError):
        _committed(lambda: patients.update(referring_clinician=theirs))
    with pytest.raises(IntegrityError):
        _committed(lambda: PatientFactory(clinic=clinic_a, referring_clinician=theirs))
    with pytest.raises(IntegrityError):
        _committed(lambda: patients.update(referring_clinician_id=ours.pk + theirs.pk + 1000))
    _committed(lambda: patients.update(referring_clinician=None))  # no clinician: nothing to point at


@pytest.mark.django_db
def test_full_clean_refuses_a_loaded_row_of_another_clinic_without_a_query(
    clinic_a, clinic_b, django_assert_num_queries
):
    theirs = ReferringClinicianFactory(clinic=clinic_b)
    patient = PatientFactory.build(clinic=clinic_a, referring_clinician=theirs)
    constraint = next(
        c
        for c in type(patient)._meta.constraints
        if isinstance(c, ClinicForeignKey) and c.field == "referring_clinician"
    )
    with django_assert_num_queries(0), pytest.raises(ValidationError) as refused:
        constraint.validate(type(patient), patient)
    assert "referring_clinician" in refused.value.message_dict
    unloaded = type(patient)(clinic=clinic_a, referring_clinician_id=theirs.pk)
    with django_assert_num_queries(0):
        constraint.validate(type(patient), unloaded)  # not loaded: left to the database


def test_the_constraint_deconstructs_and_compares():
    key = ClinicForeignKey(field="patient", name="x_patient_clinic_fk")
    path, args, kwargs = key.deconstruct()
    assert path == "knotwork.core.models.ClinicForeignKey"
    assert kwargs == {"field": "patient", "name": "x_patient_clinic_fk"}
    assert ClinicForeignKey(*args, **kwargs) == key
    assert key != ClinicForeignKey(field="plan", name="x_patient_clinic_fk")
