"""Reference lists kept per process (core/process_cache.py): kept for their time to live, never
kept from inside a transaction, and forgotten when one of their rows is saved."""

from __future__ import annotations

import pytest

from contactcenter.core import process_cache
from contactcenter.core.process_cache import ProcessCache
from contactcenter.desk.replies import CANNED_REPLIES_OFFERED, canned_replies_offered
from contactcenter.inquiries.selectors import DISPOSITIONS_OFFERED, dispositions_for_agents
from contactcenter.inquiries.services import disposition_save


def _counting() -> tuple[list[int], ProcessCache[int]]:
    calls: list[int] = []

    def load() -> int:
        calls.append(1)
        return len(calls)

    return calls, ProcessCache("test_counting", load, ttl_seconds=30)


def test_a_value_is_read_once_within_its_time_to_live_then_again(monkeypatch):
    calls, cache = _counting()
    assert (cache.get(), cache.get()) == (1, 1)
    now = process_cache.time.monotonic()
    monkeypatch.setattr(process_cache.time, "monotonic", lambda: now + 31)
    assert cache.get() == 2 and len(calls) == 2


def test_clear_forgets_the_value():
    _calls, cache = _counting()
    cache.get()
    cache.clear()
    assert cache.get() == 2


@pytest.mark.django_db
def test_nothing_read_inside_a_transaction_is_kept():
    _calls, cache = _counting()
    assert (cache.get(), cache.get()) == (1, 2)  # the test runs in a transaction


@pytest.mark.django_db
def test_saving_a_disposition_or_a_canned_reply_forgets_the_kept_list():
    before = dispositions_for_agents(language="en")
    DISPOSITIONS_OFFERED._kept = (process_cache.time.monotonic(), [])  # as if kept earlier
    CANNED_REPLIES_OFFERED._kept = (process_cache.time.monotonic(), [])
    disposition_save(
        code="called_office", label_en="Called the office", label_es="Llamó a la oficina"
    )
    assert DISPOSITIONS_OFFERED._kept is None
    assert ("called_office", "Called the office") in dispositions_for_agents(language="en")
    assert len(dispositions_for_agents(language="en")) == len(before) + 1
    from contactcenter.desk.models import CannedReply

    CannedReply.objects.create(title_en="Hello", title_es="Hola", body_en="Hi", body_es="Hola")
    assert CANNED_REPLIES_OFFERED._kept is None
    assert [r.title_en for r in canned_replies_offered()] == ["Hello"]
