"""Fixtures for live chat: the knowledge base loaded, queues, staff, and a conversation handed
off to the Tier 1 chat queue, all built through the services."""

from __future__ import annotations

import pytest

from contactcenter.assistant.services import knowledge_base_load, knowledge_index_reset
from contactcenter.chat.services import chat_ask, chat_handoff, conversation_start
from contactcenter.routing.services import agent_ensure_for_user
from tests.browser import web_settings


@pytest.fixture(autouse=True)
def _chat_settings(settings):
    web_settings(settings)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.REDIS_URL = ""


@pytest.fixture
def knowledge(db):
    knowledge_base_load()
    knowledge_index_reset()


@pytest.fixture
def agent_for(db):
    return lambda user: agent_ensure_for_user(user=user)


@pytest.fixture
def waiting_chat(knowledge, queues, always_open):
    """A conversation that asked the assistant one question and then asked for a person."""

    def make(*, language: str = "en", question: str = "How do I replace my green card?"):
        conversation, token = conversation_start(language=language)
        chat_ask(conversation=conversation, question=question)
        chat_handoff(conversation=conversation)
        return conversation, token

    return make
