"""The Redis circuit breaker in one process, against a redis-server this test starts and kills:
the cache and the rate limits fall back to memory and come back, and live pushes are skipped
with one log line per outage, never an error into the caller."""

from __future__ import annotations

import logging
import time

import pytest
from channels.layers import channel_layers
from django.db import transaction

from contactcenter.core import rate_limits
from contactcenter.core.errors import RateLimited
from contactcenter.core.live_events import AGENTS_GROUP, desk_event_send
from contactcenter.core.redis_fallback import FallbackRedisCache, redis_circuit
from tests.redis_servers import RedisProcess, needs_redis_server

pytestmark = needs_redis_server


@pytest.fixture
def redis_process(tmp_path):
    process = RedisProcess(tmp_path)
    process.start()
    yield process
    process.kill()


@pytest.fixture(autouse=True)
def _fresh_breaker(settings):
    settings.REDIS_RETRY_SECONDS = 0.5
    redis_circuit.reset()
    yield
    redis_circuit.reset()


@pytest.fixture
def redis_settings(settings, redis_process):
    """The rate limits and channel layers pointed at the throwaway Redis."""
    settings.REDIS_URL = redis_process.url
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": redis_process.url, "socket_connect_timeout": 0.3}]},
        }
    }
    rate_limits._redis_client = None
    channel_layers.backends.clear()
    yield redis_process
    rate_limits._redis_client = None
    channel_layers.backends.clear()


def outage_lines(caplog) -> list[str]:
    return [r.message for r in caplog.records if r.message.startswith("redis.")]


def test_cache_falls_back_to_memory_and_returns_to_redis(redis_settings, caplog):
    redis_process = redis_settings
    cache = FallbackRedisCache(redis_process.url, {"KEY_PREFIX": "t"})
    cache.set("kept", 1)
    assert cache.get("kept") == 1
    assert redis_process.client().exists("t:1:kept")

    redis_process.kill()
    with caplog.at_level(logging.WARNING, logger="contactcenter.core.redis_fallback"):
        for _ in range(20):
            cache.set("counter", 0)
            assert cache.incr("counter") == 1
            assert cache.add("counter", 5) is False
        # What Redis held is not there while it is away, and nothing fails for it.
        assert cache.get("kept") is None
    assert outage_lines(caplog) == ["redis.unavailable"]

    redis_process.start()
    time.sleep(0.6)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="contactcenter.core.redis_fallback"):
        cache.set("back", 2)
    assert redis_process.client().exists("t:1:back")
    assert outage_lines(caplog) == ["redis.recovered"]


def test_rate_limits_count_per_process_while_redis_is_down(redis_settings):
    def hit() -> None:
        rate_limits.rate_limit_hit(scope="t", key="203.0.113.9", limit=3, window_seconds=60)

    hit()
    assert list(redis_settings.client().scan_iter("cc:rl:t:*"))

    redis_settings.kill()
    for _ in range(3):
        hit()  # counted afresh in this process's memory
    with pytest.raises(RateLimited):
        hit()  # the limit still holds, per process

    redis_settings.start()
    time.sleep(0.6)
    redis_settings.client().flushdb()
    hit()
    assert list(redis_settings.client().scan_iter("cc:rl:t:*")), "counting in Redis again"


@pytest.mark.django_db(transaction=True)
def test_a_live_push_while_redis_is_down_is_skipped_and_logged_once(redis_settings, caplog):
    redis_settings.kill()
    with caplog.at_level(logging.INFO):
        for _ in range(5):
            with transaction.atomic():
                pass  # a committed write the push reports on stays committed
            desk_event_send(AGENTS_GROUP, {"kind": "work"})
    assert outage_lines(caplog) == ["redis.unavailable"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_late_answer_is_not_an_outage_but_a_silent_redis_becomes_one(settings, caplog):
    """A time-out falls back for that call only; once nothing has answered for the grace
    period the breaker opens. A success in between starts the count again."""
    import socket

    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # the breaker only acts with Redis configured
    settings.REDIS_TIMEOUT_GRACE_SECONDS = 0.3
    settings.REDIS_SOCKET_TIMEOUT_SECONDS = 0.1
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # the kernel completes connections; nothing ever reads or answers
    try:
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        cache = FallbackRedisCache(url, {"KEY_PREFIX": "t"})
        with caplog.at_level(logging.WARNING, logger="contactcenter.core.redis_fallback"):
            cache.set("late", 1)  # times out, kept in memory instead
            assert cache.get("late") == 1
            assert redis_circuit.available(), "one late answer opened the breaker"
            redis_circuit.succeeded()  # something answered: the count starts again
            time.sleep(0.35)
            cache.set("late", 2)
            assert redis_circuit.available(), "a success in between did not reset the count"
            time.sleep(0.35)
            cache.set("late", 3)
            assert not redis_circuit.available(), "silent past the grace: an outage"
        assert outage_lines(caplog) == ["redis.unavailable"]
    finally:
        silent.close()


def test_a_refused_connection_is_an_outage_at_once(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.REDIS_TIMEOUT_GRACE_SECONDS = 60
    closed = __import__("socket").socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: connections are refused
    cache = FallbackRedisCache(f"redis://127.0.0.1:{port}/0", {"KEY_PREFIX": "t"})
    cache.set("x", 1)
    assert not redis_circuit.available()
