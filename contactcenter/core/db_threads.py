"""Run a short piece of database work for an async view on a long-lived worker thread.

Under ASGI, Django runs every sync view on a thread made for that one request, so each request
opens (and closes) its own database connection. Hot read-only endpoints instead run their work
here, on the event loop's thread pool, where a thread keeps its connection between requests:
on SQLite the connection stays open; elsewhere it goes back to the psycopg pool after each use
(cheap), so a database restart never strands a thread on a dead connection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from asgiref.sync import AsyncToSync, sync_to_async
from django.db import connection

P = ParamSpec("P")
T = TypeVar("T")


def _with_connection_hygiene(function: Callable[P, T]) -> Callable[P, T]:
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return function(*args, **kwargs)
        finally:
            if connection.vendor != "sqlite":
                connection.close()  # back to the pool

    return run


async def db_thread(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    if getattr(AsyncToSync.executors, "current", None) is not None:
        # Called from sync code through async_to_sync (a WSGI server, Django's test client):
        # the work goes back to that thread, as a sync view's would, with its connection and
        # its transaction.
        return await sync_to_async(function, thread_sensitive=True)(*args, **kwargs)
    return await sync_to_async(_with_connection_hygiene(function), thread_sensitive=False)(
        *args, **kwargs
    )
