"""The chat sockets: ``ws/chat`` for the person, ``ws/chat/desk/<reference>`` for staff.

The person is recognised by the chat token in their session (never by anything in the
address); staff by their sign-in and the work they hold (``selectors.conversation_for_staff``).
Both speak the same small JSON protocol:

client → server  ``hello`` {after}: send me every message after this id, and the status;
                 ``message`` {body, client_id}; ``typing`` {active}; ``delivered``/``read``
                 {up_to}; ``status``; ``ping``; staff only: ``identity_request`` (open the
                 secure identity form on the person's side); the person only: ``identity``
                 {answers} (that form's answers).
server → client  ``message`` {message}; ``receipt`` {kind, up_to, by}; ``typing`` {by,
                 active}; ``status`` {state, position, wait_minutes}; ``error`` {code,
                 message}; ``pong``; to the person: ``identity_result`` {passed, locked}.

A message is stored before anyone is sent it; the sender sees its own message come back with
its id, which is its acknowledgement.

A person's message is stored masked (``core.redaction``), and the person's side and every
catch-up get it masked. The desk side's copy of it, as it arrives, also carries ``typed`` (what
the person typed, when masking changed it) and ``identity`` (the identity answers found in it,
``core.identity_hints``), so the agent can check identity in the chat; these live only in
memory and in the one publish to the desk side's group, and every desk socket takes them out
unless its member of staff works the chat, asked anew for each message
(``selectors.staff_works_chat``).
"""

from __future__ import annotations

import asyncio
import logging
import time

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import translation
from django.utils.translation import gettext as _

from contactcenter.chat import selectors, services
from contactcenter.chat.events import (
    EVENT_TYPE,
    desk_live_extras,
    group_name,
    layer_alias,
    message_json,
    side_group_name,
    without_live_extras,
)
from contactcenter.chat.models import Conversation, ConversationState, Sender
from contactcenter.core.db_threads import db_thread
from contactcenter.core.errors import ApplicationError, ErrorCode, InvalidInput, RateLimited
from contactcenter.core.redis_fallback import RedisOutageClosesSocket

logger = logging.getLogger(__name__)

CLOSE_NO_CHAT = 4404  # no conversation for this person, or not this member of staff's
SESSION_KEY = "chat_token"


class _DeliveredMarks:
    """Delivered marks, written together a moment later instead of one write per message.

    Every message gets one (the receiving page acknowledges it), so writing each at once would
    double the writes of a busy chat. The mark is passed on to the sender at once; the stored
    copy follows within ``FLUSH_SECONDS`` in one statement for the whole process. A process
    that stops in between loses those stored marks, never a message; a read mark is written
    at once, and sets the delivered time too.
    """

    FLUSH_SECONDS = 0.5

    def __init__(self) -> None:
        self.pending: dict[tuple[int, str], int] = {}
        self.task: asyncio.Task | None = None

    def add(self, conversation_id: int, reader: str, up_to: int) -> None:
        key = (conversation_id, reader)
        self.pending[key] = max(self.pending.get(key, 0), up_to)
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.done() or self.task.get_loop() is not loop:
            self.task = loop.create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(self.FLUSH_SECONDS)
        await self.flush()

    async def flush(self) -> None:
        marks, self.pending = self.pending, {}
        if not marks:
            return
        try:
            await db_thread(
                services.chat_marks_delivered,
                marks=[(conversation, reader, up_to) for (conversation, reader), up_to in
                       marks.items()],
            )  # fmt: skip
        except Exception:  # the marks are a courtesy; the messages are already safe
            logger.exception("chat.delivered_marks_failed")


DELIVERED_MARKS = _DeliveredMarks()


def _person_conversation(session) -> Conversation | None:
    if session is None:
        return None
    return selectors.conversation_for_token(session.get(SESSION_KEY))


# At most this many messages per socket in any window of this many seconds; more are refused
# with an error and not stored (a stuck key or a script cannot flood the agent).
MESSAGES_PER_WINDOW = 20
WINDOW_SECONDS = 10.0


OTHER_SIDE: dict[str, str] = {Sender.PERSON: Sender.AGENT, Sender.AGENT: Sender.PERSON}


class _ChatConsumer(RedisOutageClosesSocket, AsyncJsonWebsocketConsumer):
    side: str = Sender.PERSON
    conversation: Conversation | None = None
    group: str = ""
    own_group: str = ""
    other_group: str = ""
    sent_at: list[float]

    @property  # read by Channels when the socket opens; see events.layer_alias
    def channel_layer_alias(self) -> str:
        return layer_alias()

    async def dispatch(self, message: dict) -> None:
        """Channels' dispatch without its ``close_old_connections`` before every handler.

        That call goes to the process's one shared sync thread and back: a message crossing
        two servers went there five times (its receipt, the echo, the delivery, the delivered
        mark and its receipt), and at a hundred messages a second that single thread was the
        queue every socket of the process waited in. Nothing here needs it: all database work
        runs through ``db_thread`` (the connection goes back to the pool after each use), the
        conversation's look-up when the socket opens included.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def find_conversation(self) -> Conversation | None:
        raise NotImplementedError

    async def connect(self) -> None:
        self.sent_at = []
        self.conversation = await self.find_conversation()
        if self.conversation is None:
            await self.close(code=CLOSE_NO_CHAT)
            return
        self.group = group_name(self.conversation.pk)
        self.own_group = side_group_name(self.conversation.pk, self.side)
        self.other_group = side_group_name(self.conversation.pk, OTHER_SIDE[self.side])
        for group in (self.group, self.own_group):
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await DELIVERED_MARKS.flush()
        if self.group:
            try:
                for group in (self.group, self.own_group):
                    await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:  # the layer drops the stale member when the group expires
                logger.warning("chat.group_discard_failed", exc_info=True)
                return
            if self.side == Sender.PERSON:
                await self._tell_other_side({"type": "typing", "by": self.side, "active": False})

    async def _broadcast(self, payload: dict) -> None:
        await self.channel_layer.group_send(self.group, {"type": EVENT_TYPE, "payload": payload})

    async def _tell_other_side(self, payload: dict) -> None:
        await self.channel_layer.group_send(
            self.other_group, {"type": EVENT_TYPE, "payload": payload}
        )

    async def _tell_own_side(self, payload: dict) -> None:
        await self.channel_layer.group_send(
            self.own_group, {"type": EVENT_TYPE, "payload": payload}
        )

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
            **self._side_handlers(),
        }.get(kind if isinstance(kind, str) else "")
        if handler is None:
            await self.send_json(
                {"type": "error", "code": str(ErrorCode.UNKNOWN_MESSAGE), "message": ""}
            )
            return
        try:
            await handler(content)
        except ApplicationError as error:
            await self._error(error)

    def _side_handlers(self) -> dict:
        """Message types only one side may send."""
        return {}

    async def _hello(self, content: dict) -> None:
        """What was missed since ``after``, then the status: read in one trip to the
        database threads (a socket opening is on the agent's way to work the chat)."""
        conversation = self.conversation
        assert conversation is not None

        def catch_up() -> tuple[list, selectors.ChatStatus]:
            missed = selectors.messages_after(
                conversation_id=conversation.pk, after=content.get("after")
            )
            return missed, selectors.chat_status(conversation=conversation)

        missed, status = await db_thread(catch_up)
        for message in missed:
            await self.send_json({"type": "message", "message": message_json(message)})
        await self.send_json(status.as_dict())

    async def _message(self, content: dict) -> None:
        assert self.conversation is not None
        now = time.monotonic()
        self.sent_at = [t for t in self.sent_at if now - t < WINDOW_SECONDS]
        if len(self.sent_at) >= MESSAGES_PER_WINDOW:
            with translation.override(self._language()):
                raise RateLimited(
                    _("You are sending messages too fast. Wait a few seconds and try again."),
                    retry_after=int(WINDOW_SECONDS),
                )
        self.sent_at.append(now)
        conversation_id = self.conversation.pk
        user = self.scope.get("user") if self.side == Sender.AGENT else None

        def post():
            with translation.override(self._language()):
                typed = services.clean_body(content.get("body"))
                posted = services.chat_post(
                    conversation_id=conversation_id, body=typed,
                    sender=self.side, author=user, client_id=content.get("client_id") or "",
                    announce=False,
                )  # fmt: skip
            return typed, *posted

        typed, message, new = await db_thread(post)
        stored = message_json(message)
        shown = {"type": "message", "message": stored}
        if not new:  # a re-send: this client missed the echo, the others already have it
            await self.send_json(shown)
            return
        # Stored and committed: now both sides may hear of it.
        extras = (
            desk_live_extras(typed=typed, masked=bool(message.masked), language=self._language())
            if self.side == Sender.PERSON
            else {}
        )
        if not extras:
            await self._broadcast(shown)
            return
        # The person's side gets the stored (masked) message; the desk side, what was typed.
        await self._tell_own_side(shown)
        await self._tell_other_side({"type": "message", "message": {**stored, **extras}})

    async def _typing(self, content: dict) -> None:
        await self._tell_other_side(
            {"type": "typing", "by": self.side, "active": bool(content.get("active"))}
        )

    async def _mark(self, content: dict, *, read: bool) -> None:
        assert self.conversation is not None
        up_to = content.get("up_to")
        if not isinstance(up_to, int) or isinstance(up_to, bool) or up_to < 1:
            with translation.override(self._language()):
                raise InvalidInput(_("Give the id of the last message seen."))
        if read:
            changed = await db_thread(
                services.chat_mark, conversation_id=self.conversation.pk, reader=self.side,
                up_to=up_to, read=True,
            )  # fmt: skip
            if not changed:
                return
        else:
            DELIVERED_MARKS.add(self.conversation.pk, self.side, up_to)
        kind = "read" if read else "delivered"
        await self._tell_other_side(
            {"type": "receipt", "kind": kind, "up_to": up_to, "by": self.side}
        )

    async def _delivered(self, content: dict) -> None:
        await self._mark(content, read=False)

    async def _read(self, content: dict) -> None:
        await self._mark(content, read=True)

    async def _status(self, content: dict) -> None:
        assert self.conversation is not None
        status = await db_thread(selectors.chat_status, conversation=self.conversation)
        await self.send_json(status.as_dict())

    async def _ping(self, content: dict) -> None:
        await self.send_json({"type": "pong"})

    async def _may_see_typed(self) -> bool:
        """Whether this socket may be sent what a person typed before it was masked."""
        return False

    async def chat_event(self, event: dict) -> None:
        payload = event["payload"]
        if payload.get("type") == "typing" and payload.get("by") == self.side:
            return  # no echo of one's own typing
        stripped = without_live_extras(payload)
        if stripped is not payload and not await self._may_see_typed():
            payload = stripped
        await self.send_json(payload)
        message = payload.get("message") if payload.get("type") == "message" else None
        notice = str(message.get("notice") or "") if message else ""
        if notice in ("agent_joined", "waiting") or notice.startswith("ended_by"):
            await self._status({})


class PersonChatConsumer(_ChatConsumer):
    side = Sender.PERSON

    def _side_handlers(self) -> dict:
        return {"identity": self._identity}

    async def _identity(self, content: dict) -> None:
        """The answers of the widget's secure identity form: checked, never stored; the
        transcript (and so the agent) gets whether they passed."""
        assert self.conversation is not None
        conversation_id = self.conversation.pk

        def check() -> services.IdentityFormResult:
            with translation.override(self._language()):
                return services.chat_identity_check(
                    conversation_id=conversation_id, answers=content.get("answers")
                )

        result = await db_thread(check)
        await self.send_json(
            {"type": "identity_result", "passed": result.passed, "locked": result.locked}
        )

    async def find_conversation(self) -> Conversation | None:
        return await db_thread(_person_conversation, self.scope.get("session"))


class DeskChatConsumer(_ChatConsumer):
    side = Sender.AGENT

    async def find_conversation(self) -> Conversation | None:
        user = self.scope.get("user")
        reference = str(self.scope["url_route"]["kwargs"].get("reference", ""))
        if user is None:
            return None
        return await db_thread(
            selectors.conversation_for_staff, user=user, reference_number=reference
        )

    def _language(self) -> str:
        return translation.get_language() or "en"

    def _side_handlers(self) -> dict:
        return {"identity_request": self._identity_request}

    async def _identity_request(self, content: dict) -> None:
        """The agent asks the person to answer the identity questions in the secure form."""
        assert self.conversation is not None
        conversation_id, user = self.conversation.pk, self.scope.get("user")

        def ask() -> object:
            with translation.override(self._language()):
                return services.chat_identity_form_request(
                    conversation_id=conversation_id, user=user
                )

        await db_thread(ask)

    async def _may_see_typed(self) -> bool:
        """Only the member of staff working the chat, checked again for every message (the
        chat may have been transferred, or this may be a supervisor watching)."""
        user = self.scope.get("user")
        if user is None or self.conversation is None:
            return False
        return await db_thread(
            selectors.staff_works_chat, user=user, conversation_id=self.conversation.pk
        )


__all__ = ["ConversationState", "DeskChatConsumer", "PersonChatConsumer"]
