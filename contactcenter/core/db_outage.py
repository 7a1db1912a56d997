"""Riding out a database outage in long-running loops (the worker's periodic jobs, the task
runner): a lost or refused connection is logged by its class alone (its message may carry
host names or values), every connection of this process is closed so the next try opens a
fresh one, and the loop waits 1, 2, 4 ... 30 seconds between tries, then carries on."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable

from django.db import connections
from django.db.utils import InterfaceError, OperationalError

from contactcenter.core.backoff import Backoff

logger = logging.getLogger(__name__)

DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


def connections_discard() -> None:
    """Close every connection this thread holds, ignoring errors from dead ones."""
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(*DATABASE_ERRORS):
            connection.close()


def database_outage_wait(
    error: BaseException, *, backoff: Backoff, loop: str, sleep: Callable[[float], None]
) -> float:
    """Log ``error`` by class, drop the connections, wait the next back-off; return the wait."""
    delay = backoff.next_delay()
    name = type(error).__name__
    logger.warning(
        "database.unavailable %s in %s; trying again in %g s",
        name,
        loop,
        delay,
        extra={"loop": loop, "error": name, "retry_in": delay},
    )
    connections_discard()
    sleep(delay)
    return delay


def run_through_outages(
    step: Callable[[], object],
    *,
    loop: str,
    keep_going: Callable[[], bool],
    pause: float,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Call ``step`` every ``pause`` seconds while ``keep_going()``; a database error waits
    out its back-off instead of ending the loop, and the first success resets it."""
    backoff = Backoff()
    while keep_going():
        try:
            step()
        except DATABASE_ERRORS as error:
            database_outage_wait(error, backoff=backoff, loop=loop, sleep=sleep)
            continue
        if backoff.failures:
            logger.warning("database.available again in %s", loop, extra={"loop": loop})
            backoff.reset()
        sleep(pause)
