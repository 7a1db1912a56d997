"""What the chat sockets receive, sent to the conversation's group after commit.

Both sides of a conversation (the person's page and every member of staff working it) listen
on one Channels group per conversation; with Redis as the channel layer the two sides may be
connected to different server processes.

Chat uses the channel layer named ``chat`` when the settings define one (with Redis, publish
and subscribe: a message is one PUBLISH and Redis pushes it to every server holding a member,
instead of a per-process inbox drained with several round trips per message that, at a hundred
messages a second, fell behind after any pause and dropped messages once 100 were waiting), and
the default layer otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from channels.layers import DEFAULT_CHANNEL_LAYER, get_channel_layer
from django.conf import settings
from django.db import transaction

from contactcenter.core.identity_hints import identity_hints
from contactcenter.core.live_events import layer_send
from contactcenter.core.redis_fallback import channel_send_skipped

if TYPE_CHECKING:
    from contactcenter.chat.models import Message

logger = logging.getLogger(__name__)

EVENT_TYPE = "chat.event"
CHAT_CHANNEL_LAYER = "chat"


def layer_alias() -> str:
    """The channel layer chat sends and listens on: ``chat`` if configured, else the default."""
    layers = getattr(settings, "CHANNEL_LAYERS", {}) or {}
    return CHAT_CHANNEL_LAYER if CHAT_CHANNEL_LAYER in layers else DEFAULT_CHANNEL_LAYER


def group_name(conversation_id: int) -> str:
    """Everyone in the conversation: messages and notices."""
    return f"chat.{int(conversation_id)}"


def side_group_name(conversation_id: int, side: str) -> str:
    """One side of it ("person" or "agent"): receipts and typing go only to the other side."""
    return f"chat.{int(conversation_id)}.{side}"


def message_json(message: Message) -> dict[str, object]:
    author = message.author
    return {
        "id": message.pk,
        "sender": message.sender,
        "body": message.body,
        "notice": message.notice,
        "masked": list(message.masked or []),
        "data": dict(message.data or {}),
        "name": (author.first_name if author is not None else "") or "",
        "client_id": message.client_id,
        "created_at": message.created_at.isoformat() if message.created_at else None,
        "delivered": message.delivered_at is not None,
        "read": message.read_at is not None,
    }


# What only the agent working the chat may see of a person's live message: the text as typed,
# when masking changed it, and the identity answers found in it. Never stored, never logged;
# it travels once, to the desk side's group, and each desk socket drops it unless its member
# of staff works the chat (``consumers.DeskChatConsumer``).
LIVE_ONLY_KEYS = frozenset({"typed", "identity"})


def desk_live_extras(*, typed: str, masked: bool, language: str) -> dict[str, object]:
    """The agent-only part of a person's message as it arrives ({} when there is none)."""
    extras: dict[str, object] = {}
    if masked:
        extras["typed"] = typed
    hints = identity_hints(typed, language=language)
    if hints:
        extras["identity"] = [hint.as_dict() for hint in hints]
    return extras


def without_live_extras(payload: dict) -> dict:
    """``payload`` with the agent-only keys taken out of its message, if it has any."""
    message = payload.get("message") if payload.get("type") == "message" else None
    if not isinstance(message, dict) or not LIVE_ONLY_KEYS & message.keys():
        return payload
    kept = {key: value for key, value in message.items() if key not in LIVE_ONLY_KEYS}
    return {**payload, "message": kept}


def send_after_commit(conversation_id: int, payload: Mapping[str, object]) -> None:
    """Send ``payload`` to both sides once the current transaction commits (at once outside
    one). A failure to send is swallowed: the message is stored and every client fetches what
    it missed when it reconnects. While Redis is away the send is skipped, and the outage is
    logged once (``core.redis_fallback``), not once per message."""

    def send() -> None:
        layer = get_channel_layer(layer_alias())
        if layer is None or channel_send_skipped("chat_event"):
            return
        layer_send(layer, group_name(conversation_id),
                   {"type": EVENT_TYPE, "payload": dict(payload)}, what="chat_event")  # fmt: skip

    transaction.on_commit(send, robust=True)


def message_after_commit(message: Message) -> None:
    payload = {"type": "message", "message": message_json(message)}
    send_after_commit(message.conversation_id, payload)
