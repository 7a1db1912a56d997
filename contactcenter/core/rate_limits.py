"""Fixed-window rate limits shared by every server process.

With ``REDIS_URL`` the counter lives in Redis, reached through one connection pool per
process (Django's cache object is rebuilt for every request under ASGI, and with it a new
connection); without it, in Django's local-memory cache, which is per process. While Redis is
unreachable (``core.redis_fallback``) the counters fall back to this process's memory: limits
then count per process rather than not at all, and the page still answers.
"""

from __future__ import annotations

import threading
import time
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from contactcenter.core.client_addresses import client_address
from contactcenter.core.errors import ApplicationError, RateLimited
from contactcenter.core.redis_fallback import redis_call, redis_connection_options

Response = TypeVar("Response", bound=HttpResponseBase)

_redis_lock = threading.Lock()
_redis_client = None
# Counters kept while Redis is unreachable (one process's own).
_outage_counts = LocMemCache("rate-limits-redis-outage", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def _redis():
    global _redis_client
    if _redis_client is None:
        with _redis_lock:
            if _redis_client is None:
                import redis

                _redis_client = redis.Redis.from_url(
                    settings.REDIS_URL, **redis_connection_options()
                )
    return _redis_client


def _count_in_redis(cache_key: str, window_seconds: int) -> int:
    pipe = _redis().pipeline(transaction=False)
    pipe.incr(cache_key)
    pipe.expire(cache_key, window_seconds + 1, nx=True)
    count, _expiry_set = pipe.execute()
    return int(count)


def _count_in(store: BaseCache, cache_key: str, window_seconds: int) -> int:
    # add() is a no-op when the key exists, so the first request of a window starts at 1.
    if store.add(cache_key, 1, timeout=window_seconds + 1):
        return 1
    try:
        return int(store.incr(cache_key))
    except ValueError:  # expired between add() and incr()
        store.set(cache_key, 1, timeout=window_seconds + 1)
        return 1


def _count(cache_key: str, window_seconds: int) -> int:
    if settings.REDIS_URL:
        return redis_call(
            lambda: _count_in_redis(cache_key, window_seconds),
            lambda: _count_in(_outage_counts, cache_key, window_seconds),
        )
    return _count_in(cache, cache_key, window_seconds)


def rate_limit_hit(*, scope: str, key: str, limit: int, window_seconds: int) -> None:
    """Count one use of ``scope`` by ``key``; raise :class:`RateLimited` past ``limit``."""
    now = int(time.time())
    window = now // window_seconds
    count = _count(f"cc:rl:{scope}:{key}:{window}", window_seconds)
    if count > limit:
        retry_after = max((window + 1) * window_seconds - now, 1)
        raise RateLimited(
            _("Too many look-ups from your connection. Try again in %(seconds)d seconds.")
            % {"seconds": retry_after},
            retry_after=retry_after,
        )


def rate_limit_hit_by_client(
    request: HttpRequest, *, scope: str, limit: int, window_seconds: int
) -> None:
    """Count one use of ``scope`` by the request's client address (the right-most hop that is
    not one of ``TRUSTED_PROXIES``, else the socket's peer); raise
    :class:`RateLimited` past ``limit`` in the window. The adapter answers the error with
    :func:`retry_after_set` on its response."""
    rate_limit_hit(
        scope=scope,
        key=client_address(request),
        limit=limit,
        window_seconds=window_seconds,
    )


def retry_after_set(response: Response, error: ApplicationError | None) -> Response:
    """``response`` with ``Retry-After`` when it answers a :class:`RateLimited` error; any
    other error, or none, leaves it as it is."""
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response
