"""Hot statements prepared once per PostgreSQL connection.

Django compiles every queryset to SQL again each time it runs, and its psycopg cursors bind
parameters on the client, so PostgreSQL also parses and plans the statement every time. On a
path taken thousands of times a minute (reading the case behind a new service request), the
compiling and planning cost more than the reading. Here a queryset is compiled once per process
and run on a server-binding psycopg cursor that prepares it once per connection; the rows are
turned into model instances by the same compiler, so ``select_related`` and annotations come
back exactly as the ORM would give them.

Only PostgreSQL takes this path; elsewhere the queryset simply runs. This leans on Django's
compiler internals (``klass_info``, ``get_related_populators``), which is why the project pins
Django's LTS release and tests both paths.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import psycopg
from django.db import connection, models
from django.db.models.query import get_related_populators

ModelT = TypeVar("ModelT", bound=models.Model)

# A value no primary key takes, so its place among the compiled parameters can be found.
_MARKER = -8_191_001_337


@functools.lru_cache(maxsize=1024)
def dollar_placeholders(sql: str) -> str:
    """A fixed statement's ``%s`` placeholders as PostgreSQL's ``$1``, ``$2`` ... (and ``%%``
    as ``%``), worked out once per statement text.

    psycopg does the same conversion itself but keeps the result only for statements of up to
    50 parameters (ORMs build longer ones afresh each time); the hot statements here are a
    handful of fixed texts, some with more (an inquiry and its four history rows), so doing it
    once here and running them on psycopg's raw cursor spares that work on every call. Named
    placeholders (``%(name)s``) are not taken."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(1) == "%":
            return "%"
        if match.group(1) != "s":
            raise ValueError(f"only %s placeholders are taken, not %{match.group(1)}")
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(replace, sql)


_PLACEHOLDER = re.compile(r"%(.)", re.DOTALL)


class HotCursor(psycopg.RawCursor):
    """A server-binding cursor for the fixed hot statements, written with ``%s`` placeholders
    like any Django statement (see :func:`dollar_placeholders`)."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> HotCursor:
        return super().execute(dollar_placeholders(query), params, **kwargs)


def run_prepared(sql: str, params: Sequence[Any]) -> list[tuple]:
    """Run ``sql`` on the default connection as a prepared statement and return its rows.

    Errors come back as Django's (``IntegrityError`` and so on), and the statement appears in
    ``connection.queries`` when queries are being recorded, as any ORM statement would.
    """
    connection.ensure_connection()
    started = time.monotonic()
    with connection.wrap_database_errors, HotCursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        rows = cursor.fetchall() if cursor.description is not None else []
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": f"EXECUTE (prepared) {sql}", "time": f"{time.monotonic() - started:.3f}"}
        )
    return rows


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[Any, ...]
    marker_at: int
    compiler: Any
    init_list: list[str]
    model_slice: slice
    populators: list[Any]
    annotations: dict[str, int]


class PreparedGet(Generic[ModelT]):
    """``PreparedGet(lambda: Case.objects.select_related("office"))`` then ``.get(pk)``.

    ``build`` returns the queryset without the primary-key filter; it is called once per
    process. ``get`` raises the model's ``DoesNotExist`` like ``QuerySet.get``.
    """

    def __init__(self, build: Callable[[], models.QuerySet[ModelT]]) -> None:
        self._build = build
        self._plan: _Plan | None = None
        self._lock = threading.Lock()

    def _compiled(self) -> _Plan:
        if self._plan is not None:  # the usual case: no lock on the hot path
            return self._plan
        with self._lock:
            if self._plan is None:
                queryset = self._build().filter(pk=_MARKER)
                compiler = queryset.query.get_compiler(using=connection.alias)
                sql, params = compiler.as_sql()
                marker_at = [i for i, value in enumerate(params) if value == _MARKER]
                if len(marker_at) != 1:
                    raise ValueError("the primary key must appear once among the parameters")
                select, klass_info = compiler.select, compiler.klass_info
                fields = klass_info["select_fields"]
                model_slice = slice(fields[0], fields[-1] + 1)
                self._plan = _Plan(
                    sql=sql,
                    params=tuple(params),
                    marker_at=marker_at[0],
                    compiler=compiler,
                    init_list=[column[0].target.attname for column in select[model_slice]],
                    model_slice=model_slice,
                    # Django 5.2's signature; the type stubs follow a later release.
                    populators=get_related_populators(  # type: ignore[call-arg]
                        klass_info, select, connection.alias
                    ),
                    annotations=dict(compiler.annotation_col_map),
                )
            return self._plan

    def get(self, pk: Any) -> ModelT:
        if connection.vendor != "postgresql":
            return self._build().get(pk=pk)
        plan = self._compiled()
        params = list(plan.params)
        params[plan.marker_at] = pk
        rows = run_prepared(plan.sql, params)
        model = plan.compiler.query.model
        if not rows:
            raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        (row,) = plan.compiler.results_iter(results=[rows])
        obj = model.from_db(connection.alias, plan.init_list, row[plan.model_slice])
        for populator in plan.populators:
            populator.populate(row, obj)
        for name, position in plan.annotations.items():
            setattr(obj, name, row[position])
        return obj
