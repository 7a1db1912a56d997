"""The messages we send: which keys exist, on which channels, with which context values, and
how each is rendered from ``templates/notifications/<key>.<language>.<channel>.txt``.

Context is limited to a short list of non-personal values per message (an inquiry reference
number, a date). Anything else is refused when the notification is queued, so no name, receipt
number or case status can reach an email or a text by accident.

Appointment messages store only codes (an office code, a reason code); the office's public name
and address and the reason's "what to bring" list are looked up when the message is rendered,
in the message's language, so the stored context never grows beyond those codes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.template import Context, engines
from django.template.backends.django import DjangoTemplates
from django.utils import translation

from contactcenter.agency.selectors import agency_profile, public_base_url
from contactcenter.core.errors import InvalidInput
from contactcenter.core.reference_numbers import InvalidReferenceNumber, ReferenceNumber
from contactcenter.offices.models import Office

# What an appointment reason asks people to bring, by reason code and language (None: no such
# reason). The appointments app registers it when ready, so that notifications, which every
# domain calls to tell people things, imports none of them.
ReasonItems = Callable[[str, str], Sequence[str] | None]
_reason_items: ReasonItems = lambda code, language: None  # noqa: E731


def appointment_reasons_register(items: ReasonItems) -> None:
    global _reason_items
    _reason_items = items


# Values a message reads when it is rendered rather than when it is queued (a chat's masked
# transcript, which is not copied into the stored context), by message key. The app that owns
# the data registers its reader when ready, so that notifications imports none of them.
RenderContext = Callable[[Mapping[str, str]], Mapping[str, object]]
_render_context: dict[str, RenderContext] = {}


def message_render_context_register(key: str, read: RenderContext) -> None:
    _render_context[key] = read


EMAIL = "email"
SMS = "sms"
LANGUAGES = ("en", "es")


class ValueKind(StrEnum):
    REFERENCE_NUMBER = "reference_number"
    DATE = "date"
    TIME = "time"  # "HH:MM", 24-hour clock, in the office's own time zone
    OFFICE_CODE = "office_code"  # an existing Office.code
    APPOINTMENT_REASON = "appointment_reason"  # a code from appointments/data/reasons.yaml
    # A satisfaction survey's id (digits). The surveys app turns it into the survey's link when
    # the message is rendered, so the link's token is never stored with the message.
    SURVEY = "survey"


# Strict on purpose: "9:05", "09:05:00" or " 09:05" are refused rather than guessed at.
_TIME = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")


@dataclass(frozen=True, slots=True)
class MessageSpec:
    key: str
    channels: frozenset[str]
    values: Mapping[str, ValueKind] = field(default_factory=dict)  # all required


_REF = ValueKind.REFERENCE_NUMBER
# Appointment numbers are ReferenceNumbers (ten digits, Luhn check digit): see
# appointments.services._new_number.
_APPOINTMENT = {
    "reference_number": _REF,
    "appointment_date": ValueKind.DATE,
    "appointment_time": ValueKind.TIME,
    "office_code": ValueKind.OFFICE_CODE,
    "reason": ValueKind.APPOINTMENT_REASON,
}
MESSAGES: dict[str, MessageSpec] = {
    spec.key: spec
    for spec in [
        MessageSpec(
            "inquiry_escalated",
            frozenset({EMAIL, SMS}),
            {"reference_number": _REF, "contact_by": ValueKind.DATE},
        ),
        MessageSpec("inquiry_updated", frozenset({EMAIL, SMS}), {"reference_number": _REF}),
        MessageSpec("callback_text_ahead", frozenset({SMS}), {"reference_number": _REF}),
        MessageSpec("callback_missed", frozenset({EMAIL, SMS}), {"reference_number": _REF}),
        MessageSpec("secure_message_waiting", frozenset({EMAIL, SMS})),
        # Asked for on the phone line after a status was read out. No values at all: a text
        # goes to whatever number called and an email to the address on file, so it says
        # only where to look (the common context), never which case or what it says.
        MessageSpec("case_status_link", frozenset({EMAIL, SMS})),
        MessageSpec("chat_transcript", frozenset({EMAIL}), {"reference_number": _REF}),
        MessageSpec("appointment_confirmed", frozenset({EMAIL, SMS}), _APPOINTMENT),
        MessageSpec("appointment_moved", frozenset({EMAIL, SMS}), _APPOINTMENT),
        MessageSpec(
            "appointment_request_declined", frozenset({EMAIL, SMS}), {"reference_number": _REF}
        ),
        MessageSpec(
            "appointment_office_closed",
            frozenset({EMAIL, SMS}),
            {"reference_number": _REF, "closed_on": ValueKind.DATE},
        ),
        MessageSpec("survey_invitation", frozenset({EMAIL, SMS}), {"survey": ValueKind.SURVEY}),
    ]
}


@dataclass(frozen=True, slots=True)
class OfficeText:
    """An office as a message shows it: public name and street address, nothing else."""

    code: str
    name: str
    address: str


@dataclass(frozen=True, slots=True)
class ReasonText:
    """What to bring for an appointment reason, in the message's language."""

    code: str
    bring: tuple[str, ...]

    @property
    def bring_list(self) -> str:
        return "\n".join(f"- {line}" for line in self.bring)


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    subject: str  # empty for texts
    body: str


def template_name(key: str, language: str, channel: str) -> str:
    return f"notifications/{key}.{language}.{channel}.txt"


def context_clean(*, key: str, channel: str, context: Mapping[str, object]) -> dict[str, str]:
    """Check a message's context and return it in the JSON form stored on the notification.

    Raises InvalidInput for an unknown key, a channel the message is not written for, a missing
    or unexpected value, or a value of the wrong kind.
    """
    spec = MESSAGES.get(key)
    if spec is None:
        raise InvalidInput(f"Unknown notification template {key!r}.")
    if channel not in spec.channels:
        raise InvalidInput(f"The {key!r} notification is not written for {channel!r}.")
    unexpected = sorted(set(context) - set(spec.values))
    if unexpected:
        # Only the listed values may travel: this is what keeps case details out of messages.
        raise InvalidInput(f"Unexpected context for {key!r}: {', '.join(unexpected)}.")
    missing = sorted(set(spec.values) - set(context))
    if missing:
        raise InvalidInput(f"Missing context for {key!r}: {', '.join(missing)}.")
    cleaned: dict[str, str] = {}
    for name, kind in spec.values.items():
        cleaned[name] = _value_clean(name, kind, context[name])
    return cleaned


def _value_clean(name: str, kind: ValueKind, value: object) -> str:
    if kind is ValueKind.REFERENCE_NUMBER:
        try:
            return ReferenceNumber.parse(value).value
        except InvalidReferenceNumber as error:
            raise InvalidInput(f"{name}: not a valid reference number.") from error
    if kind is ValueKind.TIME:
        if not isinstance(value, str) or not _TIME.fullmatch(value):
            raise InvalidInput(f"{name}: give a time as HH:MM on the 24-hour clock.")
        return value
    if kind is ValueKind.OFFICE_CODE:
        if not isinstance(value, str) or not Office.objects.filter(code=value).exists():
            raise InvalidInput(f"{name}: not the code of one of our offices.")
        return value
    if kind is ValueKind.APPOINTMENT_REASON:
        if not isinstance(value, str) or _reason_items(value, "en") is None:
            raise InvalidInput(f"{name}: not an appointment reason code.")
        return value
    if kind is ValueKind.SURVEY:
        if isinstance(value, bool) or not str(value).isdigit() or len(str(value)) > 18:
            raise InvalidInput(f"{name}: not a survey id.")
        return str(int(str(value)))
    if isinstance(value, dt.datetime):
        raise InvalidInput(f"{name}: give a date, not a date and time.")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise InvalidInput(f"{name}: not a date.")


def _sender_name(language: str) -> str:
    names = getattr(
        settings,
        "NOTIFICATIONS_SENDER_NAME",
        {"en": "Contact Center", "es": "Centro de Contacto"},
    )
    return str(names.get(language) or names.get("en", ""))


def common_context(language: str) -> dict[str, object]:
    """Values every message may use: who we are and where to go, never anything personal.
    The agency's name, numbers and web address come from its profile (``agency_name``,
    ``agency_phone``, ``agency_web`` ... as in every other text), and so do the links."""
    base = public_base_url()
    agency = agency_profile().values(language)
    return {
        **agency,
        "sender": _sender_name(language),
        "account_url": getattr(settings, "NOTIFICATIONS_ACCOUNT_URL", f"{base}/account/"),
        "case_status_url": f"{base}/case-status/",
        "contact_phone": getattr(settings, "NOTIFICATIONS_CONTACT_PHONE", agency["agency_phone"]),
        "appointments_url": f"{base}/appointments/manage/",
    }


def _render(name: str, context: Mapping[str, object], language: str) -> str:
    engine = engines["django"]
    assert isinstance(engine, DjangoTemplates)
    template = engine.engine.get_template(name)
    # Plain text: HTML escaping would turn "&" into "&amp;" in an email or a text.
    with translation.override(language):
        return template.render(Context(dict(context), autoescape=False))


def message_render(
    *, key: str, language: str, channel: str, context: Mapping[str, str]
) -> RenderedMessage:
    """Render a message from its stored (already cleaned) context."""
    spec = MESSAGES[key]
    values: dict[str, object] = {**common_context(language), **context}
    if key in _render_context:
        values.update(_render_context[key](context))
    for name, kind in spec.values.items():
        if kind is ValueKind.DATE:
            values[name] = dt.date.fromisoformat(context[name])
        elif kind is ValueKind.TIME:
            values[name] = dt.time.fromisoformat(context[name])
        elif kind is ValueKind.OFFICE_CODE:
            values[name] = _office_text(context[name], language)
        elif kind is ValueKind.APPOINTMENT_REASON:
            # A reason removed from the data file after queueing: say nothing rather than fail.
            items = _reason_items(context[name], language)
            values[name] = ReasonText(context[name], tuple(items or ()))
    text = _render(template_name(key, language, channel), values, language).strip()
    if channel == SMS:
        return RenderedMessage(subject="", body=text)
    first_line, _, rest = text.partition("\n")
    if not first_line.startswith("Subject:"):
        raise ValueError(f"{template_name(key, language, channel)} must start with 'Subject:'")
    return RenderedMessage(subject=first_line.removeprefix("Subject:").strip(), body=rest.strip())


def _office_text(code: str, language: str) -> OfficeText:
    office = Office.objects.filter(code=code).first()
    if office is None:  # deleted since the message was queued; the code is all we have
        return OfficeText(code=code, name=code, address="")
    place = ", ".join(part for part in (office.street, office.city) if part)
    region = " ".join(part for part in (office.state, office.zip_code) if part)
    address = ", ".join(part for part in (place, region) if part)
    return OfficeText(code=code, name=office.name(language), address=address)


def reply_render(name: str) -> str:
    """A bilingual reply to an inbound text (``reply_<name>.sms.txt``)."""
    values = {
        **{f"{key}_es": value for key, value in common_context("es").items()},
        **common_context("en"),
    }
    return _render(f"notifications/reply_{name}.sms.txt", values, "en").strip()
