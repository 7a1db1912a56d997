"""Reference reads that every staff page repeats, kept in this process for a few seconds.

The workspace reads the same short lists on every page and every post: the dispositions an
agent may choose, the canned replies, the active queues. They change a few times a year, so a
page asks the database for each at most once every ``ttl_seconds`` per server process.

Only reads that carry no person's data belong here (never a person, a case, an agent's
presence or a member of staff's roles: who may see what is decided on every request). A change
saved through the ORM clears the list at once in the process that saved it, and again when its
transaction commits (``clear_on_change``); other server processes see it within the time to
live. A list read inside a transaction is used but not kept, so a rolled-back change is never
remembered.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connection, transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

_ALL: list[ProcessCache[Any]] = []


class ProcessCache(Generic[T]):
    """One value loaded by ``load`` and kept for ``ttl_seconds`` in this process."""

    def __init__(
        self,
        name: str,
        load: Callable[[], T],
        *,
        ttl_seconds: float = 30.0,
        keep_in_transaction: bool = False,
    ) -> None:
        self.name = name
        self._load = load
        self._ttl = ttl_seconds
        # A value every request reads and that changes only by an administrator's save (the
        # agency profile) is kept even when read inside a transaction: a save clears it, and
        # a rolled-back save is forgotten within the time to live.
        self._keep_in_transaction = keep_in_transaction
        self._kept: tuple[float, T] | None = None
        _ALL.append(self)

    def get(self) -> T:
        kept = self._kept  # one read: another thread may clear it meanwhile
        now = time.monotonic()
        if kept is not None and now - kept[0] < self._ttl:
            return kept[1]
        value = self._load()
        if self._keep_in_transaction or not connection.in_atomic_block:
            self._kept = (now, value)
        return value

    def kept(self) -> T | None:
        """The value kept, however old, without loading (for a page that must not touch the
        database, such as the one said when the database has failed); None when none is."""
        kept = self._kept
        return kept[1] if kept is not None else None

    def put(self, value: T) -> None:
        """Keep ``value`` as if it had just been loaded (the tests start the agency profile as
        the default one, which is what an empty database gives)."""
        self._kept = (time.monotonic(), value)

    def clear(self) -> None:
        self._kept = None


def clear_on_change(cache: ProcessCache[Any], *models: type[Model]) -> None:
    """Clear ``cache`` whenever a row of one of ``models`` is saved or deleted: at once, and
    again once the transaction commits (a read in between would keep the old rows)."""

    def cleared(**_kwargs: object) -> None:
        cache.clear()
        transaction.on_commit(cache.clear)

    for model in models:
        uid = f"process_cache:{cache.name}:{model._meta.label}"
        post_save.connect(cleared, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(cleared, sender=model, weak=False, dispatch_uid=uid + ":delete")


def process_caches_clear() -> None:
    """Forget every kept list in this process (the tests do, between tests)."""
    for cache in _ALL:
        cache.clear()
