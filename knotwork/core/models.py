"""The one scoping mechanism for clinical data: every clinical row carries its clinic, and so does every key.

A clinic-scoped table is unique on `(clinic, id)`, and a row points at a row of another clinic-scoped table through
a foreign key over two columns, `(clinic_id, <field>_id)` to `(clinic_id, id)`. The database so refuses a row that
points at another clinic's row, and every key includes the clinic, which is what distributing the tables by clinic
(Citus) needs. Django declares foreign keys over one column only: the field is declared with `db_constraint=False`
and the key over two columns is a `ClinicForeignKey` in the model's `Meta.constraints`. `tests/test_clinic_keys.py`
checks the rule for every model.
"""

import uuid
from typing import Any, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.constraints import BaseConstraint
from django.db.utils import DEFAULT_DB_ALIAS


def clinic_id_of(user) -> int | None:
    """Return the clinic id of an active staff user, or None for anyone else."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    membership = getattr(user, "membership", None)
    if membership is None or not membership.is_active:
        return None
    return membership.clinic_id


class ClinicForeignKey(BaseConstraint):
    """The database key for a foreign key between two clinic-scoped models: `(clinic_id, <field>_id)` references
    `(clinic_id, id)` of the target, checked at commit (DEFERRABLE INITIALLY DEFERRED, like Django's own keys).

    Declare the field with `db_constraint=False` (Django then makes no key of its own, and its later `AlterField`
    never looks for one) and this constraint beside it: `ClinicForeignKey(field="patient", name=...)`. On SQLite the
    key is part of the table's definition (SQLite remakes the table to add or drop it); on PostgreSQL it is added
    once the tables of a new model exist, and at once by `AddConstraint`. The target must be unique on `(clinic,
    id)`, as every `ClinicScoped` model is, before the key is added: in a migration, put the `AddConstraint`s of
    ClinicForeignKeys after those of the keys they point at (`makemigrations` does not know to).
    `validate()` refuses a loaded related object of another clinic without a query; an unloaded one is left to the
    database.
    """

    def __init__(self, *, field: str, name: str, violation_error_code=None, violation_error_message=None) -> None:
        self.field = field
        super().__init__(
            name=name, violation_error_code=violation_error_code, violation_error_message=violation_error_message
        )

    def _parts(self, model, schema_editor) -> dict[str, str]:
        field = model._meta.get_field(self.field)
        target = field.related_model._meta
        quote = schema_editor.quote_name
        return {
            "name": quote(self.name),
            "table": quote(model._meta.db_table),
            "columns": f"{quote(model._meta.get_field('clinic').column)}, {quote(field.column)}",
            "target": quote(target.db_table),
            "target_columns": f"{quote(target.get_field('clinic').column)}, {quote(target.pk.column)}",
        }

    def _definition(self, model, schema_editor) -> str:
        return (
            "CONSTRAINT {name} FOREIGN KEY ({columns}) REFERENCES {target} ({target_columns}) "
            "DEFERRABLE INITIALLY DEFERRED"
        ).format(**self._parts(model, schema_editor))

    def constraint_sql(self, model, schema_editor) -> str | None:
        if schema_editor.connection.vendor == "sqlite":
            # SQLite cannot add a key to a table: it is part of the definition (and of every remake of the table).
            return self._definition(model, schema_editor)
        # Elsewhere the target table may not exist yet: add the key once every table of the run is made.
        schema_editor.deferred_sql.append(self.create_sql(model, schema_editor))
        return None

    def create_sql(self, model, schema_editor) -> str | None:
        if schema_editor.connection.vendor == "sqlite":
            return None  # SQLite's schema editor remakes the table, with constraint_sql() in its definition
        parts = self._parts(model, schema_editor)
        return f"ALTER TABLE {parts['table']} ADD {self._definition(model, schema_editor)}"

    def remove_sql(self, model, schema_editor) -> str | None:
        if schema_editor.connection.vendor == "sqlite":
            return None
        parts = self._parts(model, schema_editor)
        return f"ALTER TABLE {parts['table']} DROP CONSTRAINT {parts['name']}"

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS) -> None:
        if exclude and (self.field in exclude or "clinic" in exclude):
            return
        field = model._meta.get_field(self.field)
        if not field.is_cached(instance):
            return  # not loaded: the database holds the line at commit, no query here
        related = field.get_cached_value(instance)
        if related is None or instance.clinic_id is None or related.clinic_id == instance.clinic_id:
            return
        raise ValidationError(
            {self.field: self.violation_error_message % {"name": self.name}}
            if self.violation_error_message != self.default_violation_error_message
            else {self.field: f"This {field.verbose_name} belongs to another clinic."},
            code=self.violation_error_code or "other_clinic",
        )

    def check(self, model, connection) -> list:
        return self._check_references(model, [("clinic",), (self.field,)])

    def deconstruct(self) -> tuple[str, tuple, dict[str, Any]]:
        path, args, kwargs = super().deconstruct()
        kwargs["field"] = self.field
        return path, args, kwargs

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ClinicForeignKey):
            return (
                self.name == other.name
                and self.field == other.field
                and self.violation_error_code == other.violation_error_code
                and self.violation_error_message == other.violation_error_message
            )
        return super().__eq__(other)

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}: field={self.field!r} name={self.name!r}>"


class ClinicOneToOneField(models.OneToOneField):
    """A one-to-one between two clinic-scoped models whose column carries no UNIQUE of its own.

    The model declares `UniqueConstraint(fields=["clinic", <field>])` instead (with a `ClinicForeignKey`, the two rows
    share the clinic, so the pair is unique exactly when the field is). The reverse accessor (`session.note`) stays.
    A reverse `select_related` is not possible (Django follows only unique fields backwards): use `prefetch_related`.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._unique = False


class ClinicScopedQuerySet(models.QuerySet):
    def for_user(self, user) -> Self:
        """Rows of the user's clinic; nothing at all for a user without an active membership."""
        clinic_id = clinic_id_of(user)
        if clinic_id is None:
            return self.none()
        return self.filter(clinic_id=clinic_id)


class ClinicScoped(models.Model):
    """Base for every clinical model: a clinic key, a public UUID and timestamps.

    The table is unique on `(clinic, id)`, the target of the other tables' `ClinicForeignKey`s, and on
    `(clinic, public_id)`; the public id (a random UUID) has an index of its own for lookups. A subclass with a
    `Meta` of its own extends this one (`class Meta(ClinicScoped.Meta)`, `constraints = [*ClinicScoped.Meta.constraints,
    ...]`).
    """

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+", editable=False)
    public_id = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClinicScopedQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["clinic", "id"], name="%(app_label)s_%(class)s_clinic_key"),
            models.UniqueConstraint(fields=["clinic", "public_id"], name="%(app_label)s_%(class)s_public_id_key"),
        ]
