"""Insert a row and the rows that hang off it in one round trip.

A hot write (a service request with its history events) is several INSERTs; Django sends each
one on its own, inside BEGIN ... COMMIT. On PostgreSQL, data-modifying common table expressions
put them in one statement, which is atomic on its own, so the whole write costs one round trip
instead of four. Elsewhere (SQLite) the same rows are written with the ORM in one transaction.

Values go through each field's own ``pre_save`` and ``get_db_prep_save``, exactly as
``Model.save`` would (``auto_now`` stamps, JSON, time zones), and the parent comes back with its
primary key set and marked as saved. ``then_save`` points one existing row at the new parent in
the same statement (a phone call at the inquiry it settled), saved as ``save(update_fields=...)``
would save it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from contactcenter.core.db_prepared import run_prepared


def _quoted(name: str | None) -> str:
    assert name is not None, "a concrete field always has a column"
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(name)


@functools.cache
def _insert_fields(model: type[models.Model]) -> tuple[tuple[Any, str], ...]:
    """Every concrete field of ``model`` with its quoted column, worked out once per model."""
    return tuple((field, _quoted(field.column)) for field in model._meta.concrete_fields)


def _columns_and_values(obj: models.Model, db: Any) -> tuple[list[str], list[Any]]:
    columns: list[str] = []
    values: list[Any] = []
    for field, column in _insert_fields(type(obj)):
        if field.primary_key and getattr(obj, field.attname) is None:
            continue
        value = field.pre_save(obj, add=True)
        columns.append(column)
        values.append(field.get_db_prep_save(value, connection=db))
    return columns, values


@dataclass(frozen=True, slots=True)
class ThenSave:
    """An existing row to point at the new parent in the same write: ``obj``'s foreign key
    ``link`` is set to the parent and saved with ``fields`` (as ``save(update_fields=...)``)."""

    obj: models.Model
    link: str
    fields: tuple[str, ...] = ()


def insert_with_children(
    parent: models.Model,
    children: Sequence[models.Model],
    *,
    link: str,
    then_save: ThenSave | None = None,
) -> None:
    """Insert ``parent`` and then ``children``, each of which points at it through the foreign
    key named ``link``; then, if asked, update one existing row to point at the parent. All or
    nothing: one statement on PostgreSQL, one transaction elsewhere.
    """
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        with transaction.atomic():
            parent.save(force_insert=True)
            for child in children:
                setattr(child, link, parent)
            if children:
                type(children[0])._default_manager.bulk_create(children)
            if then_save is not None:
                setattr(then_save.obj, then_save.link, parent)
                then_save.obj.save(update_fields=[then_save.link, *then_save.fields])
        return

    parent_meta = parent._meta
    pk_column = _quoted(parent_meta.pk.column if parent_meta.pk else None)
    columns, params = _columns_and_values(parent, db)
    parts = [
        # Only quoted identifiers are formatted into the SQL; every value is a parameter.
        f"parent AS (INSERT INTO {db.ops.quote_name(parent_meta.db_table)} "  # noqa: S608
        f"({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
        f"RETURNING {pk_column})"
    ]
    # Children of one model go in one multi-row INSERT, so their ids follow the list's order.
    groups: list[list[models.Model]] = []
    for child in children:
        if groups and type(groups[-1][0]) is type(child):
            groups[-1].append(child)
        else:
            groups.append([child])
    for index, group in enumerate(groups):
        link_field = group[0]._meta.get_field(link)
        assert isinstance(link_field, models.ForeignKey)
        link_column = _quoted(link_field.column)
        rows: list[str] = []
        child_columns: list[str] = []
        for child in group:
            child_columns = []
            row_values: list[Any] = []
            for column, value in zip(*_columns_and_values(child, db), strict=True):
                if column != link_column:
                    child_columns.append(column)
                    row_values.append(value)
            placeholders = ", ".join(["%s"] * len(row_values))
            rows.append(f"((SELECT {pk_column} FROM parent), {placeholders})")  # noqa: S608
            params.extend(row_values)
        table = db.ops.quote_name(group[0]._meta.db_table)
        parts.append(
            f"child_{index} AS (INSERT INTO {table} "  # noqa: S608  (identifiers only)
            f"({link_column}, {', '.join(child_columns)}) VALUES {', '.join(rows)})"
        )
    if then_save is not None:
        parts.append(_then_save_part(then_save, pk_column, params, db))
    sql = f"WITH {', '.join(parts)} SELECT {pk_column} FROM parent"  # noqa: S608
    # The text is the same for every write of the same shape, so it is prepared once per
    # connection rather than parsed and planned each time.
    ((primary_key,),) = run_prepared(sql, params)
    parent.pk = primary_key
    parent._state.adding = False
    parent._state.db = db.alias
    for child in children:
        setattr(child, link, parent)
    if then_save is not None:
        setattr(then_save.obj, then_save.link, parent)


def _then_save_part(then_save: ThenSave, pk_column: str, params: list[Any], db: Any) -> str:
    obj = then_save.obj
    meta = obj._meta
    assert meta.pk is not None and obj.pk is not None, "only a saved row can be pointed"
    link_field = meta.get_field(then_save.link)
    assert isinstance(link_field, models.ForeignKey)
    # Only quoted identifiers are formatted into the SQL; every value is a parameter.
    assignments = [f"{_quoted(link_field.column)} = (SELECT {pk_column} FROM parent)"]  # noqa: S608
    for name in then_save.fields:
        field = meta.get_field(name)
        assert isinstance(field, models.Field) and field.concrete
        value = field.pre_save(obj, add=False)  # auto_now stamps, as save() would
        assignments.append(f"{_quoted(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection=db))
    params.append(meta.pk.get_db_prep_save(obj.pk, connection=db))
    return (
        f"then_save AS (UPDATE {db.ops.quote_name(meta.db_table)} "  # noqa: S608  (identifiers)
        f"SET {', '.join(assignments)} WHERE {_quoted(meta.pk.column)} = %s)"
    )
