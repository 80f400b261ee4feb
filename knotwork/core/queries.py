"""Expressions compiled to SQL once per process, for the few requests where building the query costs more than
running it (recording a hold: eight correlated lookups around one row).

Django builds and compiles every query on every call: each subquery is copied, resolved against the outer query and
turned into SQL again, a fraction of a millisecond each. `row_expressions` does that once. It compiles expressions
over one row of a model (subqueries that refer to the row's own columns through `OuterRef`) into `RawSQL` with the
same output fields; a query annotated with those costs nothing to compile for them. The SQL refers to the row by its
table's name, which is the alias Django gives a query's own table: annotate a query *on that model*. Used in a query
Django relabels (a subquery of another query), the expression refuses to compile rather than name another row.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.db.utils import DEFAULT_DB_ALIAS


class RowSQL(RawSQL):
    """A compiled row expression: its SQL names the row by its table, so it refuses any query whose own table goes
    by another alias (one relabelled as a subquery of another query), where that name would mean another row."""

    def __init__(self, sql: str, params: tuple, *, table: str, output_field: Any) -> None:
        super().__init__(sql, params, output_field=output_field)
        self.table = table

    def as_sql(self, compiler, connection):
        if compiler.query.base_table != self.table:
            raise ImproperlyConfigured(
                f"A compiled expression of {self.table} was used where that table is {compiler.query.base_table!r}."
            )
        return super().as_sql(compiler, connection)


_compiled: dict[tuple[str, str, str], dict[str, RowSQL]] = {}


def row_expressions(
    model: type[models.Model], name: str, build: Callable[[], dict[str, Any]], using: str = DEFAULT_DB_ALIAS
) -> dict[str, RowSQL]:
    """The expressions `build()` returns, compiled once per process and database engine and kept under `name`.

    Each must be computed from the row's own columns only (a join in the outer query would have an alias the SQL
    cannot count on): one that needs a join is refused with ImproperlyConfigured. `build` is called once per
    process, so nothing in what it returns may vary between calls: what does belongs in the query itself.
    """
    connection = connections[using]
    key = (model._meta.label_lower, name, connection.vendor)
    found = _compiled.get(key)
    if found is None:
        found = _compile(model, name, build(), using)
        _compiled[key] = found
    return found


def _compile(model: type[models.Model], name: str, expressions: dict[str, Any], using: str) -> dict[str, RowSQL]:
    query = model._default_manager.using(using).annotate(**expressions).query
    compiler = query.get_compiler(using=using)
    table = model._meta.db_table
    compiled = {}
    for label, expression in query.annotations.items():
        sql, params = expression.select_format(compiler, *compiler.compile(expression))
        # The SQL is the ORM's own compilation of the expressions, with their parameters kept apart.
        compiled[label] = RowSQL(sql, tuple(params), table=table, output_field=expression.output_field)
    joined = sorted(alias for alias in query.alias_map if alias != table and query.alias_refcount[alias])
    if joined:
        raise ImproperlyConfigured(f"{name}: row expressions of {table} may not join {', '.join(joined)}.")
    return compiled


def bind(
    expression: RowSQL, field: models.Field, placeholder: Any, value: Any, using: str = DEFAULT_DB_ALIAS
) -> RowSQL:
    """`expression` (one of `row_expressions`') with `value` where `build` compared `field` to `placeholder`.

    What changes per call cannot be compiled once, but it can be given a place: `build` compares the field to a
    placeholder value that no other parameter of the expression has (a fixed UUID, say), and each call binds its
    own value there, prepared for the database as the ORM prepares it.
    """
    connection = connections[using]
    mark = field.get_db_prep_value(placeholder, connection, prepared=False)
    if mark not in expression.params:
        raise ImproperlyConfigured(f"The placeholder {placeholder!r} is not among the expression's parameters.")
    given = field.get_db_prep_value(value, connection, prepared=False)
    params = tuple(given if param == mark else param for param in expression.params)
    return RowSQL(expression.sql, params, table=expression.table, output_field=expression.output_field)
