"""Keep serving when Redis is away: a per-process circuit breaker and the fallbacks it picks.

Redis holds three things here, none of them the only copy of anything a person submitted: the
cache (rate-limit counters, allauth's sign-in counters), the rate limits' own counters, and
the channel layers that push live updates to open pages. When a call to Redis fails to
connect or times out, the breaker opens for ``REDIS_RETRY_SECONDS``; while it is open

- the cache (:class:`FallbackRedisCache`) and the rate limits use this process's memory, so
  limits count per process, a little looser across several servers but never off;
- live pushes over a channel layer are skipped (the write they report is already committed;
  pages catch up on their next load or reconnect);
- WebSocket consumers close with 1013, "try again later", and the pages reconnect with
  back-off (:class:`RedisOutageClosesSocket`).

The first call after the retry time tries Redis again, and everything goes back to it on its
own. The outage is logged once when it starts and once when it ends, never per request.
Short connect and read timeouts (``REDIS_CONNECT_TIMEOUT_SECONDS``,
``REDIS_SOCKET_TIMEOUT_SECONDS``) keep a Redis that does not answer (rather than refusing)
from holding requests: only the call that trips the breaker waits that long.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar

import redis
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

# What an unreachable or stalled Redis raises (redis-py wraps refused connections and time-outs
# in its own ConnectionError and TimeoutError; OSError in case a socket error escapes).
REDIS_ERRORS: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)
# A call that waited too long, as opposed to one refused: redis-py's own, and the standard
# library's (asyncio's time-outs are the built-in TimeoutError since Python 3.11).
TIMEOUT_ERRORS: tuple[type[BaseException], ...] = (redis.exceptions.TimeoutError, TimeoutError)
# WebSocket close code 1013: "try again later" (RFC 6455's registry).
CLOSE_TRY_AGAIN_LATER = 1013

Result = TypeVar("Result")


class RedisCircuit:
    """Whether this process should try Redis now. Shared by threads and the event loop; the
    state is two numbers, and a race only means one extra try or one extra fallback."""

    def __init__(self) -> None:
        self._open_until = 0.0
        self._down = False
        self._timing_out_since: float | None = None
        self._lock = threading.Lock()

    def available(self) -> bool:
        return time.monotonic() >= self._open_until or not getattr(settings, "REDIS_URL", "")

    @property
    def down(self) -> bool:
        return self._down

    def failed(self, error: BaseException) -> None:
        """A call failed. A refused or broken connection is an outage at once. A time-out is
        one only once Redis has answered nothing for ``REDIS_TIMEOUT_GRACE_SECONDS``: on a
        machine whose cores are all busy, one call's answer can arrive late though Redis is
        there, and opening the breaker then would turn every socket of the process away (1013)
        for the whole retry time. The late call itself still falls back."""
        retry = float(getattr(settings, "REDIS_RETRY_SECONDS", 5))
        grace = float(getattr(settings, "REDIS_TIMEOUT_GRACE_SECONDS", 2))
        now = time.monotonic()
        with self._lock:
            if grace > 0 and isinstance(error, TIMEOUT_ERRORS):
                if self._timing_out_since is None:
                    self._timing_out_since = now
                if now - self._timing_out_since < grace:
                    return
            self._open_until = now + retry
            first = not self._down
            self._down = True
        if first:
            logger.warning(
                "redis.unavailable",
                extra={"error": type(error).__name__, "retry_seconds": retry},
            )

    def succeeded(self) -> None:
        self._timing_out_since = None
        if not self._down:
            return
        with self._lock:
            was_down, self._down = self._down, False
            self._open_until = 0.0
        if was_down:
            logger.warning("redis.recovered")

    def reset(self) -> None:
        """Forget any outage (tests)."""
        with self._lock:
            self._open_until = 0.0
            self._down = False
            self._timing_out_since = None


redis_circuit = RedisCircuit()


def redis_connection_options() -> dict[str, Any]:
    """Connection-pool options for every Redis client of ours: short time-outs and one quick
    retry (redis-py 8 otherwise retries ten times with back-off, seconds per failed call)."""
    return {
        "socket_connect_timeout": float(getattr(settings, "REDIS_CONNECT_TIMEOUT_SECONDS", 0.3)),
        "socket_timeout": float(getattr(settings, "REDIS_SOCKET_TIMEOUT_SECONDS", 1)),
        "retry": Retry(NoBackoff(), 1),
    }


def redis_call(call: Callable[[], Result], fallback: Callable[[], Result]) -> Result:
    """``call()`` against Redis unless the breaker is open or it fails; else ``fallback()``."""
    if redis_circuit.available():
        try:
            result = call()
        except REDIS_ERRORS as error:
            redis_circuit.failed(error)
        else:
            redis_circuit.succeeded()
            return result
    return fallback()


class FallbackRedisCache(RedisCache):
    """Django's Redis cache that uses this process's memory while Redis is unreachable.

    Values written during an outage stay in memory only and are not copied to Redis when it
    returns; for counters and short-lived keys (all this project caches) that is what a
    restart of Redis would do anyway.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = dict(params)
        params["OPTIONS"] = {**redis_connection_options(), **params.get("OPTIONS", {})}
        super().__init__(server, params)
        fallback_params = {k: v for k, v in params.items() if k != "OPTIONS"}
        self._fallback = LocMemCache(f"redis-fallback:{server}", fallback_params)

    def _either(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return redis_call(
            lambda: getattr(RedisCache, name)(self, *args, **kwargs),
            lambda: getattr(self._fallback, name)(*args, **kwargs),
        )

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._either("delete_many", *args, **kwargs)

    def clear(self) -> Any:
        self._fallback.clear()
        return self._either("clear")


def channel_send_skipped(what: str) -> bool:
    """True (and nothing to do) when the breaker says Redis is away: callers skip a live push
    rather than wait on a connection that will fail."""
    if redis_circuit.available():
        return False
    logger.debug("redis.push_skipped", extra={"what": what})
    return True


class RedisOutageClosesSocket:
    """Mixin for WebSocket consumers on a Redis channel layer: if the layer fails (joining a
    group on connect, or the channel's receive while open), the socket is closed with 1013 so
    the page tries again later, instead of the consumer dying with an error."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if not redis_circuit.available():
            # Known to be away: no need to wait for the layer to fail again.
            with suppress(Exception):
                await receive()  # websocket.connect
                await send({"type": "websocket.accept"})
                await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})
            return
        accepted = False
        client_gone = False

        async def send_tracking(message: dict[str, Any]) -> None:
            nonlocal accepted, client_gone
            if message.get("type") == "websocket.accept":
                accepted = True
            try:
                await send(message)
            except OSError:
                # The server could not write to the person's socket (uvicorn's
                # ClientDisconnected is an OSError): they closed the page, Redis is fine.
                client_gone = True
                raise

        try:
            await super().__call__(scope, receive, send_tracking)  # type: ignore[misc]
        except REDIS_ERRORS as error:
            if client_gone:
                return  # nobody is left to tell, and no reason to turn other sockets away
            redis_circuit.failed(error)
            with suppress(Exception):
                if not accepted:
                    # A close before the handshake is answered as an HTTP 403; accept first
                    # so the page sees 1013 and knows to come back.
                    await send({"type": "websocket.accept"})
                await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})
