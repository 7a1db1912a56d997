"""Raw SQL that changes the disclosure log behind its triggers' back, as someone with the
database's keys could: what the chain must catch."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator

from django.db import connection

_TRIGGERS = importlib.import_module("contactcenter.audit.migrations.0005_chain_and_outcome")


@contextlib.contextmanager
def triggers_off() -> Iterator[None]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in _TRIGGERS.SQLITE_DOWN:
                cursor.execute(statement)
        else:
            # A superuser's switch: triggers (ours and the foreign keys') do not fire.
            cursor.execute("SET session_replication_role = replica")
        try:
            yield
        finally:
            if connection.vendor == "sqlite":
                for statement in _TRIGGERS.SQLITE_UP:
                    cursor.execute(statement)
            else:
                cursor.execute("SET session_replication_role = DEFAULT")


def raw(statement: str, params: list | None = None, *, bypass: bool = True) -> None:
    context = triggers_off() if bypass else contextlib.nullcontext()
    with context, connection.cursor() as cursor:
        cursor.execute(statement, params or [])
