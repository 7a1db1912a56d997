"""Every contact event into the operations log, in the transaction of the change it reports.

Connected to ``contact_event_recorded`` (inside the emitting transaction): the event is stored
if and only if the change commits, so the counts can neither miss a step nor count one that
was rolled back. One INSERT per event; an id already stored changes nothing (``ON CONFLICT
(event_id) DO NOTHING``, the same words on SQLite and PostgreSQL), so an event delivered twice
is kept once. The payload is made storable first (a detail value that JSON cannot hold is
written as text, a float that is not finite as null) so a receiver here never turns a good
change into a failed one over how a count was written.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from django.db import connection
from django.db.models import Field

from contactcenter.core.domain_events import ContactEvent
from contactcenter.operations.models import ContactEventRecord

_COLUMNS = (
    "event_id", "kind", "channel", "at", "recorded_at", "language", "inquiry_id", "queue_id",
    "work_item_id", "agent_id", "actor_user_id", "record_id", "detail",
)  # fmt: skip


@functools.cache
def _fields() -> list[Field]:
    by_name = {
        field.name: field
        for field in ContactEventRecord._meta.concrete_fields
        if isinstance(field, Field)
    }
    return [by_name[name] for name in _COLUMNS]


@functools.cache
def _insert_sql(vendor: str, rows: int = 1) -> str:
    """The statement for ``rows`` events, built once per database vendor and row count (names
    quoted as that vendor quotes)."""
    quote = connection.ops.quote_name
    table = quote(ContactEventRecord._meta.db_table)
    columns = ", ".join(quote(str(field.column)) for field in _fields())
    values = ", ".join([f"({', '.join(['%s'] * len(_COLUMNS))})"] * rows)
    return (
        f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608 (names from the model)
        f"ON CONFLICT ({quote('event_id')}) DO NOTHING"
    )


def _storable(value: object) -> object:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return str(value)


def _params(event: ContactEvent) -> list[Any]:
    record = ContactEventRecord(
        event_id=event.id, kind=str(event.kind), channel=event.channel[:20], at=event.at,
        language=event.language[:8], inquiry_id=event.inquiry_id, queue_id=event.queue_id,
        work_item_id=event.work_item_id, agent_id=event.agent_id,
        actor_user_id=event.actor_user_id, record_id=event.record_id,
        detail={str(key): _storable(value) for key, value in event.detail.items()},
    )  # fmt: skip
    return [
        field.get_db_prep_save(getattr(record, field.attname), connection) for field in _fields()
    ]


def contact_event_store(sender, *, event: ContactEvent, together: bool = False, **kwargs) -> None:
    if together:  # stored with the others by contact_events_store
        return
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor), _params(event))


# Rows per statement: well under SQLite's 32,766 parameters (13 a row) and small enough that
# few distinct statements are built and cached.
_ROWS_PER_INSERT = 100


def contact_events_store(sender, *, events: tuple[ContactEvent, ...], **kwargs) -> None:
    """Events reported together (``contact_events_together``): a statement per hundred."""
    with connection.cursor() as cursor:
        for start in range(0, len(events), _ROWS_PER_INSERT):
            part = events[start : start + _ROWS_PER_INSERT]
            params = [value for event in part for value in _params(event)]
            cursor.execute(_insert_sql(connection.vendor, len(part)), params)
