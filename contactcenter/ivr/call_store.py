"""A call's row and turns, read and written by hand on every turn of the phone line.

The ORM's compiler was the largest part of a turn's own CPU, so the statements a turn runs
(reading the call, writing a new call, storing a turn and moving the call on, reading the
transcript, writing the end of the call) are fixed text, run through :func:`hot_statement`
(prepared once per connection on PostgreSQL); rows come back through the same converters the
ORM applies, so what is read and written is what the ORM would read and write.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from contactcenter.core.db_prepared import HotCursor
from contactcenter.ivr.call_requests import CallRequest
from contactcenter.ivr.models import Call, CallTurn, FlowVersion

_TRANSCRIPT = (
    f"SELECT step, heard, said FROM {CallTurn._meta.db_table} "  # noqa: S608
    "WHERE call_id = %s AND step >= %s ORDER BY step"
)


def transcript_unposted(call: Call) -> tuple[str, int]:
    """The turns not yet written to the inquiry, as one text, and the step to start from next
    time (the stored TwiML is not read)."""
    turns = hot_statement(_TRANSCRIPT, [call.pk, call.transcript_posted], fetch="all")
    return transcript_text(turns, call.transcript_posted)


def transcript_text(turns: list[tuple[int, str, str]], posted: int) -> tuple[str, int]:
    lines: list[str] = []
    for _step, heard, said in turns:
        if heard:
            lines.append(f"Caller: {heard}")
        if said:
            lines.append(f"IVR: {said}")
    posted = turns[-1][0] + 1 if turns else posted
    return "\n".join(lines)[:10_000], posted


CALL_END_FIELDS = ("outcome", "ended_at", "state", "transcript_posted", "updated_at")
_CALL_END = (
    f"UPDATE {Call._meta.db_table} SET outcome = %s, ended_at = %s, state = %s, "  # noqa: S608
    "inquiry_id = %s, transcript_posted = %s, updated_at = %s WHERE id = %s"
)


def call_end_store(call: Call) -> None:
    """Write what the end of a call changed (outcome, end time, cleared state, inquiry,
    transcript position), as ``save(update_fields=...)`` would, by hand like every turn."""
    db = connections[DEFAULT_DB_ALIAS]
    call.updated_at = timezone.now()
    values = [
        _call_field(name).get_db_prep_save(getattr(call, name), db)
        for name in ("outcome", "ended_at", "state", "inquiry_id", "transcript_posted",
                     "updated_at", "id")
    ]  # fmt: skip
    hot_statement(_CALL_END, values)


@functools.cache
def _call_select(vendor: str, lock: bool) -> str:
    db = connections[DEFAULT_DB_ALIAS]
    columns = ", ".join(db.ops.quote_name(field.column) for field in _call_fields())
    locking = " FOR UPDATE" if lock and db.features.has_select_for_update else ""
    return f"SELECT {columns} FROM {Call._meta.db_table} WHERE call_sid = %s{locking}"  # noqa: S608


@functools.cache
def _call_field(attname: str) -> Any:
    return next(field for field in _call_fields() if field.attname == attname)


@functools.cache
def call_attnames() -> list[str]:
    return [field.attname for field in _call_fields()]


def call_locked(call_sid: str, *, lock: bool = True) -> Call | None:
    """The call row, locked until the transaction ends (``lock=False``: read as it stands).

    Hand-written because this runs on every turn and compiling the ORM's query for it was the
    largest part of a turn's own CPU; the statement and its one parameter are fixed."""
    db = connections[DEFAULT_DB_ALIAS]
    row = hot_statement(_call_select(db.vendor, lock), [call_sid], fetch=True)
    if row is None:
        return None
    values = list(row)
    for index, column, converters in _call_converters(db.vendor):
        for converter in converters:  # what the ORM converts, converted alike
            values[index] = converter(values[index], column, db)
    return Call.from_db(db.alias, call_attnames(), values)


@functools.cache
def _call_converters(vendor: str) -> tuple[tuple[int, Any, tuple[Any, ...]], ...]:
    # Per backend, looked up once (the ones Django's compiler finds for each query): what they
    # take from the connection they were found on is the database's time zone, from settings.
    found = []
    for index, column in enumerate(_call_columns()):
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            found.append((index, column, tuple(converters)))
    return tuple(found)


def hot_statement(sql: str, params: list[Any], *, fetch: bool | str = False) -> Any:
    """Run one of a call's fixed statements; ``fetch`` True gives one row, "all" every row.

    Django binds parameters on the client, so PostgreSQL would parse and plan these on every
    turn; there a plain psycopg cursor binds on the server and prepares each once per pooled
    connection (as the routing claim does). Text results, so Django's converters apply."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor == "postgresql":
        db.ensure_connection()
        # Django's error classes (and its note that the connection may be broken), as for any
        # statement run through Django.
        with db.wrap_database_errors, HotCursor(db.connection) as cursor:
            cursor.execute(sql, params, prepare=True)
            return _fetched(cursor, fetch)
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return _fetched(cursor, fetch)


def _fetched(cursor: Any, fetch: bool | str) -> Any:
    if fetch == "all":
        return cursor.fetchall()
    return cursor.fetchone() if fetch else None


@functools.cache
def _call_fields() -> tuple[Any, ...]:
    return tuple(Call._meta.concrete_fields)


@functools.cache
def _call_columns() -> tuple[Any, ...]:
    return tuple(field.get_col(Call._meta.db_table) for field in _call_fields())


_TURN_INSERT = (
    f"INSERT INTO {CallTurn._meta.db_table} (call_id, step, heard, said, node, twiml, created_at) "  # noqa: S608
    "VALUES (%s, %s, %s, %s, %s, %s, %s)"
)
_CALL_ADVANCE = (
    f"UPDATE {Call._meta.db_table} SET state = %s, next_step = %s, updated_at = %s WHERE id = %s"  # noqa: S608
)
# A turn taken without the row lock moves the call on only if it is still at this step, and
# stores the turn only if it did: one statement, atomic on its own.
_CALL_ADVANCE_IF_AT = _CALL_ADVANCE + " AND next_step = %s"
# On PostgreSQL also only if nothing else wrote the row since it was read (its updated_at): the
# row may have been read a turn ago (known_calls.py), or an agent or the provider may have
# written it meanwhile.
_CALL_ADVANCE_IF_UNCHANGED = _CALL_ADVANCE_IF_AT + " AND updated_at = %s"
_TURN_INSERT_AFTER_ADVANCE = (  # identifiers only are formatted in; values are parameters
    f"WITH moved AS ({_CALL_ADVANCE_IF_UNCHANGED} RETURNING id) "  # noqa: S608
    f"INSERT INTO {CallTurn._meta.db_table} (call_id, step, heard, said, node, twiml, created_at) "
    "SELECT id, %s, %s, %s, %s, %s, %s FROM moved RETURNING call_id"
)


# The last turn of a call, taken without the row lock: the same conditional move and turn,
# and in the same statement the turns still to be posted to the inquiry. The turn written here
# is not visible to the statement's own read, so the caller adds it; the first row (-1) says
# the call was moved at all.
_LAST_TURN_STORE = (  # identifiers only are formatted in; values are parameters
    f"WITH moved AS ({_CALL_ADVANCE_IF_UNCHANGED} RETURNING id), "  # noqa: S608
    f"turn AS (INSERT INTO {CallTurn._meta.db_table} "
    "(call_id, step, heard, said, node, twiml, created_at) "
    "SELECT id, %s, %s, %s, %s, %s, %s FROM moved RETURNING call_id) "
    "SELECT -1 AS step, '' AS heard, '' AS said FROM turn UNION ALL "
    f"SELECT step, heard, said FROM {CallTurn._meta.db_table} "
    "WHERE call_id = %s AND step >= %s AND EXISTS (SELECT 1 FROM turn) ORDER BY 1"
)


def turn_store(call: Call, *, step: int, node: str, heard: str, said: str, twiml: str,
               state: dict[str, Any], only_if_next: bool = False,
               unposted: list[tuple[int, str, str]] | None = None) -> bool:  # fmt: skip
    """Store the answered turn and move the call on: the two writes of every turn, by hand for
    the same reason as :func:`call_locked` (what is written is what the ORM wrote). On
    PostgreSQL both go in one statement, one round trip.

    ``only_if_next``: the call's row is not locked; nothing is written (and False is returned)
    if another request already answered this step, or (PostgreSQL) anything else wrote the row
    since it was read. ``unposted`` (with ``only_if_next``, on
    PostgreSQL): filled with the call's turns not yet posted to its inquiry, this one last."""
    now = timezone.now()
    state_value = Call._meta.get_field("state").get_db_prep_save(state, connection)
    turn: list[Any] = [call.pk, step, heard, said, node, twiml, now]
    advance: list[Any] = [state_value, step + 1, now, call.pk]
    if only_if_next:
        if connection.vendor == "postgresql" and unposted is not None:
            rows = hot_statement(
                _LAST_TURN_STORE,
                [*advance, step, call.updated_at, *turn[1:], call.pk, call.transcript_posted],
                fetch="all",
            )
            if not rows:
                return False
            unposted.extend((row[0], row[1], row[2]) for row in rows[1:])
            unposted.append((step, heard, said))
        elif connection.vendor == "postgresql":
            stored = hot_statement(
                _TURN_INSERT_AFTER_ADVANCE,
                [*advance, step, call.updated_at, *turn[1:]],
                fetch=True,
            )
            if stored is None:
                return False
        else:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_CALL_ADVANCE_IF_AT, [*advance, step])
                if cursor.rowcount != 1:
                    return False
                cursor.execute(_TURN_INSERT, turn)
    elif connection.vendor == "postgresql":
        hot_statement(f"WITH turn AS ({_TURN_INSERT}) {_CALL_ADVANCE}", turn + advance)
    else:
        hot_statement(_TURN_INSERT, turn)
        hot_statement(_CALL_ADVANCE, advance)
    call.state, call.next_step, call.updated_at = state, step + 1, now
    return True


@functools.cache
def _call_insert(vendor: str) -> str:
    """A new call's row from the line's active flow version, in one statement that writes
    nothing when the call is already there (a retried or doubled first request) or the line
    has no active flow: both then come back as no row."""
    db = connections[DEFAULT_DB_ALIAS]
    fields = [field for field in _call_fields() if not field.primary_key]
    columns = ", ".join(db.ops.quote_name(field.column) for field in fields)
    values = ", ".join("v.id" if field.attname == "flow_version_id" else "%s" for field in fields)
    return (
        f"INSERT INTO {Call._meta.db_table} ({columns}) SELECT {values} "  # noqa: S608
        f"FROM {FlowVersion._meta.db_table} v WHERE v.line = %s AND v.active = %s "
        "ON CONFLICT (call_sid) DO NOTHING RETURNING id, flow_version_id"
    )


def call_start(request: CallRequest) -> Call | None:
    """The call's row written for its first request (no transaction, no lock: the turn is
    then stored like any other, only if the call is still at step 0); None when it was not
    written."""
    db = connections[DEFAULT_DB_ALIAS]
    now = timezone.now()
    call = Call(call_sid=request.call_sid, line=request.line, from_number=request.from_number[:32],
                started_at=now, created_at=now, updated_at=now)  # fmt: skip
    params = [
        field.get_db_prep_save(getattr(call, field.attname), db)
        for field in _call_fields()
        if not field.primary_key and field.attname != "flow_version_id"
    ]
    row = hot_statement(_call_insert(db.vendor), [*params, request.line, True], fetch=True)
    if row is None:
        return None
    call.pk, call.flow_version_id = row
    call._state.adding, call._state.db = False, db.alias
    return call
