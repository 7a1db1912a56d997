"""db_thread: database work for async views runs on a long-lived pool thread under an ASGI
server, and back in the calling thread when sync code (a WSGI server, the test client)
called the async view through async_to_sync, so it shares that thread's transaction."""

from __future__ import annotations

import asyncio
import threading

from asgiref.sync import async_to_sync

from contactcenter.core.db_threads import db_thread


def where() -> int:
    return threading.get_ident()


def test_from_sync_code_the_work_comes_back_to_the_calling_thread():
    async def view() -> int:
        return await db_thread(where)

    assert async_to_sync(view)() == threading.get_ident()


def test_on_a_bare_event_loop_the_work_goes_to_a_pool_thread():
    async def view() -> tuple[int, int]:
        return await db_thread(where), threading.get_ident()

    worker, loop_thread = asyncio.run(view())
    assert worker != loop_thread
