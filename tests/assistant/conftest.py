"""Fixtures for the virtual assistant: a fresh index per test, the shipped knowledge base."""

from __future__ import annotations

import pytest

from contactcenter.assistant import services
from contactcenter.assistant.services import knowledge_base_load, knowledge_index_reset
from tests.conftest import loaded_once


@pytest.fixture(autouse=True)
def _fresh_index():
    # The index is cached per process; each test starts from what its database publishes.
    knowledge_index_reset()
    yield
    knowledge_index_reset()


@pytest.fixture
def knowledge_base(db):
    """The repository's articles, loaded and published as ``kb-load`` does.

    Most assistant tests ask for it; after the first load in a process its rows are written
    straight back (``loaded_once`` in tests/conftest.py) and the index is reset as the load
    resets it.
    """
    return loaded_once(
        "knowledge base",
        knowledge_base_load,
        lambda summary: summary.created and not (summary.updated or summary.unchanged),
        after_restore=services._index_reset_now_and_after_commit,
    )


@pytest.fixture
def live_chat_open(settings):
    settings.LIVE_HELP_ALWAYS_OPEN = True


@pytest.fixture
def live_chat_closed(settings, monkeypatch):
    settings.LIVE_HELP_ALWAYS_OPEN = False
    monkeypatch.setattr("contactcenter.assistant.services.live_help_open", lambda now=None: False)
