"""The chat sockets: ``ws/chat`` for the person, ``ws/chat/desk/<reference>`` for staff.

The person is recognised by the chat token in their session (never by anything in the
address); staff by their sign-in and the work they hold (``selectors.conversation_for_staff``).
Both speak the same small JSON protocol:

client → server  ``hello`` {after}: send me every message after this id, and the status;
                 ``message`` {body, client_id}; ``typing`` {active}; ``delivered``/``read``
                 {up_to}; ``status``; ``ping``.
server → client  ``message`` {message}; ``receipt`` {kind, up_to, by}; ``typing`` {by,
                 active}; ``status`` {state, position, wait_minutes}; ``error`` {code,
                 message}; ``pong``.

A message is stored before anyone is sent it; the sender sees its own message come back with
its id, which is its acknowledgement.
"""

from __future__ import annotations

import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import translation

from contactcenter.chat import selectors, services
from contactcenter.chat.events import EVENT_TYPE, group_name, message_json
from contactcenter.chat.models import Conversation, ConversationState, Sender
from contactcenter.core.errors import ApplicationError

logger = logging.getLogger(__name__)

CLOSE_NO_CHAT = 4404  # no conversation for this person, or not this member of staff's
SESSION_KEY = "chat_token"


def _person_conversation(session) -> Conversation | None:
    if session is None:
        return None
    return selectors.conversation_for_token(session.get(SESSION_KEY))


class _ChatConsumer(AsyncJsonWebsocketConsumer):
    side: str = Sender.PERSON
    conversation: Conversation | None = None
    group: str = ""

    async def find_conversation(self) -> Conversation | None:
        raise NotImplementedError

    async def connect(self) -> None:
        self.conversation = await self.find_conversation()
        if self.conversation is None:
            await self.close(code=CLOSE_NO_CHAT)
            return
        self.group = group_name(self.conversation.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            if self.side == Sender.PERSON:
                await self._broadcast({"type": "typing", "by": self.side, "active": False})

    async def _broadcast(self, payload: dict) -> None:
        await self.channel_layer.group_send(self.group, {"type": EVENT_TYPE, "payload": payload})

    async def _error(self, error: ApplicationError) -> None:
        with translation.override(self._language()):
            await self.send_json({"type": "error", "code": str(error.code),
                                  "message": str(error.message)})  # fmt: skip

    def _language(self) -> str:
        return self.conversation.language if self.conversation else "en"

    async def receive_json(self, content, **kwargs) -> None:
        assert self.conversation is not None
        kind = content.get("type") if isinstance(content, dict) else None
        handler = {
            "hello": self._hello,
            "message": self._message,
            "typing": self._typing,
            "delivered": self._delivered,
            "read": self._read,
            "status": self._status,
            "ping": self._ping,
        }.get(kind if isinstance(kind, str) else "")
        if handler is None:
            await self.send_json({"type": "error", "code": "unknown_message", "message": ""})
            return
        try:
            await handler(content)
        except ApplicationError as error:
            await self._error(error)

    async def _hello(self, content: dict) -> None:
        assert self.conversation is not None
        missed = await database_sync_to_async(selectors.messages_after)(
            conversation_id=self.conversation.pk, after=content.get("after")
        )
        for message in missed:
            await self.send_json({"type": "message", "message": message_json(message)})
        await self._status(content)

    async def _message(self, content: dict) -> None:
        assert self.conversation is not None
        user = self.scope.get("user") if self.side == Sender.AGENT else None

        def post():
            with translation.override(self._language()):
                return services.chat_post(
                    conversation_id=self.conversation.pk, body=content.get("body"),
                    sender=self.side, author=user, client_id=content.get("client_id") or "",
                )  # fmt: skip

        message, new = await database_sync_to_async(post)()
        if not new:  # a re-send: this client missed the echo, the others already have it
            await self.send_json({"type": "message", "message": message_json(message)})

    async def _typing(self, content: dict) -> None:
        await self._broadcast(
            {"type": "typing", "by": self.side, "active": bool(content.get("active"))}
        )

    async def _mark(self, content: dict, *, read: bool) -> None:
        assert self.conversation is not None
        up_to = content.get("up_to")
        changed = await database_sync_to_async(services.chat_mark)(
            conversation_id=self.conversation.pk, reader=self.side, up_to=up_to, read=read
        )
        if changed:
            kind = "read" if read else "delivered"
            await self._broadcast({"type": "receipt", "kind": kind, "up_to": up_to,
                                   "by": self.side})  # fmt: skip

    async def _delivered(self, content: dict) -> None:
        await self._mark(content, read=False)

    async def _read(self, content: dict) -> None:
        await self._mark(content, read=True)

    async def _status(self, content: dict) -> None:
        assert self.conversation is not None
        status = await database_sync_to_async(selectors.chat_status)(conversation=self.conversation)
        await self.send_json(status.as_dict())

    async def _ping(self, content: dict) -> None:
        await self.send_json({"type": "pong"})

    async def chat_event(self, event: dict) -> None:
        payload = event["payload"]
        if payload.get("type") == "typing" and payload.get("by") == self.side:
            return  # no echo of one's own typing
        await self.send_json(payload)
        message = payload.get("message") if payload.get("type") == "message" else None
        notice = str(message.get("notice") or "") if message else ""
        if notice in ("agent_joined", "waiting") or notice.startswith("ended_by"):
            await self._status({})


class PersonChatConsumer(_ChatConsumer):
    side = Sender.PERSON

    async def find_conversation(self) -> Conversation | None:
        return await database_sync_to_async(_person_conversation)(self.scope.get("session"))


class DeskChatConsumer(_ChatConsumer):
    side = Sender.AGENT

    async def find_conversation(self) -> Conversation | None:
        user = self.scope.get("user")
        reference = str(self.scope["url_route"]["kwargs"].get("reference", ""))
        if user is None:
            return None
        return await database_sync_to_async(selectors.conversation_for_staff)(
            user=user, reference_number=reference
        )

    def _language(self) -> str:
        return translation.get_language() or "en"


__all__ = ["ConversationState", "DeskChatConsumer", "PersonChatConsumer"]
