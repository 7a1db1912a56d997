"""Every write of email intake: a message received (from IMAP, a provider's webhook or an
imported file), a reply from staff, the acknowledgement, and their delivery.

``email_receive`` is the one pipeline. It runs in one transaction and is idempotent: a message
is known by its Message-ID (or, without one, by its bytes' hash), so receiving it again,
after a crash or from a second source, changes nothing and says "already seen". Nothing a
person sent is lost: the raw message is kept under the private root whatever becomes of it,
and a message that cannot be read is kept aside with the reason instead of stopping the run.
Addresses, subjects and bodies never go into a log line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import smtplib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.utils import format_datetime, make_msgid, parseaddr
from functools import partial
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django_tasks import task

from contactcenter.core.domain_events import contact_events_together
from contactcenter.core.errors import ApplicationError, ErrorCode
from contactcenter.core.private_files import file_keep, private_root
from contactcenter.core.reference_numbers import InvalidReferenceNumber, ReferenceNumber
from contactcenter.inquiries.models import Channel, Inquiry, InquiryState
from contactcenter.inquiries.services import (
    InquiryOpening,
    inquiries_add_messages_many,
    inquiries_open_many,
    inquiry_add_message,
    inquiry_open,
    inquiry_reopen,
)
from contactcenter.intake.errors import AddressUndeliverable, CaseDetailsNotAllowed, NoEmailAddress
from contactcenter.intake.models import (
    InboundAttachment,
    InboundEmail,
    OutboundEmail,
    OutboundKind,
    OutboundState,
    Outcome,
    Source,
    UndeliverableAddress,
)
from contactcenter.intake.parse import (
    Attachment,
    Headers,
    MalformedEmail,
    ParsedEmail,
    dedup_key,
    email_parse,
    headers_read,
    quoted_text_strip,
)
from contactcenter.intake.texts import texts_for
from contactcenter.people.models import Person
from contactcenter.routing.models import Queue, QueueTier, WorkItem, WorkKind, WorkState
from contactcenter.routing.services import (
    QueueChoice,
    queue_for,
    work_item_enqueue,
    work_items_enqueue_many,
)
from contactcenter.servicerequests.file_content import FileRefused, content_check

logger = logging.getLogger(__name__)

INQUIRY_MESSAGE_MAX = 10_000  # what inquiries.services takes in one message
_TOKEN_SALT = "contactcenter.intake.reply-token"  # noqa: S105 (an HMAC salt, not a secret)
_REPLY_TOKEN = re.compile(r"\+(?P<id>[0-9]{1,12})\.(?P<mac>[0-9a-f]{20})@")
_TEN_DIGITS = re.compile(r"(?<![0-9])([0-9]{10})(?![0-9])")
_OPEN_WORK = (WorkState.QUEUED, WorkState.OFFERED, WorkState.ASSIGNED)
_DISGUISE_EXTENSIONS = {"pdf": "pdf", "png": "png", "jpg": "jpeg", "jpeg": "jpeg", "gif": "gif"}
_CONTENT_CHECKED = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


@dataclass(frozen=True, slots=True)
class Received:
    """What became of one message: ``already_seen`` when it had been received before."""

    email: InboundEmail
    already_seen: bool = False

    @property
    def outcome(self) -> str:
        return "already_seen" if self.already_seen else self.email.outcome

    @property
    def reason(self) -> str:
        return self.email.reason


# --- Settings ------------------------------------------------------------------------------


def intake_root() -> Path:
    return private_root("intake")


def _our_address() -> tuple[str, str]:
    """(display name, address) people write to."""
    name, address = parseaddr(settings.INTAKE_EMAIL_ADDRESS)
    return name, address or "contact@localhost"


def _domain() -> str:
    return _our_address()[1].rpartition("@")[2] or "localhost"


# --- Files kept outside the web root --------------------------------------------------------


def _file_keep(content: bytes, *, folder: str, suffix: str) -> str:
    return file_keep(intake_root(), content, folder=folder, suffix=suffix)


def raw_read(email: InboundEmail) -> bytes:
    return (intake_root() / email.raw_path).read_bytes()


# --- Threading: reply tokens and lookups ----------------------------------------------------


def reply_token(inquiry_id: int) -> str:
    """``<id>.<mac>``: lowercase hex so a mail system that folds case keeps it valid."""
    mac = salted_hmac(_TOKEN_SALT, str(inquiry_id)).hexdigest()[:20]
    return f"{inquiry_id}.{mac}"


def reply_address(inquiry_id: int) -> str:
    local, _at, domain = _our_address()[1].rpartition("@")
    return f"{local}+{reply_token(inquiry_id)}@{domain}"


def reply_token_read(address: str) -> int | None:
    found = _REPLY_TOKEN.search(address.lower())
    if found is None:
        return None
    inquiry_id = int(found["id"])
    expected = reply_token(inquiry_id).partition(".")[2]
    return inquiry_id if constant_time_compare(expected, found["mac"]) else None


def _reference_valid(number: str) -> bool:
    try:
        ReferenceNumber.parse(number)
    except InvalidReferenceNumber:
        return False
    return True


def _thread_find(parsed: ParsedEmail, chunk: _Chunk) -> tuple[Inquiry | None, str]:
    """The inquiry a reply belongs to, and how it was found: In-Reply-To, then References
    (newest first), then our signed reply address, then a reference number in the subject
    from the address the inquiry was opened with."""
    for how, ids in (
        ("in_reply_to", parsed.in_reply_to),
        ("references", tuple(reversed(parsed.references))),
    ):
        for message_id in ids:
            if inquiry_id := chunk.threads.get(message_id):
                return Inquiry.objects.get(pk=inquiry_id), how
    for recipient in parsed.recipients:
        inquiry_id = reply_token_read(recipient)
        if inquiry_id is not None:
            found = Inquiry.objects.filter(pk=inquiry_id).first()
            if found is not None:
                return found, "reply_token"
    for number in _TEN_DIGITS.findall(parsed.subject):
        if not _reference_valid(number):  # an ordinary number in the subject
            continue
        found = Inquiry.objects.filter(
            reference_number=number, contact_email__iexact=parsed.sender
        ).first()
        if found is not None:
            return found, "subject_reference"
    return None, ""


# --- Receiving -----------------------------------------------------------------------------


@dataclass
class _Chunk:
    """What receiving a chunk of messages looks up once (a handful of queries) instead of once
    per message. Kept up to date as each message is received, so a later message of the chunk
    sees the earlier ones: its dedup key, its thread, the sender's count towards the cap, an
    acknowledgement already queued. Loaded again after a message's savepoint is rolled back,
    so nothing that message did is remembered."""

    seen: dict[str, InboundEmail]  # dedup key: the message's row
    own_message_ids: set[str]  # Message-IDs of ours among the chunk's messages
    threads: dict[str, int]  # a Message-ID the chunk refers to: its inquiry's id
    person_hints: dict[str, int]  # an upper-cased sender: the one person with that address
    new_recently: Counter[str]  # a sender: new inquiries from them in the last hour
    undeliverable: set[str]  # the chunk's senders (lower-cased) that bounced for good
    acknowledged: set[str]  # the chunk's senders acknowledged within the period
    # Emails queued by the chunk, handed to the task queue together once it commits.
    outbound: list[int] = field(default_factory=list)
    queues: dict[QueueChoice, Queue] = field(default_factory=dict)
    # Messages held to be written together (new questions, replies; ``_together_receive``):
    # their Message-IDs and dedup keys (a later message that names one waits for the write),
    # and their senders' count towards the cap.
    pending_ids: set[str] = field(default_factory=set)
    pending_keys: set[str] = field(default_factory=set)
    pending_new: Counter[str] = field(default_factory=Counter)

    def hold(self, parsed: ParsedEmail, *, new: bool) -> None:
        """A message to be written with the other held ones; ``new``: it opens an inquiry."""
        if parsed.message_id:
            self.pending_ids.add(parsed.message_id)
        self.pending_keys.add(parsed.dedup_key)
        if new:
            self.pending_new[parsed.sender] += 1

    def waits_for_pending(self, parsed: ParsedEmail) -> bool:
        """Whether the message names a pending one (a copy of it, or a reply to it)."""
        return parsed.dedup_key in self.pending_keys or any(
            message_id in self.pending_ids
            for message_id in (*parsed.in_reply_to, *parsed.references)
        )

    def new_from(self, sender: str) -> int:
        """New inquiries from the sender in the last hour, the held ones included."""
        return self.new_recently[sender] + self.pending_new[sender]

    def written(self) -> None:
        """The pending messages are written (and remembered one by one)."""
        self.pending_ids.clear()
        self.pending_keys.clear()
        self.pending_new.clear()

    def queue(self, choice: QueueChoice) -> Queue:
        if choice not in self.queues:
            self.queues[choice] = queue_for(choice)
        return self.queues[choice]

    def remember(self, email: InboundEmail) -> None:
        """A message recorded in this chunk, for the messages after it."""
        self.seen[email.dedup_key] = email
        if email.message_id and email.inquiry_id is not None:
            self.threads.setdefault(email.message_id, email.inquiry_id)
        if email.outcome == Outcome.NEW_INQUIRY:
            self.new_recently[email.sender] += 1


def _chunk_load(arrivals: list[_Arrival], *, outbound: list[int]) -> _Chunk:
    """The chunk's look-ups, read from the database (this transaction's writes included);
    ``outbound``: the emails the chunk queued so far."""
    parsed = [arrival.parsed for arrival in arrivals if arrival.parsed is not None]
    senders = {p.sender for p in parsed if p.sender}
    referenced = {mid for p in parsed for mid in (*p.in_reply_to, *p.references)}
    now = timezone.now()
    threads: dict[str, int] = {}
    if referenced:
        # Our own messages last, so they win: the message-by-message look-up tried ours first.
        threads.update(
            InboundEmail.objects.filter(message_id__in=referenced, inquiry__isnull=False)
            .order_by("received_at", "id")  # the newest row last, so it wins
            .values_list("message_id", "inquiry_id")
        )
        threads.update(
            OutboundEmail.objects.filter(
                message_id__in=referenced, inquiry__isnull=False
            ).values_list("message_id", "inquiry_id")
        )
    hints: dict[str, list[int]] = {}
    if senders:
        anyone = Q()
        for sender in senders:
            anyone |= Q(email__iexact=sender)
        for person_id, address in Person.objects.filter(anyone).values_list("pk", "email"):
            hints.setdefault(address.upper(), []).append(person_id)
    new_recently = InboundEmail.objects.filter(
        sender__in=senders,
        outcome=Outcome.NEW_INQUIRY,
        received_at__gte=now - dt.timedelta(hours=1),
    )
    ack_since = now - dt.timedelta(seconds=settings.INTAKE_ACK_PERIOD_SECONDS)
    return _Chunk(
        seen={
            email.dedup_key: email
            for email in InboundEmail.objects.filter(dedup_key__in=[p.dedup_key for p in parsed])
        },
        own_message_ids=set(
            OutboundEmail.objects.filter(
                message_id__in={p.message_id for p in parsed if p.message_id}
            ).values_list("message_id", flat=True)
        ),
        threads=threads,
        # A hint only when exactly one person has the address.
        person_hints={address: ids[0] for address, ids in hints.items() if len(ids) == 1},
        new_recently=Counter(
            dict(
                new_recently.order_by()
                .values("sender")
                .annotate(count=Count("id"))
                .values_list("sender", "count")
            )
        ),
        undeliverable=set(
            UndeliverableAddress.objects.filter(
                address__in={sender.strip().lower() for sender in senders}
            ).values_list("address", flat=True)
        ),
        acknowledged=set(
            OutboundEmail.objects.filter(
                recipient__in=senders,
                kind=OutboundKind.ACKNOWLEDGEMENT,
                created_at__gte=ack_since,
            ).values_list("recipient", flat=True)
        ),
        outbound=outbound,
    )


def _already(key: str) -> Received | None:
    found = InboundEmail.objects.filter(dedup_key=key).first()
    return Received(email=found, already_seen=True) if found is not None else None


def _record(**fields) -> InboundEmail | None:
    """Insert the message's row; None when another run inserted it first (a race)."""
    try:
        with transaction.atomic():
            return InboundEmail.objects.create(**fields)
    except IntegrityError:
        return None


def _refuse_too_large(*, raw: bytes, source: str, raw_sha256: str) -> Received:
    try:
        headers = headers_read(raw)
    except Exception:  # even the header is unreadable: known by its bytes alone
        headers = Headers("", "", "", None, "unreadable", "unreadable")
    key = dedup_key(headers.message_id, raw_sha256)
    if seen := _already(key):
        return seen
    email = _record(
        dedup_key=key,
        message_id=headers.message_id[:255],
        source=source,
        outcome=Outcome.REFUSED,
        reason="too_large",
        sender=headers.sender,
        subject=headers.subject,
        raw_path=_file_keep(raw, folder="raw", suffix=".eml"),
        raw_size=len(raw),
        raw_sha256=raw_sha256,
    )
    if email is None:
        return _already(key)  # type: ignore[return-value]
    if _may_answer_automatically(headers.sender, OutboundKind.REFUSAL, headers.answerable):
        texts = texts_for("en")
        limit = settings.INTAKE_EMAIL_MAX_BYTES
        body = texts.too_large.format(
            size_mb=f"{len(raw) / 1_048_576:.1f}", limit_mb=f"{limit / 1_048_576:.0f}"
        )
        spanish = texts_for("es")
        body_es = spanish.too_large.format(
            size_mb=f"{len(raw) / 1_048_576:.1f}", limit_mb=f"{limit / 1_048_576:.0f}"
        )
        # The language cannot be read without the body: both, English first.
        _outbound_queue(
            kind=OutboundKind.REFUSAL,
            recipient=headers.sender,
            subject=f"{texts.too_large_subject} / {spanish.too_large_subject}",
            body=f"{body}\n\n---\n\n{body_es}",
            language="en",
            answers=email,
            in_reply_to=headers.message_id,
        )
    logger.info("intake.email_refused", extra={"email_id": email.pk, "reason": "too_large"})
    return Received(email=email)


def _keep_aside(*, raw: bytes, source: str, raw_sha256: str, reason: str) -> Received:
    try:
        headers = headers_read(raw)
        message_id, sender, subject = headers.message_id, headers.sender, headers.subject
    except Exception:  # nothing readable: known by its bytes
        message_id, sender, subject = "", "", ""
    key = dedup_key(message_id, raw_sha256)
    if seen := _already(key):
        return seen
    email = _record(
        dedup_key=key,
        message_id=message_id[:255],
        source=source,
        outcome=Outcome.KEPT_ASIDE,
        reason=reason[:60],
        sender=sender,
        subject=subject,
        raw_path=_file_keep(raw, folder="raw", suffix=".eml"),
        raw_size=len(raw),
        raw_sha256=raw_sha256,
    )
    if email is None:
        return _already(key)  # type: ignore[return-value]
    logger.warning("intake.email_kept_aside", extra={"email_id": email.pk, "reason": reason})
    return Received(email=email)


def _attachment_refusal(attachment: Attachment) -> str:
    """Why an attachment is not kept ("" when it is): its size, its kind as read from its
    bytes (allowed kinds are a setting), a name that claims another kind than its content,
    or content that does not hold up as its kind."""
    if attachment.size > settings.INTAKE_ATTACHMENT_MAX_BYTES:
        return "too_large"
    extension = attachment.filename.rpartition(".")[2].lower() if "." in attachment.filename else ""
    claimed = _DISGUISE_EXTENSIONS.get(extension)
    if claimed and claimed != attachment.kind:
        return f"disguised:{attachment.kind}"
    if attachment.kind not in settings.INTAKE_ATTACHMENT_KINDS:
        return f"kind_not_allowed:{attachment.kind}"
    if attachment.kind in _CONTENT_CHECKED:
        try:
            content_check(attachment.content, _CONTENT_CHECKED[attachment.kind])
        except FileRefused as refused:
            return f"content:{refused.reason}"[:60]
    return ""


def _attachments_keep(email: InboundEmail, attachments: tuple[Attachment, ...]) -> None:
    for attachment in attachments:
        refused = _attachment_refusal(attachment)
        InboundAttachment.objects.create(
            email=email,
            filename=attachment.filename,
            declared_type=attachment.declared_type[:100],
            kind=attachment.kind,
            size=attachment.size,
            sha256=attachment.sha256,
            stored_path=""
            if refused
            else _file_keep(attachment.content, folder="files", suffix=".bin"),
            refused_reason=refused,
        )
        if refused:
            logger.info(
                "intake.attachment_refused", extra={"email_id": email.pk, "reason": refused}
            )


def _bounce_record(email: InboundEmail, parsed: ParsedEmail, chunk: _Chunk) -> None:
    """A permanent failure marks the address undeliverable, the message we sent bounced, and
    tells the agent in the inquiry's history. Never answered."""
    for report in parsed.delivery_reports:
        if not report.permanent_failure or not report.recipient:
            continue
        UndeliverableAddress.objects.update_or_create(
            address=report.recipient.lower(),
            defaults={"status": report.status[:10], "diagnostic": "", "report": email},
        )
        chunk.undeliverable.add(report.recipient.lower())
        logger.info("intake.address_undeliverable", extra={"email_id": email.pk})
    if not parsed.bounced_message_id:
        return
    ours = OutboundEmail.objects.filter(message_id=parsed.bounced_message_id).first()
    if ours is None:
        return
    OutboundEmail.objects.filter(pk=ours.pk).update(state=OutboundState.BOUNCED)
    if ours.inquiry is not None:
        email.inquiry = ours.inquiry
        email.save(update_fields=["inquiry"])
        if ours.inquiry.state != InquiryState.CLOSED:
            status = next((r.status for r in parsed.delivery_reports), "")
            inquiry_add_message(
                inquiry=ours.inquiry,
                body=f"Our email to the person could not be delivered (status {status or '?'}); "
                "the address is marked undeliverable. Reach them another way.",
                actor_label="system",
            )


def address_undeliverable(address: str) -> bool:
    return UndeliverableAddress.objects.filter(address=address.strip().lower()).exists()


def _message_text(parsed: ParsedEmail, *, reply: bool) -> str:
    words = parsed.text or parsed.html_text
    if reply:
        words = quoted_text_strip(words)
    if not reply and parsed.subject:
        words = f"{parsed.subject}\n\n{words}".strip()
    words = words.strip() or parsed.subject or texts_for(parsed.language).no_text
    if len(words) > INQUIRY_MESSAGE_MAX:
        words = words[: INQUIRY_MESSAGE_MAX - 1] + "…"
    return words


def _work_ensure(inquiry: Inquiry, chunk: _Chunk) -> None:
    """Someone must see the person's new words: queue the inquiry again unless work on it is
    already waiting or held."""
    if WorkItem.objects.filter(inquiry=inquiry, state__in=_OPEN_WORK).exists():
        return
    queue = chunk.queue(
        QueueChoice(tier=QueueTier.TIER1, language=inquiry.language, channel="email")
    )
    work_item_enqueue(
        inquiry=inquiry, kind=WorkKind.WEBFORM_REPLY, queue=queue, channel=Channel.EMAIL
    )


def _reply_join(parsed: ParsedEmail, inquiry: Inquiry, chunk: _Chunk) -> None:
    if inquiry.state == InquiryState.CLOSED:
        inquiry_reopen(inquiry=inquiry, actor=None, reason="The person answered by email.")
    inquiry_add_message(
        inquiry=inquiry, body=_message_text(parsed, reply=True), actor_label="person"
    )
    _work_ensure(inquiry, chunk)


def _topic(parsed: ParsedEmail) -> str:
    """The topic of the address written to (``INTAKE_EMAIL_TOPIC_ADDRESSES``), as a phone
    line has one; "" for the general address."""
    topics = {
        address.strip().lower(): topic.strip()
        for address, topic in settings.INTAKE_EMAIL_TOPIC_ADDRESSES.items()
    }
    for recipient in parsed.recipients:
        local, _at, domain = recipient.lower().rpartition("@")
        plain = f"{local.partition('+')[0]}@{domain}"  # contact+anything@ is contact@
        if topic := topics.get(plain):
            return topic
    return ""


def _inquiry_open(parsed: ParsedEmail, chunk: _Chunk) -> Inquiry:
    topic = _topic(parsed)
    inquiry = inquiry_open(
        channel=Channel.EMAIL,
        language=parsed.language,
        topic=topic or "email",
        contact_email=parsed.sender,
        first_message=_message_text(parsed, reply=False),
    )
    queue = chunk.queue(
        QueueChoice(tier=QueueTier.TIER1, language=parsed.language, channel="email", topic=topic)
    )
    work_item_enqueue(
        inquiry=inquiry, kind=WorkKind.WEBFORM_REPLY, queue=queue, channel=Channel.EMAIL
    )
    return inquiry


def _may_answer_automatically(sender: str, kind: str, answerable: bool) -> bool:
    """An automatic answer (an acknowledgement, a refusal) goes only to mail that may have
    one, to an address that has not bounced, and at most once of each kind per sender per
    ``INTAKE_ACK_PERIOD_SECONDS``, so a flood (or a forged sender) draws one answer, not many."""
    if not answerable or address_undeliverable(sender):
        return False
    since = timezone.now() - dt.timedelta(seconds=settings.INTAKE_ACK_PERIOD_SECONDS)
    return not OutboundEmail.objects.filter(
        recipient=sender, kind=kind, created_at__gte=since
    ).exists()


def _acknowledge(email: InboundEmail, parsed: ParsedEmail, inquiry: Inquiry, chunk: _Chunk) -> None:
    """At most one acknowledgement per sender per period, never to machine or list mail, a
    bounce, mail that asks for none, or an address that bounced (``_may_answer_automatically``
    with the chunk's look-ups)."""
    acknowledgement = _acknowledgement_build(email, parsed, inquiry, chunk)
    if acknowledgement is not None:
        acknowledgement.save(force_insert=True)
        chunk.outbound.append(acknowledgement.pk)


def _acknowledgement_build(
    email: InboundEmail, parsed: ParsedEmail, inquiry: Inquiry, chunk: _Chunk
) -> OutboundEmail | None:
    """The acknowledgement ``_acknowledge`` sends, not yet saved; None when none is due. The
    chunk counts it as sent."""
    sender = parsed.sender
    if (
        not parsed.answerable
        or sender.strip().lower() in chunk.undeliverable
        or sender in chunk.acknowledged
    ):
        return None
    texts = texts_for(inquiry.language)
    chunk.acknowledged.add(sender)
    return _outbound_build(
        kind=OutboundKind.ACKNOWLEDGEMENT,
        recipient=sender,
        subject=_subject(texts.acknowledgement_subject, inquiry),
        body=texts.acknowledgement.format(reference=inquiry.reference_number),
        language=inquiry.language,
        inquiry=inquiry,
        answers=email,
        in_reply_to=parsed.message_id,
        references=(*parsed.references, parsed.message_id),
    )


@transaction.atomic
def email_receive(*, raw: bytes, source: str) -> Received:
    """Receive one raw message (RFC 5322 bytes) from ``source`` (imap, webhook, import).

    One transaction; idempotent on the Message-ID (or the bytes' hash). Outcomes: a new
    inquiry in the email queue of the detected language; a reply joined to its inquiry
    (reopened and queued again if need be); ignored (machine or list mail, a delivery report,
    which marks a permanently failing address undeliverable); refused (too large, or past the
    per-sender cap on new inquiries); kept aside (unreadable). Never raises for bad mail; a
    failure of ours (the database) propagates, so a webhook's provider tries again."""
    if source not in Source.values:
        raise ValueError(f"unknown source {source!r}")
    return _chunk_receive([_arrive(raw, keep_failures_aside=False)], source=source)[0]


def emails_receive(*, raws: Sequence[bytes], source: str) -> list[Received]:
    """Receive a chunk of messages in one transaction, as ``email_receive`` receives one: a
    commit per chunk instead of per message, and the chunk's look-ups made once.

    Each message runs in its own savepoint, so one never undoes another: a message whose
    receiving fails unexpectedly is rolled back alone and kept aside with the failure's kind
    (staff can receive it again), and the others go on. Returns once the chunk is committed;
    (called outside a transaction) only then may the caller mark the messages as received."""
    if source not in Source.values:
        raise ValueError(f"unknown source {source!r}")
    arrivals = [_arrive(raw, keep_failures_aside=True) for raw in raws]
    with transaction.atomic():
        return _chunk_receive(arrivals, source=source, keep_failures_aside=True, together=True)


@dataclass(frozen=True, slots=True)
class _Arrival:
    """One raw message, read (parsed) before the transaction opens."""

    raw: bytes
    raw_sha256: str
    parsed: ParsedEmail | None = None
    unreadable: str = ""  # why it could not be read; "" when parsed or too large

    @property
    def too_large(self) -> bool:
        return len(self.raw) > settings.INTAKE_EMAIL_MAX_BYTES


def _arrive(raw: bytes, *, keep_failures_aside: bool) -> _Arrival:
    raw_sha256 = hashlib.sha256(raw).hexdigest()
    if len(raw) > settings.INTAKE_EMAIL_MAX_BYTES:
        return _Arrival(raw, raw_sha256)
    try:
        return _Arrival(raw, raw_sha256, parsed=email_parse(raw))
    except MalformedEmail as malformed:
        return _Arrival(raw, raw_sha256, unreadable=malformed.reason)
    except Exception as error:  # a parser failure of ours: this message aside, not the chunk
        if not keep_failures_aside:
            raise
        logger.warning("intake.email_parse_failed", extra={"error": type(error).__name__})
        return _Arrival(raw, raw_sha256, unreadable=f"error:{type(error).__name__}")


def _chunk_receive(
    arrivals: list[_Arrival],
    *,
    source: str,
    keep_failures_aside: bool = False,
    together: bool = False,
) -> list[Received]:
    """Inside the caller's transaction: each message in a savepoint, the look-ups shared.

    ``together``: the messages that open new inquiries or join open ones (most of a public
    mailbox) are held and written together, a few statements for all of them
    (``_together_receive``), when a later message names one of them or the chunk ends.
    Should that write fail, it is rolled back and the held messages are received one by one,
    each in its savepoint, as the others are: the outcome is the same either way, only the
    number of statements differs."""
    outbound: list[int] = []
    chunk = _chunk_load(arrivals, outbound=outbound)
    results: dict[int, Received] = {}
    held: list[tuple[int, _Held]] = []

    def one(arrival: _Arrival) -> Received:
        nonlocal chunk
        queued = len(outbound)
        try:
            with transaction.atomic():
                received = _receive(arrival, source=source, chunk=chunk)
        except Exception as error:
            # Whatever the rolled-back message did, the chunk must not remember it.
            del outbound[queued:]
            chunk = _chunk_load(arrivals, outbound=outbound)
            settled = _failure_settle(arrival, error, source=source, keep=keep_failures_aside)
            if settled is None:
                raise
            received = settled
        if not received.already_seen:
            chunk.remember(received.email)
        return received

    def write_held() -> None:
        nonlocal chunk
        if not held:
            return
        indexes = [index for index, _held in held]
        batch = [each for _index, each in held]
        held.clear()
        queued = len(outbound)
        try:
            with transaction.atomic():
                written = _together_receive(batch, source=source, chunk=chunk)
        except Exception as error:
            if isinstance(error, OperationalError | InterfaceError):
                raise  # the database's fault, not the messages': the chunk is taken again
            logger.info("intake.together_failed", extra={"error": type(error).__name__})
            del outbound[queued:]
            chunk = _chunk_load(arrivals, outbound=outbound)
            for index in indexes:
                results[index] = one(arrivals[index])
            return
        chunk.written()
        for index, received in zip(indexes, written, strict=True):
            chunk.remember(received.email)
            results[index] = received

    for index, arrival in enumerate(arrivals):
        parsed = arrival.parsed
        if parsed is not None and chunk.waits_for_pending(parsed):
            write_held()
        if together and parsed is not None and (holding := _may_hold(arrival, chunk)):
            chunk.hold(parsed, new=holding.inquiry is None)
            held.append((index, holding))
            continue
        results[index] = one(arrival)
    write_held()
    if outbound:
        transaction.on_commit(partial(_enqueue_together, tuple(outbound)), robust=True)
    return [results[index] for index in range(len(arrivals))]


@dataclass(frozen=True, slots=True)
class _Held:
    """A message held to be written with others: a new question (``inquiry`` None) or a reply
    to an open inquiry (found by ``joined_by``)."""

    arrival: _Arrival
    parsed: ParsedEmail
    inquiry: Inquiry | None = None
    joined_by: str = ""


def _may_hold(arrival: _Arrival, chunk: _Chunk) -> _Held | None:
    """The message held to be written with others when ``_receive`` would open a new inquiry
    for it (as ``_decide`` decides, counting the held messages towards the sender's cap) or
    join it to an inquiry that is open; None for everything else (machine mail, bounces,
    refusals, a reply that reopens a closed inquiry), received one by one. Writes nothing."""
    parsed = arrival.parsed
    if arrival.too_large or parsed is None or parsed.dedup_key in chunk.seen:
        return None
    if parsed.is_bounce or parsed.message_id in chunk.own_message_ids or parsed.machine:
        return None
    inquiry, joined_by = _thread_find(parsed, chunk)
    if inquiry is not None:
        if inquiry.state == InquiryState.CLOSED:
            return None
        return _Held(arrival, parsed, inquiry=inquiry, joined_by=joined_by)
    if chunk.new_from(parsed.sender) >= settings.INTAKE_NEW_PER_SENDER_PER_HOUR:
        return None
    return _Held(arrival, parsed)


def _together_receive(held: list[_Held], *, source: str, chunk: _Chunk) -> list[Received]:
    """Held messages, written together: the new questions' inquiries with their history,
    the replies' messages in their inquiries' history (each inquiry locked, and refused if it
    was closed meanwhile), the work items (a new question's, a reply's when its inquiry has no
    open work), the email rows, the acknowledgements, and the contact events, a statement or
    two of each kind, where one by one takes about ten a message."""
    new = [each for each in held if each.inquiry is None]
    replies = [each for each in held if each.inquiry is not None]
    with contact_events_together():
        topics = [_topic(each.parsed) for each in new]
        opened = inquiries_open_many(
            [
                InquiryOpening(
                    channel=Channel.EMAIL,
                    language=each.parsed.language,
                    topic=topic or "email",
                    contact_email=each.parsed.sender,
                    first_message=_message_text(each.parsed, reply=False),
                )
                for each, topic in zip(new, topics, strict=True)
            ]
        )
        queued = [
            (inquiry, _email_queue(chunk, each.parsed.language, topic))
            for inquiry, each, topic in zip(opened, new, topics, strict=True)
        ]
        if replies:
            inquiries_add_messages_many(
                [
                    (each.inquiry, _message_text(each.parsed, reply=True))
                    for each in replies
                    if each.inquiry is not None
                ]
            )
            queued += _work_missing([each.inquiry for each in replies if each.inquiry], chunk)
        work_items_enqueue_many(queued, kind=WorkKind.WEBFORM_REPLY, channel=Channel.EMAIL)
        inquiry_of = dict(zip((id(each) for each in new), opened, strict=True))
        emails = InboundEmail.objects.bulk_create(
            [
                _inbound_row(
                    each.arrival,
                    each.parsed,
                    source=source,
                    chunk=chunk,
                    outcome=Outcome.NEW_INQUIRY if each.inquiry is None else Outcome.REPLY_JOINED,
                    inquiry=each.inquiry or inquiry_of[id(each)],
                    joined_by=each.joined_by,
                )
                for each in held
            ]
        )
        acknowledgements = [
            acknowledgement
            for email, each in zip(emails, held, strict=True)
            if each.inquiry is None
            and (
                acknowledgement := _acknowledgement_build(
                    email, each.parsed, inquiry_of[id(each)], chunk
                )
            )
        ]
        OutboundEmail.objects.bulk_create(acknowledgements)
        chunk.outbound.extend(acknowledgement.pk for acknowledgement in acknowledgements)
        for email, each in zip(emails, held, strict=True):
            if each.parsed.attachments:
                _attachments_keep(email, each.parsed.attachments)
    for email in emails:
        logger.info(
            "intake.email_received",
            extra={"email_id": email.pk, "source": source, "outcome": email.outcome, "reason": ""},
        )
    return [Received(email=email) for email in emails]


def _email_queue(chunk: _Chunk, language: str, topic: str = "") -> Queue:
    return chunk.queue(
        QueueChoice(tier=QueueTier.TIER1, language=language, channel="email", topic=topic)
    )


def _work_missing(inquiries: list[Inquiry], chunk: _Chunk) -> list[tuple[Inquiry, Queue]]:
    """What ``_work_ensure`` would queue for each of these inquiries (once each): those with
    no work waiting or held, in the email queue of their language."""
    unique = list({inquiry.pk: inquiry for inquiry in inquiries}.values())
    working = set(
        WorkItem.objects.filter(
            inquiry_id__in=[inquiry.pk for inquiry in unique], state__in=_OPEN_WORK
        ).values_list("inquiry_id", flat=True)
    )
    return [
        (inquiry, _email_queue(chunk, inquiry.language))
        for inquiry in unique
        if inquiry.pk not in working
    ]


def _failure_settle(
    arrival: _Arrival, error: Exception, *, source: str, keep: bool
) -> Received | None:
    """A message whose receiving failed: "already seen" when another run recorded it first
    (the unique dedup key refused ours), kept aside with the failure's kind when ``keep``,
    else None (the caller raises). A database fault (a lost connection, a deadlock) is not
    the message's: None, so the whole chunk is rolled back and taken again next run."""
    parsed = arrival.parsed
    if isinstance(error, IntegrityError) and parsed and (seen := _already(parsed.dedup_key)):
        return seen
    if not keep or isinstance(error, OperationalError | InterfaceError):
        return None
    reason = f"error:{type(error).__name__}"
    logger.warning("intake.email_failed", extra={"error": type(error).__name__})
    with transaction.atomic():
        return _keep_aside(
            raw=arrival.raw, source=source, raw_sha256=arrival.raw_sha256, reason=reason
        )


def _receive(arrival: _Arrival, *, source: str, chunk: _Chunk) -> Received:
    """One message, inside its savepoint. Decided before its row is written, so the row is
    written once, with its outcome."""
    raw, raw_sha256, parsed = arrival.raw, arrival.raw_sha256, arrival.parsed
    if arrival.too_large:
        return _refuse_too_large(raw=raw, source=source, raw_sha256=raw_sha256)
    if parsed is None:
        return _keep_aside(raw=raw, source=source, raw_sha256=raw_sha256, reason=arrival.unreadable)
    if seen := chunk.seen.get(parsed.dedup_key):
        return Received(email=seen, already_seen=True)
    outcome, reason, inquiry, joined_by = _decide(parsed, chunk)
    # A concurrent run that recorded the same key first makes this insert fail: the
    # savepoint is rolled back whole (the inquiry too) and the message is "already seen".
    email = _inbound_row(
        arrival, parsed, source=source, chunk=chunk, outcome=outcome, reason=reason,
        inquiry=inquiry, joined_by=joined_by,
    )  # fmt: skip
    email.save(force_insert=True)
    if parsed.is_bounce:
        _bounce_record(email, parsed, chunk)
    if outcome == Outcome.NEW_INQUIRY and inquiry is not None:
        _acknowledge(email, parsed, inquiry, chunk)
    if outcome in (Outcome.NEW_INQUIRY, Outcome.REPLY_JOINED):
        _attachments_keep(email, parsed.attachments)
    logger.info(
        "intake.email_received",
        extra={"email_id": email.pk, "source": source, "outcome": outcome, "reason": reason},
    )
    return Received(email=email)


def _inbound_row(
    arrival: _Arrival,
    parsed: ParsedEmail,
    *,
    source: str,
    chunk: _Chunk,
    outcome: str,
    reason: str = "",
    inquiry: Inquiry | None = None,
    joined_by: str = "",
) -> InboundEmail:
    """The message's row, not yet saved, its raw bytes kept (once per content)."""
    return InboundEmail(
        dedup_key=parsed.dedup_key,
        message_id=parsed.message_id[:255],
        source=source,
        outcome=outcome,
        reason=reason,
        inquiry=inquiry,
        joined_by=joined_by,
        sender=parsed.sender,
        person_hint_id=chunk.person_hints.get(parsed.sender.upper()),
        subject=parsed.subject,
        language=parsed.language,
        body_text=parsed.text,
        html_text=parsed.html_text,
        html_safe=parsed.html_safe,
        in_reply_to=" ".join(parsed.in_reply_to)[:1000],
        references=" ".join(parsed.references),
        defects=list(parsed.defects),
        raw_path=_file_keep(arrival.raw, folder="raw", suffix=".eml"),
        raw_size=len(arrival.raw),
        raw_sha256=arrival.raw_sha256,
    )


def _decide(parsed: ParsedEmail, chunk: _Chunk) -> tuple[str, str, Inquiry | None, str]:
    if parsed.is_bounce:
        return Outcome.IGNORED, "bounce", None, ""  # recorded once the row exists
    if parsed.message_id in chunk.own_message_ids:
        return Outcome.IGNORED, "own_message", None, ""
    if parsed.machine:
        return Outcome.IGNORED, parsed.machine, None, ""
    inquiry, joined_by = _thread_find(parsed, chunk)
    if inquiry is not None:
        _reply_join(parsed, inquiry, chunk)
        return Outcome.REPLY_JOINED, "", inquiry, joined_by
    if chunk.new_from(parsed.sender) >= settings.INTAKE_NEW_PER_SENDER_PER_HOUR:
        return Outcome.REFUSED, "sender_rate_capped", None, ""
    return Outcome.NEW_INQUIRY, "", _inquiry_open(parsed, chunk), ""


# --- Sending -------------------------------------------------------------------------------


def _subject(subject: str, inquiry: Inquiry) -> str:
    tag = f"[{texts_for(inquiry.language).reference} {inquiry.reference_number}]"
    subject = " ".join(subject.split())
    if inquiry.reference_number not in subject:
        subject = f"{subject} {tag}".strip()
    return subject[:500]


def _outbound_queue(
    *,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    language: str,
    inquiry: Inquiry | None = None,
    answers: InboundEmail | None = None,
    actor: User | None = None,
    in_reply_to: str = "",
    references: tuple[str, ...] = (),
    queued: list[int] | None = None,
) -> OutboundEmail:
    """Record an email and send it once the surrounding transaction commits; with ``queued``,
    its id goes there instead, for the caller to hand to the task queue with others."""
    outbound = _outbound_build(
        kind=kind, recipient=recipient, subject=subject, body=body, language=language,
        inquiry=inquiry, answers=answers, actor=actor, in_reply_to=in_reply_to,
        references=references,
    )  # fmt: skip
    outbound.save(force_insert=True)
    if queued is not None:
        queued.append(outbound.pk)
    else:
        transaction.on_commit(partial(_enqueue, outbound.pk), robust=True)
    return outbound


def _outbound_build(
    *,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    language: str,
    inquiry: Inquiry | None = None,
    answers: InboundEmail | None = None,
    actor: User | None = None,
    in_reply_to: str = "",
    references: tuple[str, ...] = (),
) -> OutboundEmail:
    """An email to record, not yet saved."""
    references = tuple(dict.fromkeys(ref for ref in references if ref))[-20:]
    return OutboundEmail(
        message_id=make_msgid(domain=_domain()),
        kind=kind,
        inquiry=inquiry,
        answers=answers,
        actor=actor,
        recipient=recipient,
        reply_to=reply_address(inquiry.pk) if inquiry is not None else "",
        subject=subject,
        body=body,
        language=language,
        in_reply_to=in_reply_to,
        references=" ".join(references),
    )


def _enqueue_together(outbound_ids: tuple[int, ...]) -> None:
    """Several emails to the task queue as one task (one row, not one each, with the database
    backend); each is still claimed, sent and retried on its own. Should the enqueue fail, or
    the worker die part-way through, the periodic requeue hands the rest over again."""
    if len(outbound_ids) == 1:
        _enqueue(outbound_ids[0])
    else:
        deliver_outbound_emails.enqueue(list(outbound_ids))


def _enqueue(outbound_id: int, run_after: dt.datetime | None = None) -> None:
    runner = deliver_outbound_email
    if run_after is not None:
        runner = runner.using(run_after=run_after)
    runner.enqueue(outbound_id)


def _quote(inquiry: Inquiry) -> tuple[str, InboundEmail | None]:
    last = (
        InboundEmail.objects.filter(
            inquiry=inquiry, outcome__in=(Outcome.NEW_INQUIRY, Outcome.REPLY_JOINED)
        )
        .order_by("-received_at", "-id")
        .first()
    )
    if last is None:
        return "", None
    texts = texts_for(inquiry.language)
    quoted = "\n".join(f"> {line}" for line in quoted_text_strip(last.body).splitlines())
    when = timezone.localtime(last.received_at).strftime("%Y-%m-%d %H:%M")
    return f"{texts.you_wrote.format(date=when)}\n{quoted}", last


@transaction.atomic
def email_reply_send(
    *, inquiry: Inquiry, actor: User, body: str, includes_case_details: bool = False
) -> OutboundEmail:
    """A reply from staff to the person who wrote: in the inquiry's language, threaded
    (In-Reply-To and References to the person's last message, a reply address carrying a
    signed token), quoting the person's last message, with the privacy caution.

    ``includes_case_details``: the agent says the reply carries case details; refused unless
    the person's identity is verified and ``INTAKE_EMAIL_CASE_DATA_ALLOWED`` is on. Refused
    too for an inquiry without an email address or with one that bounced for good. The reply
    is written into the inquiry's history as the agent's message."""
    if includes_case_details and not settings.INTAKE_EMAIL_CASE_DATA_ALLOWED:
        raise CaseDetailsNotAllowed(_("Case details cannot be sent by email."))
    if includes_case_details and not inquiry.is_verified:
        raise CaseDetailsNotAllowed(
            _("Case details can be sent by email only once the person's identity is verified.")
        )
    recipient = inquiry.contact_email.strip()
    if not recipient:
        raise NoEmailAddress(_("This inquiry has no email address to answer."))
    if address_undeliverable(recipient):
        raise AddressUndeliverable(
            _("Email to this person's address bounced for good; reach them another way.")
        )
    inquiry_add_message(inquiry=inquiry, body=body, actor=actor, actor_label="staff")
    texts = texts_for(inquiry.language)
    quote, last = _quote(inquiry)
    text = "\n\n".join(part for part in (body.strip(), f"-- \n{texts.caution}", quote) if part)
    subject = last.subject if last is not None and last.subject else ""
    if subject and not subject.lower().startswith(("re:", "aw:", "rv:")):
        subject = f"Re: {subject}"
    references: tuple[str, ...] = ()
    if last is not None:
        references = (*last.references.split(), last.message_id)
    return _outbound_queue(
        kind=OutboundKind.REPLY,
        recipient=recipient,
        subject=_subject(subject or texts.acknowledgement_subject, inquiry),
        body=text,
        language=inquiry.language,
        inquiry=inquiry,
        answers=last,
        actor=actor,
        in_reply_to=last.message_id if last is not None else "",
        references=references,
    )


def _message_build(outbound: OutboundEmail) -> EmailMessage:
    address = _our_address()[1]
    headers = {"Message-ID": outbound.message_id}
    if outbound.in_reply_to:
        headers["In-Reply-To"] = outbound.in_reply_to
    if outbound.references:
        headers["References"] = outbound.references
    if outbound.kind != OutboundKind.REPLY:
        # RFC 3834: our automatic answers say so, and carry our loop marker.
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
        headers["X-Loop"] = address
    if outbound.reply_to:
        headers["Reply-To"] = outbound.reply_to
    headers["Date"] = format_datetime(timezone.now())
    body = outbound.body
    if outbound.kind != OutboundKind.REPLY:
        body = f"{body}\n\n-- \n{texts_for(outbound.language).caution}"
    return EmailMessage(
        subject=outbound.subject,
        body=body,
        from_email=settings.INTAKE_EMAIL_ADDRESS,
        to=[outbound.recipient],
        headers=headers,
    )


RETRY_FACTOR = 4  # 1, 4, 16 minutes with the default one-minute base


def _retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(
        seconds=settings.INTAKE_OUTBOUND_RETRY_SECONDS * RETRY_FACTOR ** max(attempts - 1, 0)
    )


def _permanent(error: BaseException) -> bool:
    """The server refused the message for good (5xx, every recipient refused)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


def _failure_record(outbound: OutboundEmail, error: BaseException, now: dt.datetime) -> None:
    final = _permanent(error) or outbound.attempts >= settings.INTAKE_OUTBOUND_MAX_ATTEMPTS
    next_attempt_at: dt.datetime | None = None
    with transaction.atomic():
        if not final:
            if deliver_outbound_email.get_backend().supports_defer:
                next_attempt_at = now + _retry_delay(outbound.attempts)
                transaction.on_commit(partial(_enqueue, outbound.pk, next_attempt_at), robust=True)
            else:  # a backend that cannot wait (the immediate one) tries again at once
                next_attempt_at = now
                transaction.on_commit(partial(_enqueue, outbound.pk), robust=True)
        OutboundEmail.objects.filter(pk=outbound.pk, state=OutboundState.SENDING).update(
            state=OutboundState.FAILED if final else OutboundState.PENDING,
            last_error=type(error).__name__[:200],
            next_attempt_at=next_attempt_at,
        )
    logger.warning(
        "intake.outbound_failed" if final else "intake.outbound_retry_scheduled",
        extra={"outbound_id": outbound.pk, "attempt": outbound.attempts,
               "error": type(error).__name__},
    )  # fmt: skip


def outbound_email_deliver(*, outbound_id: int) -> OutboundEmail:
    """Send one pending, due email; safe to call twice (a conditional UPDATE claims it).

    The send happens outside any transaction. A refusal for good (5xx) fails the row; any
    other failure is tried again after 1, 4, 16 minutes (``INTAKE_OUTBOUND_RETRY_SECONDS``)
    up to ``INTAKE_OUTBOUND_MAX_ATTEMPTS`` tries, under the same Message-ID so a copy that did
    arrive is recognised. The row records the failure's kind, never the address."""
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            OutboundEmail.objects.filter(pk=outbound_id, state=OutboundState.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .update(state=OutboundState.SENDING, attempts=F("attempts") + 1, last_attempt_at=now)
        )
    outbound = OutboundEmail.objects.get(pk=outbound_id)
    if not claimed:
        return outbound
    if address_undeliverable(outbound.recipient):
        OutboundEmail.objects.filter(pk=outbound_id).update(
            state=OutboundState.FAILED, last_error="undeliverable"
        )
        outbound.refresh_from_db()
        return outbound
    try:
        with get_connection() as connection:
            connection.send_messages([_message_build(outbound)])
    except Exception as error:  # every failure is recorded by kind, then retried or failed
        _failure_record(outbound, error, now)
    else:
        OutboundEmail.objects.filter(pk=outbound_id).update(
            state=OutboundState.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
        )
        logger.info("intake.outbound_sent", extra={"outbound_id": outbound_id})
    outbound.refresh_from_db()
    return outbound


def outbound_emails_requeue(*, now: dt.datetime | None = None) -> int:
    """The periodic job's work: a send whose worker died (still "sending" after
    ``INTAKE_OUTBOUND_STALLED_SECONDS``) goes back to pending, and every pending, due email
    is handed to the task queue again (a lost enqueue, a backend that cannot wait)."""
    now = now or timezone.now()
    stalled_before = now - dt.timedelta(seconds=settings.INTAKE_OUTBOUND_STALLED_SECONDS)
    OutboundEmail.objects.filter(
        state=OutboundState.SENDING, last_attempt_at__lt=stalled_before
    ).update(state=OutboundState.PENDING, next_attempt_at=now)
    due = list(
        OutboundEmail.objects.filter(state=OutboundState.PENDING)
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, created_at__lt=now - dt.timedelta(minutes=1))
        )
        .values_list("pk", flat=True)[:500]
    )
    for outbound_id in due:
        transaction.on_commit(partial(_enqueue, outbound_id), robust=True)
    return len(due)


@task()
def deliver_outbound_email(outbound_id: int) -> str:
    """The background task the worker runs for each email: one service call."""
    return str(outbound_email_deliver(outbound_id=outbound_id).state)


@task()
def deliver_outbound_emails(outbound_ids: list[int]) -> dict[str, int]:
    """The background task for the emails a chunk of received mail queued (acknowledgements):
    each delivered as ``deliver_outbound_email`` delivers one. One email's unexpected failure
    does not stop the others; it stays pending for the periodic requeue. Returns how many
    ended in each state."""
    states: Counter[str] = Counter()
    for outbound_id in outbound_ids:
        try:
            states[str(outbound_email_deliver(outbound_id=outbound_id).state)] += 1
        except Exception as error:
            logger.warning(
                "intake.outbound_deliver_failed",
                extra={"outbound_id": outbound_id, "error": type(error).__name__},
            )
            states["error"] += 1
    return dict(states)


# --- Importing files -----------------------------------------------------------------------


@dataclass
class ImportCounts:
    """What an import did: how many messages of each outcome, and the reasons for refusals
    and messages kept aside."""

    new_inquiries: int = 0
    replies_joined: int = 0
    ignored: int = 0
    refused: int = 0
    kept_aside: int = 0
    already_seen: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def add(self, received: Received) -> None:
        outcome = received.outcome
        counter = {
            "already_seen": "already_seen",
            Outcome.NEW_INQUIRY: "new_inquiries",
            Outcome.REPLY_JOINED: "replies_joined",
            Outcome.IGNORED: "ignored",
            Outcome.REFUSED: "refused",
            Outcome.KEPT_ASIDE: "kept_aside",
        }[outcome]
        setattr(self, counter, getattr(self, counter) + 1)
        if outcome in (Outcome.IGNORED, Outcome.REFUSED, Outcome.KEPT_ASIDE):
            key = f"{outcome}:{received.reason}"
            self.reasons[key] = self.reasons.get(key, 0) + 1

    def as_dict(self) -> dict[str, object]:
        return {
            "new_inquiries": self.new_inquiries,
            "replies_joined": self.replies_joined,
            "ignored": self.ignored,
            "refused": self.refused,
            "kept_aside": self.kept_aside,
            "already_seen": self.already_seen,
            "reasons": dict(sorted(self.reasons.items())),
        }


def emails_import(
    *, messages: Iterable[bytes], source: str = Source.IMPORT, chunk_size: int | None = None
) -> ImportCounts:
    """Every message through ``emails_receive``, a chunk (``INTAKE_RECEIVE_CHUNK`` messages,
    at most ``RECEIVE_CHUNK_BYTES``) per transaction, each message in its own savepoint, so
    one message never undoes another; importing the same messages again only counts them as
    seen."""
    counts = ImportCounts()
    for chunk in receive_chunks(messages, size=chunk_size or settings.INTAKE_RECEIVE_CHUNK):
        for received in emails_receive(raws=chunk, source=source):
            counts.add(received)
    return counts


RECEIVE_CHUNK_BYTES = 32 * 1_048_576  # what one chunk holds in memory, at most (but one message)


def receive_chunks(
    messages: Iterable[bytes], *, size: int, max_bytes: int = RECEIVE_CHUNK_BYTES
) -> Iterable[list[bytes]]:
    """``messages`` in lists of at most ``size`` messages and ``max_bytes`` bytes (a message
    larger than that alone)."""
    chunk: list[bytes] = []
    held = 0
    for raw in messages:
        if chunk and (len(chunk) >= size or held + len(raw) > max_bytes):
            yield chunk
            chunk, held = [], 0
        chunk.append(raw)
        held += len(raw)
    if chunk:
        yield chunk


# --- Kept-aside messages, looked at again ---------------------------------------------------


class NotKeptAside(ApplicationError):
    code = ErrorCode.FORBIDDEN_TRANSITION
    http_status = 409


@transaction.atomic
def email_kept_aside_retry(*, email_id: int) -> Received:
    """Run a kept-aside message through the pipeline again (after the parser learned to read
    it, or the limit changed). Still unreadable: unchanged. Readable: its row is replaced by
    the new outcome's, in one transaction, so the message is never on neither side."""
    email = InboundEmail.objects.select_for_update().filter(pk=email_id).first()
    if email is None or email.outcome != Outcome.KEPT_ASIDE:
        raise NotKeptAside(_("Only a message kept aside can be received again."))
    raw = raw_read(email)
    try:
        email_parse(raw)
    except MalformedEmail:
        return Received(email=email, already_seen=True)
    source = email.source
    email.delete()
    return email_receive(raw=raw, source=source)
