"""One parser for every email that reaches us (IMAP, a provider's webhook, an imported file).

Raw bytes in, a frozen :class:`ParsedEmail` out: the ids and threading headers, the sender,
the text (HTML cleaned with nh3 and turned into text, so nothing a sender wrote can run in a
staff session), the attachments with their kind read from their first bytes, whether the
message is automatic (RFC 3834), from a mailing list or a delivery report (RFC 3464), and the
language it is written in. A message whose structure cannot be trusted raises
:class:`MalformedEmail` with a reason code; the caller keeps it aside, it never stops a run.
Standard library ``email`` with ``policy.default`` throughout.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from email import errors as email_errors
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parseaddr
from typing import Any

import nh3

# Defects that leave the body's parts in doubt: the message is kept aside, not guessed at.
STRUCTURAL_DEFECTS = (
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.CloseBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
    email_errors.FirstHeaderLineIsContinuationDefect,
    email_errors.MissingHeaderBodySeparatorDefect,
)

# (leading bytes, kind). Checked in order; the longest, most specific first.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"MZ", "executable"),
    (b"\x7fELF", "executable"),
    (b"\xca\xfe\xba\xbe", "executable"),
    (b"\xcf\xfa\xed\xfe", "executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
)
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<script|<svg|<\?xml)", re.I)

_ID = re.compile(r"<[^<>\s]+>")
_BLOCK_END = re.compile(r"(?i)<\s*(br|/p|/div|/li|/tr|/h[1-6]|/blockquote|/table)\b[^>]*>")
_BLANKS = re.compile(r"\n\s*\n\s*\n+")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_WORD = re.compile(r"[a-záéíóúüñ]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A few hundred of the most frequent words would do better; these are enough to tell the two
# languages the agency answers in apart in a paragraph or a subject line.
SPANISH_WORDS = _words(
    "el la los las de del que y en un una por para con no es su al lo como más pero sus le ya "
    "o porque muy sin sobre también me hasta hay donde quien desde todo nos durante todos uno "
    "les ni contra otros ese eso ante ellos esto mí antes algunos qué unos yo otro otras otra "
    "él tanto esa estos mucho quienes nada muchos cual poco ella estar estas algunas algo "
    "nosotros mi mis tú te ti tu tus ellas usted ustedes hola gracias buenos buenas días "
    "solicitud caso estado quiero necesito ayuda saber tengo recibí cuándo cómo favor señor "
    "señora atentamente saludos mi número tarjeta residencia permiso trabajo cita"
)
ENGLISH_WORDS = _words(
    "the of and to in is you that it he was for on are as with his they at be this have from "
    "or one had by but not what all were we when your can said there use an each which she do "
    "how their if will up other about out many then them these so some her would make like "
    "him into has more my me our i am hello thanks thank please dear regards sincerely case "
    "status want need help know received when application card work permit appointment"
)
_SPANISH_LETTERS = frozenset("ñáéíóú¿¡")


class MalformedEmail(Exception):
    """The message cannot be read reliably; ``reason`` is a code safe to log and show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    declared_type: str
    kind: str  # from the first bytes: pdf, png, jpeg, zip, executable, html, text, unknown...
    content: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """One recipient's lines of an RFC 3464 delivery-status report."""

    recipient: str
    action: str
    status: str
    diagnostic: str = ""

    @property
    def permanent_failure(self) -> bool:
        return self.action == "failed" and self.status.startswith("5")


@dataclass(frozen=True, slots=True)
class Headers:
    """What can be read from the header alone: enough to refuse an oversized message."""

    message_id: str
    sender: str
    subject: str
    return_path: str | None  # None: no Return-Path header; "": the empty path <>
    machine: str  # why it is machine or list mail ("" for a person's)
    no_answer: str  # why no automatic answer may go back ("" when one may)

    @property
    def answerable(self) -> bool:
        return not self.no_answer and bool(self.sender)


@dataclass(frozen=True, slots=True)
class ParsedEmail:
    raw_sha256: str
    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    recipients: tuple[str, ...]
    subject: str
    sender: str
    return_path: str | None
    text: str = field(repr=False)
    html_text: str = field(repr=False)
    html_safe: str = field(repr=False)
    attachments: tuple[Attachment, ...]
    machine: str
    no_answer: str
    is_bounce: bool
    delivery_reports: tuple[DeliveryReport, ...]
    bounced_message_id: str
    language: str
    defects: tuple[str, ...]

    @property
    def dedup_key(self) -> str:
        return dedup_key(self.message_id, self.raw_sha256)

    @property
    def answerable(self) -> bool:
        return not self.no_answer and not self.is_bounce and bool(self.sender)


def dedup_key(message_id: str, raw_sha256: str) -> str:
    """What makes a message the same message again: its Message-ID, or its bytes' hash."""
    if message_id and len(message_id) <= 200:
        return message_id
    if message_id:
        return "mid-sha256:" + hashlib.sha256(message_id.encode()).hexdigest()
    return "raw-sha256:" + raw_sha256


def _ids(value: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_ID.findall(str(value or ""))))


def _header(message: Any, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a header that policy.default cannot parse: read it raw
        value = message.get_all(name, failobj=[""])[0] if message.get_all(name) else ""
    return " ".join(str(value or "").split())


def _address(value: str) -> str:
    address = parseaddr(value)[1].strip()
    if "@" not in address:
        return ""
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def _machine(message: Message) -> str:
    """Why the message was sent by a machine or to a list (RFC 3834, RFC 2369): such mail
    opens no inquiry and is never answered. "" for a person's message."""
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return "auto_submitted"
    if _header(message, "Precedence").lower() in {"bulk", "list", "junk"}:
        return "precedence"
    if any(message.get(name) for name in ("List-Id", "List-Unsubscribe", "List-Post")):
        return "mailing_list"
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return "auto_submitted"
    return ""


def _no_answer(message: Message, return_path: str | None) -> str:
    """Why nothing automatic (an acknowledgement, a refusal) may go back: machine mail, and
    mail that asks for none or may be part of a loop. A person's words still reach staff."""
    if machine := _machine(message):
        return machine
    if message.get("X-Auto-Response-Suppress"):
        return "auto_response_suppress"
    if message.get("X-Loop"):
        return "x_loop"
    if return_path == "":
        return "empty_return_path"
    return ""


def _return_path(message: Message) -> str | None:
    value = message.get("Return-Path")
    if value is None:
        return None
    text = str(value).strip()
    if text in {"<>", ""}:
        return ""
    return _address(text)


def headers_read(raw: bytes) -> Headers:
    """Only the header block: cheap even for a message far past the size cap."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    message = BytesHeaderParser(policy=policy.default).parsebytes(head)
    return_path = _return_path(message)
    return Headers(
        message_id=next(iter(_ids(_header(message, "Message-ID"))), ""),
        sender=_address(_header(message, "From")),
        subject=_header(message, "Subject")[:500],
        return_path=return_path,
        machine=_machine(message),
        no_answer=_no_answer(message, return_path),
    )


def html_to_text(markup: str) -> str:
    """The words of an HTML body, with every tag, script and style dropped (nh3)."""
    marked = _BLOCK_END.sub("\n", markup)
    stripped = nh3.clean(marked, tags=set(), clean_content_tags={"script", "style", "head"})
    return _tidy(html.unescape(stripped))


def html_clean(markup: str) -> str:
    """Safe HTML for an optional formatted view: nh3's defaults, no links that open anything."""
    return nh3.clean(
        markup, url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow"
    )


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


_QUOTE_HEAD = re.compile(
    r"(?im)^(on .{4,200} wrote:|el .{4,200} escribi[oó]:"
    r"|-{2,}\s*(original message|mensaje original)\s*-{2,}|_{10,}|from:\s.+|de:\s.+)\s*$"
)


def quoted_text_strip(text: str) -> str:
    """The new words of a reply: what comes before the quoted earlier message (Gmail's "On ...
    wrote:", Outlook's "From:" block or "Original Message" line, Apple Mail's quoting, and
    their Spanish forms), with quoted lines dropped. The whole text if that leaves nothing."""
    found = _QUOTE_HEAD.search(text)
    head = text[: found.start()] if found else text
    kept = "\n".join(line for line in head.splitlines() if not line.lstrip().startswith(">"))
    return _tidy(kept) or text


def kind_sniff(content: bytes) -> str:
    for magic, kind in MAGIC:
        if content.startswith(magic):
            return kind
    if _HTML_START.match(content[:512]):
        return "html"
    try:
        text = content[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "unknown"
    if any(ord(ch) < 32 and ch not in "\t\r\n\f" for ch in text):
        return "unknown"
    return "text"


def language_detect(text: str) -> str:
    """``es`` or ``en``: Spanish when more of the common words (and accented letters) are
    Spanish than English. English when nothing tells (the agency's default)."""
    lowered = text.lower()[:20_000]
    words = _WORD.findall(lowered)
    spanish = sum(1 for word in words if word in SPANISH_WORDS)
    english = sum(1 for word in words if word in ENGLISH_WORDS)
    spanish += sum(1 for ch in lowered if ch in _SPANISH_LETTERS) // 2
    return "es" if spanish > english else "en"


def _text_of(part: Any) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset: decode leniently
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    return str(content)


def _delivery_reports(message: EmailMessage) -> tuple[tuple[DeliveryReport, ...], str]:
    reports: list[DeliveryReport] = []
    original_id = ""
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            blocks: Any = part.get_payload()
            for block in blocks[1:] if isinstance(blocks, list) else []:
                recipient = _header(block, "Final-Recipient") or _header(
                    block, "Original-Recipient"
                )
                reports.append(
                    DeliveryReport(
                        recipient=_address(recipient.partition(";")[2] or recipient),
                        action=_header(block, "Action").lower(),
                        status=_header(block, "Status").split(" ")[0],
                        diagnostic=_header(block, "Diagnostic-Code")[:300],
                    )
                )
        elif content_type in {"message/rfc822", "text/rfc822-headers"} and not original_id:
            inner: Any = part.get_payload()
            if isinstance(inner, list) and inner:
                original_id = next(iter(_ids(_header(inner[0], "Message-ID"))), "")
            else:
                found = re.search(r"(?im)^message-id:\s*(<[^<>\s]+>)", _text_of(part))
                original_id = found.group(1) if found else ""
    return tuple(reports), original_id


def _is_bounce(message: EmailMessage) -> bool:
    return (
        message.get_content_type() == "multipart/report"
        and str(message.get_param("report-type", "")).lower() == "delivery-status"
    )


def _filename(part: Message, index: int) -> str:
    name = part.get_filename() or ""
    name = name.replace("\\", "/").rpartition("/")[2]
    name = "".join(ch for ch in name if ch.isprintable()).strip(". ")
    return name[:150] or f"attachment-{index}"


def _attachments(message: EmailMessage) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    for index, part in enumerate(message.iter_attachments(), start=1):
        content_type = part.get_content_type()
        if content_type.startswith("multipart/"):
            continue
        if content_type in {"message/rfc822", "message/delivery-status", "text/rfc822-headers"}:
            # A forwarded message is kept as it came (.eml); a report's parts are read above.
            if content_type != "message/rfc822":
                continue
            inner: Any = part.get_payload()
            content = (
                inner[0].as_bytes(policy=policy.default)
                if isinstance(inner, list) and inner
                else b""
            )
        else:
            content = part.get_payload(decode=True) or b""
        found.append(
            Attachment(
                filename=_filename(part, index),
                declared_type=content_type,
                kind="email" if content_type == "message/rfc822" else kind_sniff(content),
                content=content,
            )
        )
    return tuple(found)


def email_parse(raw: bytes) -> ParsedEmail:
    """Raw RFC 5322 bytes to a :class:`ParsedEmail`; :class:`MalformedEmail` when the
    structure cannot be trusted (its ``reason`` says why)."""
    raw_sha256 = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        raise MalformedEmail("empty")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as error:  # the parser is lenient; anything it still throws is kept aside
        raise MalformedEmail(f"unparseable:{type(error).__name__}") from error
    assert isinstance(message, EmailMessage)
    defects = [type(defect).__name__ for part in message.walk() for defect in part.defects]
    structural = [
        type(defect).__name__
        for part in message.walk()
        for defect in part.defects
        if isinstance(defect, STRUCTURAL_DEFECTS)
    ]
    if structural:
        raise MalformedEmail("mime:" + structural[0])
    sender = _address(_header(message, "From"))
    if not sender:
        raise MalformedEmail("no_sender")
    try:
        plain = message.get_body(preferencelist=("plain",))
        rich = message.get_body(preferencelist=("html",))
        text = _tidy(_text_of(plain)) if plain is not None else ""
        markup = _text_of(rich) if rich is not None else ""
        attachments = _attachments(message)
        is_bounce = _is_bounce(message)
        reports, bounced_id = _delivery_reports(message) if is_bounce else ((), "")
    except MalformedEmail:
        raise
    except Exception as error:
        raise MalformedEmail(f"unreadable:{type(error).__name__}") from error
    html_text = html_to_text(markup) if markup else ""
    subject = _header(message, "Subject")[:500]
    return_path = _return_path(message)
    recipients = tuple(
        address
        for _name, value in getaddresses(
            [
                _header(message, name)
                for name in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
            ]
        )
        if (address := _address(value))
    )
    return ParsedEmail(
        raw_sha256=raw_sha256,
        message_id=next(iter(_ids(_header(message, "Message-ID"))), ""),
        in_reply_to=_ids(_header(message, "In-Reply-To")),
        references=_ids(_header(message, "References")),
        recipients=tuple(dict.fromkeys(recipients)),
        subject=subject,
        sender=sender,
        return_path=return_path,
        text=text,
        html_text=html_text,
        html_safe=html_clean(markup) if markup else "",
        attachments=attachments,
        machine=_machine(message),
        no_answer=_no_answer(message, return_path),
        is_bounce=is_bounce,
        delivery_reports=reports,
        bounced_message_id=bounced_id,
        language=language_detect(f"{subject}\n{text or html_text}"),
        defects=tuple(dict.fromkeys(defects)),
    )
