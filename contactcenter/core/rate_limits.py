"""Fixed-window rate limits kept in the shared cache (Redis in production).

The counter lives in the cache so that every server process sees the same budget.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from contactcenter.core.errors import RateLimited


def client_address(request: HttpRequest, *, trusted_proxies: int) -> str:
    """The caller's address: the hop just before our own trusted proxies, else the socket."""
    if trusted_proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= trusted_proxies:
            return hops[-trusted_proxies]
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def rate_limit_hit(*, scope: str, key: str, limit: int, window_seconds: int) -> None:
    """Count one use of ``scope`` by ``key``; raise :class:`RateLimited` past ``limit``."""
    now = int(time.time())
    window = now // window_seconds
    cache_key = f"rl:{scope}:{key}:{window}"
    # add() is a no-op when the key exists, so the first request of a window starts at 1.
    if cache.add(cache_key, 1, timeout=window_seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.set(cache_key, 1, timeout=window_seconds + 1)
            count = 1
    if count > limit:
        retry_after = (window + 1) * window_seconds - now
        raise RateLimited(
            _("Too many look-ups from your connection. Try again in %(seconds)d seconds.")
            % {"seconds": max(retry_after, 1)},
            retry_after=max(retry_after, 1),
        )
