"""Every write of live chat: start, ask the assistant, hand off, post, receipts, join, end.

Each function is one transaction. Events to the sockets (``events.py``) are sent after the
transaction commits, so nobody sees a message that was not stored.

Domain events: until the hand-over the person talks with the virtual assistant and there is
no inquiry, so each question the assistant answers without handing over is reported here as
``SELF_SERVED`` on the ``virtual_assistant`` channel (``record_id`` the conversation). The
hand-over opens the chat's inquiry and queues it (``STARTED`` and ``QUEUED``, reported by those
services), routing reports the agent's offer and acceptance, a person who leaves while waiting
is ``ABANDONED``, and the end of every conversation is ``ENDED`` (on the ``chat`` channel once
handed over, else on ``virtual_assistant``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.assistant.services import assistant_ask
from contactcenter.chat import events
from contactcenter.chat.models import Conversation, ConversationState, Message, Sender
from contactcenter.core.domain_events import ContactEventKind, contact_event_emit
from contactcenter.core.errors import ApplicationError, ErrorCode, InvalidInput
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.core.redaction import redact
from contactcenter.core.text_input import control_characters_refuse
from contactcenter.inquiries.models import Channel, DispositionCode, InquiryState, VerifiedAs
from contactcenter.inquiries.services import (
    inquiry_add_message,
    inquiry_open,
    inquiry_resolve,
    inquiry_verify_identity,
)
from contactcenter.notifications.catalogue import MESSAGES
from contactcenter.notifications.services import notification_queue
from contactcenter.routing.calendar import live_help_open
from contactcenter.routing.models import QueueTier, WorkItem, WorkKind, WorkState
from contactcenter.routing.services import (
    QueueChoice,
    queue_for,
    work_item_enqueue,
    work_items_cancel_for_inquiry,
)
from contactcenter.surveys.models import InvitedBy
from contactcenter.surveys.services import survey_answer_in_channel, survey_invite_in_channel

logger = logging.getLogger(__name__)


MAX_MESSAGE_CHARS = 2000
LANGUAGES = ("en", "es")


class ChatError(ApplicationError):
    """The chat's state does not allow this; each raise names the state in its code."""

    code = ErrorCode.FORBIDDEN_TRANSITION
    http_status = 409


class LiveHelpClosed(ChatError):
    """Live chat is outside its hours; the adapter offers the other ways to get help."""

    code = ErrorCode.LIVE_HELP_CLOSED


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise InvalidInput(_("Language must be en or es."))
    return language


@transaction.atomic
def conversation_start(*, language: str) -> tuple[Conversation, str]:
    """A new conversation and its token (returned once, stored only as a digest)."""
    token = secrets.token_urlsafe(32)
    conversation = Conversation.objects.create(
        token_digest=token_digest(token), language=_language(language)
    )
    return conversation, token


def clean_body(body: object) -> str:
    """A message as it will be posted: trimmed, checked for length and control characters
    (before masking). The socket keeps it in memory for the agent's live view."""
    if not isinstance(body, str) or not body.strip():
        raise InvalidInput(_("A message cannot be empty."))
    text = control_characters_refuse(body.strip(), multiline=True)
    if len(text) > MAX_MESSAGE_CHARS:
        raise InvalidInput(
            _("A message can be at most %(limit)s characters.") % {"limit": MAX_MESSAGE_CHARS}
        )
    return text


def _store(
    conversation: Conversation | int,
    *,
    sender: str,
    body: str = "",
    notice: str = "",
    author: User | None = None,
    data: dict | None = None,
    client_id: str = "",
    announce: bool = True,
    mask: bool = True,
) -> Message:
    # The assistant's answers are the agency's own texts (never the person's words echoed):
    # masking them would hide the numbers and dates they exist to give ("call [PHONE]").
    masked = redact(body) if body and mask else None
    message = Message.objects.create(
        conversation_id=conversation if isinstance(conversation, int) else conversation.pk,
        sender=sender,
        author=author,
        body=masked.text if masked else body,
        masked=list(masked.kinds) if masked else [],
        notice=notice,
        data=data or {},
        client_id=client_id,
    )
    if announce:
        events.message_after_commit(message)
    return message


@dataclass(frozen=True, slots=True)
class AskResult:
    question: Message
    reply: Message
    handoff: bool
    live_open: bool


@transaction.atomic
def chat_ask(*, conversation: Conversation, question: object) -> AskResult:
    """The person asks the virtual assistant; both the question (masked) and the answer are
    stored on the conversation. Only while no agent has been asked for."""
    text = clean_body(question)
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.state != ConversationState.ASSISTANT:
        raise ChatError(
            _("You are already talking with our staff in this chat."),
            code=ErrorCode.ALREADY_HANDED_OFF,
        )
    answer = assistant_ask(question=text, language=locked.language)
    asked = _store(locked, sender=Sender.PERSON, body=text)
    reply = _store(
        locked,
        sender=Sender.ASSISTANT,
        body=answer.answer,
        mask=False,
        data={
            "topic": answer.topic,
            "links": [{"label": link.label, "url": link.url} for link in answer.links],
            "handoff": answer.handoff,
            "personal_data": sorted(set(answer.personal_data) | set(asked.masked)),
        },
    )
    if answer.topic and not locked.topic:
        locked.topic = answer.topic[:60]
        locked.save(update_fields=["topic", "updated_at"])
    conversation.topic = locked.topic
    if not answer.handoff:  # answered by the assistant; "not sure" answers say so
        contact_event_emit(
            ContactEventKind.SELF_SERVED, channel=Channel.VIRTUAL_ASSISTANT.value,
            language=locked.language, record_id=locked.pk,
            detail={"by": "assistant", "via": "chat", "topic": answer.topic or "",
                    "confident": answer.topic is not None, "confidence": answer.confidence},
        )  # fmt: skip
    return AskResult(
        question=asked, reply=reply, handoff=answer.handoff, live_open=live_help_open()
    )


def _live_or_new(
    conversation: Conversation | None, language: str
) -> tuple[Conversation, str | None]:
    """The person's conversation, or a new one (with its token, to keep in their session)
    when they have none or theirs has ended."""
    if conversation is not None and conversation.state != ConversationState.ENDED:
        return conversation, None
    return conversation_start(language=language)


@transaction.atomic
def chat_ask_in_session(
    *, conversation: Conversation | None, language: str, question: object
) -> tuple[AskResult, str | None]:
    """What the chat page's "ask" does: ask in the person's conversation, starting one when
    they have none. Returns the answer and a new conversation's token (else None). A refused
    question starts nothing."""
    live, token = _live_or_new(conversation, language)
    return chat_ask(conversation=live, question=question), token


@transaction.atomic
def chat_handoff_in_session(
    *, conversation: Conversation | None, language: str
) -> tuple[Conversation, str | None]:
    """What the chat page's "talk to a person" does: hand over the person's conversation,
    starting one when they have none (someone who asks for a person straight away)."""
    live, token = _live_or_new(conversation, language)
    return chat_handoff(conversation=live), token


@transaction.atomic
def chat_handoff(*, conversation: Conversation) -> Conversation:
    """Hand the conversation to a Tier 1 agent: an inquiry on the chat channel carrying the
    conversation so far (masked) and a chat work item in the Tier 1 chat queue.

    Asking again once handed off changes nothing. Outside live hours raises LiveHelpClosed.
    """
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.state in (ConversationState.WAITING, ConversationState.ACTIVE):
        return _copy(conversation, locked)
    if locked.state == ConversationState.ENDED:
        raise ChatError(
            _("This chat has ended. Start a new one to talk with us again."),
            code=ErrorCode.CHAT_ENDED,
        )
    if not live_help_open():
        raise LiveHelpClosed(_("Live chat is closed now."))
    inquiry = inquiry_open(channel=Channel.CHAT, language=locked.language, topic=locked.topic)
    for message in locked.messages.filter(sender__in=[Sender.PERSON, Sender.ASSISTANT]):
        inquiry_add_message(inquiry=inquiry, body=message.body, actor_label=message.sender)
    queue = queue_for(
        QueueChoice(
            tier=QueueTier.TIER1, language=locked.language, channel=Channel.CHAT,
            topic=locked.topic,
        )
    )  # fmt: skip
    work_item_enqueue(inquiry=inquiry, kind=WorkKind.CHAT, queue=queue)
    locked.inquiry = inquiry
    locked.state = ConversationState.WAITING
    locked.save(update_fields=["inquiry", "state", "updated_at"])
    _store(locked, sender=Sender.SYSTEM, notice="waiting")
    logger.info("chat.handed_off", extra={"conversation_id": locked.pk, "inquiry_id": inquiry.pk})
    return _copy(conversation, locked)


def _copy(target: Conversation, source: Conversation) -> Conversation:
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


def _conversation_open(conversation_id: int) -> Conversation:
    locked = Conversation.objects.select_for_update().get(pk=conversation_id)
    if locked.state == ConversationState.ENDED:
        raise ChatError(_("This chat has ended."), code=ErrorCode.CHAT_ENDED)
    return locked


def chat_post(
    *,
    conversation_id: int,
    body: object,
    sender: str,
    author: User | None = None,
    client_id: str = "",
    announce: bool = True,
) -> tuple[Message, bool]:
    """Store a message from the person or from staff (masked). Returns the message and
    whether it is new: a message re-sent with a ``client_id`` already stored is kept once.

    One statement (the insert), so a busy chat never waits on a lock. The
    conversation's state is read, not locked: a message that crosses the end of the chat in
    flight is kept rather than lost. With ``announce`` the message is sent to both sides after
    the commit; the socket consumer passes False and sends it itself once this returns.
    """
    text = clean_body(body)
    if sender not in (Sender.PERSON, Sender.AGENT):
        raise InvalidInput(_("Unknown sender."))
    if not isinstance(client_id, str) or len(client_id) > 64:
        raise InvalidInput(_("Unknown message id."))
    state = Conversation.objects.filter(pk=conversation_id).values_list("state", flat=True).first()
    if state is None or state == ConversationState.ENDED:
        raise ChatError(_("This chat has ended."), code=ErrorCode.CHAT_ENDED)
    if state == ConversationState.ASSISTANT:
        raise ChatError(_("Ask to talk with a person first."), code=ErrorCode.NOT_HANDED_OFF)

    def store() -> Message:
        return _store(
            conversation_id, sender=sender, body=text, author=author, client_id=client_id,
            announce=announce,
        )  # fmt: skip

    try:
        if connection.in_atomic_block:  # a savepoint: a duplicate leaves the caller's intact
            with transaction.atomic():
                message = store()
        else:  # one INSERT, committed on its own: nothing else is written with it
            message = store()
    except IntegrityError:
        if not client_id:
            raise
        # Sent before, over a connection that dropped before its echo arrived.
        existing = Message.objects.select_related("author").get(
            conversation_id=conversation_id, client_id=client_id
        )
        return existing, False
    return message, True


# Whose messages a reader marks: the person marks what staff and the assistant said.
_OTHERS = {
    Sender.PERSON: [Sender.AGENT, Sender.ASSISTANT, Sender.SYSTEM],
    Sender.AGENT: [Sender.PERSON],
}


def chat_mark(*, conversation_id: int, reader: str, up_to: object, read: bool) -> int:
    """Mark the other side's messages up to id ``up_to`` delivered (and read, when ``read``),
    in one statement. Returns how many changed."""
    if not isinstance(up_to, int) or isinstance(up_to, bool) or up_to < 1:
        raise InvalidInput(_("Give the id of the last message seen."))
    others = _OTHERS[Sender.PERSON if reader == Sender.PERSON else Sender.AGENT]
    now = timezone.now()
    mine = Message.objects.filter(conversation_id=conversation_id, sender__in=others, id__lte=up_to)
    if read:
        return mine.filter(read_at__isnull=True).update(
            read_at=now, delivered_at=Coalesce("delivered_at", Value(now))
        )
    return mine.filter(delivered_at__isnull=True).update(delivered_at=now)


def chat_marks_delivered(*, marks: Sequence[tuple[int, str, int]]) -> int:
    """Several delivered marks (conversation id, reader, up to id) in one statement."""
    condition = Q()
    for conversation_id, reader, up_to in marks:
        others = _OTHERS[Sender.PERSON if reader == Sender.PERSON else Sender.AGENT]
        condition |= Q(conversation_id=conversation_id, sender__in=others, id__lte=up_to)
    if not condition:
        return 0
    return Message.objects.filter(condition, delivered_at__isnull=True).update(
        delivered_at=timezone.now()
    )


@transaction.atomic
def chat_staff_joined(*, item: WorkItem, user: User) -> Message | None:
    """An agent accepted the chat (or a supervisor took the supervisor request of a chat):
    tell the person, and the conversation is with staff now."""
    conversation = (
        Conversation.objects.select_for_update().filter(inquiry_id=item.inquiry_id).first()
    )
    if conversation is None or conversation.state == ConversationState.ENDED:
        return None
    if conversation.state != ConversationState.ACTIVE:
        conversation.state = ConversationState.ACTIVE
        conversation.save(update_fields=["state", "updated_at"])
    notice = "supervisor_joined" if item.kind == WorkKind.SUPERVISOR_REQUEST else "agent_joined"
    return _store(
        conversation, sender=Sender.SYSTEM, notice=notice, data={"name": staff_name(user)}
    )


def staff_name(user: User | None) -> str:
    """What the person sees of a member of staff: a first name, never the sign-in name."""
    return (user.first_name if user is not None else "") or ""


@transaction.atomic
def chat_notice(*, conversation: Conversation, notice: str, data: dict | None = None) -> Message:
    """A notice in the conversation (transferred, supervisor asked for, service request)."""
    return _store(
        _conversation_open(conversation.pk), sender=Sender.SYSTEM, notice=notice, data=data
    )


@transaction.atomic
def chat_end(*, conversation_id: int, by: str, ask_survey: bool = True) -> Conversation:
    """End the chat. A person who leaves before an agent joined is taken out of the queue and
    the inquiry is closed, so no agent is offered an empty chat. A chat that had an agent asks
    its satisfaction survey in the widget (``ask_survey``: not when the inquiry goes on by
    telephone, whose callback asks it instead)."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
    if conversation.state == ConversationState.ENDED:
        return conversation
    was = conversation.state
    conversation.state = ConversationState.ENDED
    conversation.ended_at = timezone.now()
    conversation.save(update_fields=["state", "ended_at", "updated_at"])
    inquiry = conversation.inquiry
    if (
        was == ConversationState.WAITING
        and inquiry is not None
        and inquiry.state != InquiryState.CLOSED
    ):
        # Reported as abandoned, with how long they waited.
        work_items_cancel_for_inquiry(inquiry=inquiry, kinds=[WorkKind.CHAT], abandoned=True)
        inquiry_resolve(
            inquiry=inquiry,
            actor=None,
            disposition=DispositionCode.NO_ANSWER,
            note="The person left the chat before an agent joined.",
        )
    if ask_survey and was == ConversationState.ACTIVE and inquiry is not None:
        survey_invite_in_channel(inquiry=inquiry, invited_by=InvitedBy.CHAT,
                                 now=conversation.ended_at)  # fmt: skip
    _store(conversation, sender=Sender.SYSTEM, notice=f"ended_by_{by}")
    contact_event_emit(
        ContactEventKind.ENDED,
        channel=(Channel.CHAT if inquiry is not None else Channel.VIRTUAL_ASSISTANT).value,
        at=conversation.ended_at, language=conversation.language,
        inquiry_id=conversation.inquiry_id, record_id=conversation.pk,
        detail={
            "by": by, "was": str(was), "handed_off": inquiry is not None,
            "duration_seconds": round(
                (conversation.ended_at - conversation.created_at).total_seconds(), 3
            ),
        },
    )  # fmt: skip
    return conversation


TRANSCRIPT_TEMPLATE = "chat_transcript"


def transcript_email_available() -> bool:
    return TRANSCRIPT_TEMPLATE in MESSAGES


@transaction.atomic
def chat_transcript_email(*, conversation: Conversation, email: object):
    """Queue an email of the (masked) transcript to ``email``; sent after commit.

    The message carries only the inquiry's reference number; the transcript is read when the
    email is rendered (``selectors.chat_transcript_lines``, registered with the catalogue), so the
    notification row holds no personal data. Needs a handed-off conversation (the reference
    number names it).
    """
    if conversation.inquiry is None:
        raise InvalidInput(_("A transcript can be emailed once you have talked with our staff."))
    if not isinstance(email, str) or not email.strip():
        raise InvalidInput(_("Enter an email address."))
    if not transcript_email_available():
        raise ChatError(
            _("Emailing transcripts is not available on this installation."),
            code=ErrorCode.UNAVAILABLE,
        )
    return notification_queue(
        channel="email",
        recipient=email,
        template=TRANSCRIPT_TEMPLATE,
        language=conversation.language,
        inquiry=conversation.inquiry,
    )


# What the person is told in the chat after the agent acts on the inquiry from the desk.
DESK_ACTION_NOTICES = {
    "escalate": "transferred_tier2",
    "supervisor": "supervisor_requested",
    "callback": "callback_scheduled",
    "transfer": "transferring",
}


# After these the person is called back, so the chat ends once they have been told.
ENDS_CHAT = frozenset({"escalate", "callback"})


@transaction.atomic
def chat_after_desk_action(*, inquiry_id: int, action: str) -> Message | Conversation | None:
    """Tell the person in the chat what staff did: transferred to Tier 2, asked for a
    supervisor, scheduled a call back; resolving the inquiry ends the chat."""
    conversation = (
        Conversation.objects.select_related("inquiry").filter(inquiry_id=inquiry_id).first()
    )
    if conversation is None or conversation.inquiry is None:
        return None
    inquiry = conversation.inquiry
    if conversation.state == ConversationState.ENDED:
        return None
    if action == "resolve":
        return chat_end(conversation_id=conversation.pk, by="agent")
    notice = DESK_ACTION_NOTICES.get(action)
    if notice is None:
        return None
    told = chat_notice(
        conversation=conversation, notice=notice, data={"reference": inquiry.reference_number}
    )
    if action in ENDS_CHAT:  # the inquiry goes on by telephone; this chat is over
        chat_end(conversation_id=conversation.pk, by="agent", ask_survey=False)
    return told


# --- The secure identity form in the chat widget --------------------------------------------
#
# Instead of typing the answers into the chat, the person can be asked to give them in a form
# in the widget: the agent working the chat asks (a notice in the transcript opens the form on
# the person's side), the answers go over the socket to ``chat_identity_check``, which has the
# inquiries' identity service check them, and the transcript gets only whether they passed.

IDENTITY_FORM = "identity_form"
IDENTITY_PASSED = "identity_passed"
IDENTITY_FAILED = "identity_failed"
IDENTITY_LOCKED = "identity_locked"
_ZIP_RE = re.compile(r"^[0-9]{5}(?:-[0-9]{4})?$")
_LAST4_RE = re.compile(r"^[0-9]{4}$")
_ANSWER_MAX_CHARS = 64


def _chat_holder(conversation: Conversation) -> User | None:
    """The member of staff working the chat now: who holds its chat work item, assigned."""
    if conversation.inquiry_id is None:
        return None
    item = (
        WorkItem.objects.select_related("assigned_to__user")
        .filter(inquiry_id=conversation.inquiry_id, kind=WorkKind.CHAT, state=WorkState.ASSIGNED)
        .first()
    )
    return item.assigned_to.user if item is not None and item.assigned_to else None


@transaction.atomic
def chat_identity_form_request(*, conversation_id: int, user: User) -> Message:
    """The agent working the chat asks the person to answer the identity questions in the
    widget's secure form rather than in the chat. Only that agent may, and only while the
    person is not yet verified."""
    conversation = _conversation_open(conversation_id)
    holder = _chat_holder(conversation)
    if holder is None or holder.pk != user.pk:
        raise ChatError(_("Only the agent working this chat can ask for identity answers."))
    if conversation.inquiry is not None and conversation.inquiry.is_verified:
        raise ChatError(
            _("The person's identity is already verified."), code=ErrorCode.ALREADY_VERIFIED
        )
    return _store(conversation, sender=Sender.SYSTEM, notice=IDENTITY_FORM)


def _answer(answers: dict, name: str) -> str:
    value = answers.get(name, "")
    if not isinstance(value, str) or len(value) > _ANSWER_MAX_CHARS:
        raise InvalidInput(_("Check your answers and try again."))
    return control_characters_refuse(value.strip())


def _identity_answers(answers: object) -> tuple[ReceiptNumber, dict[str, str]]:
    """The form's answers parsed and checked for form (never for correctness), with an error
    that names the field to fix. The values are never put in an error or a log."""
    if not isinstance(answers, dict):
        raise InvalidInput(_("Check your answers and try again."))
    receipt_number = ReceiptNumber.parse(_answer(answers, "receipt_number"))
    try:
        born = dt.date.fromisoformat(_answer(answers, "date_of_birth"))
    except ValueError:
        raise InvalidInput(_("Enter your date of birth.")) from None
    if not dt.date(1900, 1, 1) <= born < timezone.localdate():
        raise InvalidInput(_("Enter your date of birth."))
    zip_code = _answer(answers, "zip_code")
    if zip_code and not _ZIP_RE.match(zip_code):
        raise InvalidInput(_("A ZIP code has 5 digits."))
    last4 = _answer(answers, "a_number_last4")
    if last4 and not _LAST4_RE.match(last4):
        raise InvalidInput(_("Enter the last 4 digits of your A-Number."))
    if len([given for given in (zip_code, last4) if given]) < (
        settings.IDENTITY_APPLICANT_EXTRA_ANSWERS
    ):
        raise InvalidInput(
            _("Enter both your ZIP code and the last 4 digits of your A-Number.")
            if settings.IDENTITY_APPLICANT_EXTRA_ANSWERS == 2
            else _("Enter your ZIP code or the last 4 digits of your A-Number.")
        )
    return receipt_number, {
        "date_of_birth": born.isoformat(),
        "zip_code": zip_code[:5],
        "a_number_last4": last4,
    }


@dataclass(frozen=True, slots=True)
class IdentityFormResult:
    passed: bool
    locked: bool
    notice: Message


@transaction.atomic
def chat_identity_check(*, conversation_id: int, answers: object) -> IdentityFormResult:
    """Check the answers the person gave in the widget's secure form.

    Only after the agent working the chat asked for them (``chat_identity_form_request``). The
    check is the inquiries' own (``inquiry_verify_identity``, the applicant's questions and
    the ``IDENTITY_APPLICANT_EXTRA_ANSWERS`` rule), made for that agent: their right to the
    case applies as at the desk (a case they may not see fails like wrong answers), and the
    record read is in the disclosure log under their name, with the channel ``chat``. The
    answers are never stored, logged or put in the transcript; the transcript gets a notice
    that they passed or failed, never which answer failed.
    """
    conversation = _conversation_open(conversation_id)
    inquiry = conversation.inquiry
    if inquiry is None or conversation.state != ConversationState.ACTIVE:
        raise ChatError(
            _("An agent will ask you for these answers once they join the chat."),
            code=ErrorCode.NOT_HANDED_OFF,
        )
    asked = conversation.messages.filter(sender=Sender.SYSTEM, notice=IDENTITY_FORM).exists()
    agent = _chat_holder(conversation)
    if not asked or agent is None:
        raise ChatError(_("The agent has not asked you to verify your identity."))
    receipt_number, checked = _identity_answers(answers)
    result = inquiry_verify_identity(
        inquiry=inquiry,
        actor=agent,
        receipt_number=receipt_number,
        claimed_as=VerifiedAs.APPLICANT,
        answers=checked,
        channel="chat",
    )
    notice = (
        IDENTITY_PASSED if result.passed else IDENTITY_LOCKED if result.locked else IDENTITY_FAILED
    )
    return IdentityFormResult(
        passed=result.passed,
        locked=result.locked,
        notice=_store(conversation, sender=Sender.SYSTEM, notice=notice),
    )


# --- The satisfaction survey a chat with an agent asks when it ends -----------------------


@transaction.atomic
def chat_survey_answer(
    *, conversation: Conversation, score: object, comment: object, user_id: int | None = None
) -> None:
    """The person's answer to the survey their ended chat asked (1 to 5, an optional comment).
    Refused, changing nothing, for a chat still going, a chat that asked none, a second answer
    or a bad score."""
    if conversation.state != ConversationState.ENDED or conversation.inquiry is None:
        raise ChatError(_("The survey is asked when a chat with an agent ends."))
    survey_answer_in_channel(
        inquiry=conversation.inquiry, score=score, comment=comment, user_id=user_id
    )
