"""The channel layer live chat runs on.

With Redis, chat has a layer of its own (``CHANNEL_LAYERS["chat"]``, publish/subscribe). The
default Redis layer keeps one inbox per server process in Redis, capped at 100 waiting messages
and drained a message at a time with several round trips each; at a hundred chat messages a
second a server that paused for a moment fell behind, messages waited hundreds of milliseconds,
and past the cap they were dropped without a word. These tests pin the choice: both ends of chat
use the same alias, and the configured layer keeps a burst far past 100 for a server that is
not reading yet.
"""

from __future__ import annotations

import asyncio
import importlib.util
import secrets

import pytest
from channels.db import database_sync_to_async
from django.utils.module_loading import import_string

from contactcenter import settings as project_settings
from contactcenter.chat import events, services
from contactcenter.chat.consumers import DeskChatConsumer, PersonChatConsumer
from contactcenter.chat.models import Message, Sender
from tests.chat.servers import redis_reachable, spare_redis_url
from tests.chat.test_consumers import person_cookie, socket, until

REDIS_URL = spare_redis_url()  # a Redis database of this worker's own
IN_MEMORY = {"BACKEND": "channels.layers.InMemoryChannelLayer"}


def test_chat_uses_its_own_layer_when_configured_and_the_default_otherwise(settings):
    settings.CHANNEL_LAYERS = {"default": IN_MEMORY}
    assert events.layer_alias() == "default"
    assert PersonChatConsumer().channel_layer_alias == "default"
    settings.CHANNEL_LAYERS = {"default": IN_MEMORY, "chat": IN_MEMORY}
    assert events.layer_alias() == "chat"
    assert PersonChatConsumer().channel_layer_alias == "chat"
    assert DeskChatConsumer().channel_layer_alias == "chat"


@pytest.mark.django_db(transaction=True)
def test_a_message_sent_by_the_services_reaches_the_socket_on_the_chat_layer(
    settings, waiting_chat
):
    # Two separate in-memory layers: if the services sent on one and the socket listened on
    # the other, nothing would arrive.
    settings.CHANNEL_LAYERS = {"default": IN_MEMORY, "chat": IN_MEMORY}
    conversation, token = waiting_chat()
    cookie = person_cookie(token)

    async def talk() -> dict:
        person = socket("/ws/chat", cookie)
        assert (await person.connect())[0]
        await person.send_json_to({"type": "hello", "after": 10**12})
        await until(person, "status")
        await database_sync_to_async(services.chat_post)(
            conversation_id=conversation.pk, body="Are you still there?", sender=Sender.PERSON,
            client_id="from-another-tab", announce=True,
        )  # fmt: skip
        event = await until(person, "message")
        await person.disconnect()
        return event

    event = asyncio.run(talk())
    stored = Message.objects.get(conversation=conversation, client_id="from-another-tab")
    assert event["message"]["id"] == stored.pk
    assert event["message"]["body"] == "Are you still there?"


def _configured_chat_layer(monkeypatch) -> dict:
    """CHANNEL_LAYERS["chat"] as the settings build it when REDIS_URL is set."""
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    spec = importlib.util.spec_from_file_location("settings_with_redis", project_settings.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CHANNEL_LAYERS["chat"]


@pytest.mark.skipif(not redis_reachable(REDIS_URL), reason="Redis is not reachable")
def test_the_configured_chat_layer_keeps_a_burst_for_a_server_not_reading_yet(monkeypatch):
    config = _configured_chat_layer(monkeypatch)
    burst = 300  # three times the default layer's cap of 100 waiting messages

    async def run() -> list[int]:
        sender = import_string(config["BACKEND"])(**config.get("CONFIG", {}))
        receiver = import_string(config["BACKEND"])(**config.get("CONFIG", {}))
        group = f"chat.test.{secrets.token_hex(4)}"
        channel = await receiver.new_channel()
        await receiver.group_add(group, channel)
        try:
            for n in range(burst):  # the receiving "server" reads none of these yet
                await sender.group_send(group, {"type": events.EVENT_TYPE, "n": n})
            got = []
            for _ in range(burst):
                message = await asyncio.wait_for(receiver.receive(channel), timeout=5)
                got.append(message["n"])
            return got
        finally:
            await receiver.group_discard(group, channel)
            await receiver.flush()
            await sender.flush()

    assert asyncio.run(run()) == list(range(burst))
