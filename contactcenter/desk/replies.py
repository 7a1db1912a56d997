"""Canned replies: the rules their text must meet, the supervisors' writes, and a reply filled
in for one inquiry.

A body may name four placeholders, each written exactly ``{reference}``, ``{agent}``,
``{name}`` or ``{queue}``. Anything else in braces (an unknown name, a format such as
``{name:>10}`` or ``{name!r}``, a lone or doubled brace) is refused when the reply is saved,
with a message that says which text and what to write instead, so a stored reply always
fills. Filling is a plain substitution of those four names, never ``str.format``: nothing in
a reply can reach an attribute or an index.

``{name}`` is the verified person's name. It is only filled once the identity check passed,
and it is read through ``inquiries.selectors.inquiry_party_name_for_viewer``, which checks the
viewer's right to the case and writes the disclosure log; a reply without ``{name}`` reads no
case data at all.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from contactcenter.core.errors import ApplicationError, ErrorCode, InvalidInput, NotFound
from contactcenter.core.process_cache import ProcessCache
from contactcenter.core.text_patterns import has_control_characters
from contactcenter.desk.models import CannedReply
from contactcenter.inquiries.models import Inquiry
from contactcenter.inquiries.selectors import inquiry_party_name_for_viewer
from contactcenter.routing.models import WorkItem

logger = logging.getLogger(__name__)

PLACEHOLDERS = ("reference", "agent", "name", "queue")
TITLE_MAX_CHARS = 120
# A chat message holds 2,000 characters; a filled name or queue needs room to grow.
BODY_MAX_CHARS = 1500
SORT_ORDER_MAX = 32767
# How much of an unknown placeholder a message repeats.
_SHOWN_CHARS = 30

_BRACED = re.compile(r"\{([^{}]*)\}")
_WITH_FORMAT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*[!:]")
_FILL = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


class CannedReplyInvalid(InvalidInput):
    """A canned reply that breaks the rules; ``extra["fields"]`` says which field and why."""


class ReplyNotFillable(ApplicationError):
    """The reply cannot be filled for this inquiry yet (its ``{name}`` needs a verified
    person, or this viewer may not read the case's name)."""

    code = ErrorCode.IDENTITY_NOT_VERIFIED
    http_status = 409


# --- The rules --------------------------------------------------------------------------------


def _placeholder_list() -> str:
    return _("{reference}, {agent}, {name} or {queue}")


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"


def placeholder_problems(text: str) -> list[str]:
    """What is wrong with the braces in ``text`` (empty when every brace is a placeholder)."""
    problems: list[str] = []
    for match in _BRACED.finditer(text):
        inner = match.group(1)
        if inner in PLACEHOLDERS:
            continue
        formatted = _WITH_FORMAT.match(inner)
        if formatted and formatted.group(1) in PLACEHOLDERS:
            problems.append(
                _("Placeholders take no format or conversion: write {%(name)s}, not %(written)s.")
                % {"name": formatted.group(1), "written": _shown(match.group(0))}
            )
        elif not inner.strip():
            problems.append(
                _("Empty braces {} name no placeholder. Use %(placeholders)s.")
                % {"placeholders": _placeholder_list()}
            )
        else:
            problems.append(
                _("%(written)s is not a placeholder. Use %(placeholders)s.")
                % {"written": _shown(match.group(0)), "placeholders": _placeholder_list()}
            )
    stray = _BRACED.sub("", text)
    if "{" in stray or "}" in stray:
        problems.append(
            _(
                "A brace that is not part of a placeholder was found. Write placeholders as "
                "%(placeholders)s, and no other braces."
            )
            % {"placeholders": _placeholder_list()}
        )
    return problems


def placeholders_used(text: str) -> frozenset[str]:
    return frozenset(_FILL.findall(text))


@dataclass(frozen=True, slots=True)
class CannedReplyText:
    title_en: str
    title_es: str
    body_en: str
    body_es: str
    sort_order: int = 100

    def cleaned(self) -> CannedReplyText:
        return CannedReplyText(
            title_en=self.title_en.strip(),
            title_es=self.title_es.strip(),
            body_en=self.body_en.strip(),
            body_es=self.body_es.strip(),
            sort_order=self.sort_order,
        )


def _text_problems(text: str, *, limit: int, multiline: bool) -> list[str]:
    if not text:
        return [_("This field is required.")]
    problems = []
    if len(text) > limit:
        problems.append(
            _("Keep it to %(limit)s characters (it has %(count)s).")
            % {"limit": limit, "count": len(text)}
        )
    if has_control_characters(text):
        problems.append(_("Remove the control character: it cannot be typed or shown."))
    if not multiline and ("\n" in text or "\r" in text):
        problems.append(_("Keep it to one line."))
    return problems


def canned_reply_problems(text: CannedReplyText) -> dict[str, list[str]]:
    """Every rule ``text`` breaks, by field (empty when it may be saved)."""
    text = text.cleaned()
    problems: dict[str, list[str]] = {}
    for field in ("title_en", "title_es"):
        found = _text_problems(getattr(text, field), limit=TITLE_MAX_CHARS, multiline=False)
        if found:
            problems[field] = found
    for field in ("body_en", "body_es"):
        body = getattr(text, field)
        found = _text_problems(body, limit=BODY_MAX_CHARS, multiline=True)
        found += placeholder_problems(body) if body else []
        if found:
            problems[field] = found
    if not 0 <= text.sort_order <= SORT_ORDER_MAX:
        problems["sort_order"] = [
            _("Enter a whole number from 0 to %(max)s.") % {"max": SORT_ORDER_MAX}
        ]
    return problems


def _field_labels() -> dict[str, str]:
    return {
        "title_en": _("Title in English"),
        "title_es": _("Title in Spanish"),
        "body_en": _("Text in English"),
        "body_es": _("Text in Spanish"),
        "sort_order": _("Place in the list"),
    }


def _checked(text: CannedReplyText) -> CannedReplyText:
    text = text.cleaned()
    problems = canned_reply_problems(text)
    if problems:
        labels = _field_labels()
        message = " ".join(
            f"{labels[field]}: {' '.join(found)}" for field, found in problems.items()
        )
        raise CannedReplyInvalid(message, extra={"fields": problems})
    return text


# --- The supervisors' writes ------------------------------------------------------------------


def _reply_locked(reply_id: int) -> CannedReply:
    reply = CannedReply.objects.select_for_update().filter(pk=reply_id).first()
    if reply is None:
        raise NotFound(_("No canned reply with that number."))
    return reply


@transaction.atomic
def canned_reply_create(*, actor: User | None, text: CannedReplyText) -> CannedReply:
    """A new reply, offered to agents at once. ``actor`` is None only for the demo seed."""
    text = _checked(text)
    reply = CannedReply.objects.create(
        title_en=text.title_en, title_es=text.title_es, body_en=text.body_en,
        body_es=text.body_es, sort_order=text.sort_order, active=True, updated_by=actor,
    )  # fmt: skip
    logger.info("desk.canned_reply_created", extra={"reply_id": reply.pk})
    return reply


@transaction.atomic
def canned_reply_update(*, actor: User, reply_id: int, text: CannedReplyText) -> CannedReply:
    text = _checked(text)
    reply = _reply_locked(reply_id)
    reply.title_en, reply.title_es = text.title_en, text.title_es
    reply.body_en, reply.body_es = text.body_en, text.body_es
    reply.sort_order = text.sort_order
    reply.updated_by = actor
    reply.save()
    logger.info("desk.canned_reply_updated", extra={"reply_id": reply.pk})
    return reply


@transaction.atomic
def canned_reply_set_active(*, actor: User, reply_id: int, active: bool) -> CannedReply:
    """Retire a reply (agents stop seeing it; it is kept) or bring it back."""
    reply = _reply_locked(reply_id)
    if reply.active != active:
        reply.active = active
        reply.updated_by = actor
        reply.save(update_fields=["active", "updated_by", "updated_at"])
        logger.info("desk.canned_reply_active", extra={"reply_id": reply.pk, "active": active})
    return reply


# --- Reads ------------------------------------------------------------------------------------


def canned_replies_all() -> list[CannedReply]:
    """Every reply, retired ones last, for the supervisors' list."""
    ordered = CannedReply.objects.select_related("updated_by").order_by(
        "-active", "sort_order", "title_en", "id"
    )
    return list(ordered)


# Every inquiry page lists them: read at most every few seconds per process, cleared when a
# reply is saved (desk/apps.py).
CANNED_REPLIES_OFFERED: ProcessCache[list[CannedReply]] = ProcessCache(
    "canned_replies_offered", lambda: list(CannedReply.objects.filter(active=True))
)


def canned_replies_offered() -> list[CannedReply]:
    """The replies agents may insert, in the supervisors' order."""
    return CANNED_REPLIES_OFFERED.get()


def canned_reply_get(*, reply_id: int) -> CannedReply:
    reply = CannedReply.objects.select_related("updated_by").filter(pk=reply_id).first()
    if reply is None:
        raise NotFound(_("No canned reply with that number."))
    return reply


@dataclass(frozen=True, slots=True)
class FilledReply:
    reply_id: int
    title: str
    text: str
    language: str

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.reply_id,
            "title": self.title,
            "text": self.text,
            "language": self.language,
        }


def fill(template: str, values: dict[str, str]) -> str:
    """``template`` with each placeholder it uses replaced by its value in ``values``."""
    return _FILL.sub(lambda match: values[match.group(1)], template)


def _agent_name(user: AbstractBaseUser | AnonymousUser) -> str:
    first = str(getattr(user, "first_name", "") or "").strip()
    return first or str(user.get_username())


def _queue_name(inquiry: Inquiry, language: str) -> str:
    item = (
        WorkItem.objects.select_related("queue")
        .filter(inquiry=inquiry)
        .order_by("-enqueued_at", "-id")
        .first()
    )
    if item is not None and item.queue is not None:
        return item.queue.name(language)
    with translation.override(language):
        return _("the contact center")


def canned_reply_for_inquiry(
    *, viewer: User, inquiry: Inquiry, reply_id: int, channel: str = "desk"
) -> FilledReply:
    """An active reply in the inquiry's language, its placeholders filled for this inquiry.

    ``{name}`` needs the person's identity verified first (``ReplyNotFillable``, 409); it is
    then read through the audited selector, which records the read in the disclosure log.
    """
    reply = CannedReply.objects.filter(pk=reply_id, active=True).first()
    if reply is None:
        raise NotFound(_("No canned reply with that number."))
    language = inquiry.language if inquiry.language in ("en", "es") else "en"
    template = reply.body(language)
    used = placeholders_used(template)
    values: dict[str, str] = {}
    if "reference" in used:
        values["reference"] = inquiry.reference_number
    if "agent" in used:
        values["agent"] = _agent_name(viewer)
    if "queue" in used:
        values["queue"] = _queue_name(inquiry, language)
    if "name" in used:
        if not inquiry.is_verified:
            raise ReplyNotFillable(
                _(
                    "This reply uses the person's name, which can be used only after their "
                    "identity is verified. Verify the identity first, or choose another reply."
                )
            )
        try:
            values["name"] = inquiry_party_name_for_viewer(
                viewer=viewer, inquiry=inquiry, channel=channel,
                purpose=f"canned reply {reply.pk}",
            )  # fmt: skip
        except ApplicationError as error:
            raise ReplyNotFillable(
                _("The person's name cannot be shown to you for this case; choose a reply "
                  "without it."),
                code=ErrorCode.PERMISSION_DENIED,
            ) from error  # fmt: skip
    return FilledReply(
        reply_id=reply.pk, title=reply.title(language), text=fill(template, values),
        language=language,
    )  # fmt: skip
