"""Text-message providers for development and tests, and the factory that picks one."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from dataclasses import dataclass, field
from typing import ClassVar

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from contactcenter.notifications.providers.base import SmsProvider
from contactcenter.notifications.recipients import mask_phone

logger = logging.getLogger(__name__)

BUILT_IN = {
    "console": "contactcenter.notifications.providers.sms.ConsoleSmsProvider",
    "memory": "contactcenter.notifications.providers.sms.InMemorySmsProvider",
    "twilio": "contactcenter.notifications.providers.twilio_sms.TwilioSmsProvider",
}


class ConsoleSmsProvider:
    """Writes each text to the log instead of sending it, with the number masked."""

    _ids: ClassVar[itertools.count[int]] = itertools.count(1)

    def send(self, to: str, body: str, *, status_callback: str = "") -> str:
        message_id = f"console-{next(self._ids)}"
        logger.info("sms.console to=%s id=%s body=%s", mask_phone(to), message_id, body)
        return message_id

    def accepted_message_id(self, *, to: str, body: str, since: dt.datetime) -> str | None:
        return None  # a log keeps no record to ask


@dataclass(frozen=True, slots=True)
class OutboxSms:
    to: str
    body: str
    message_id: str
    status_callback: str = ""
    # Read through the module when made, so a test's clock applies.
    accepted_at: dt.datetime = field(default_factory=lambda: timezone.now())


class InMemorySmsProvider:
    """Keeps every text in ``InMemorySmsProvider.outbox`` (one process only), like Django's
    ``mail.outbox``; tests empty it between runs."""

    outbox: ClassVar[list[OutboxSms]] = []
    _ids: ClassVar[itertools.count[int]] = itertools.count(1)

    def send(self, to: str, body: str, *, status_callback: str = "") -> str:
        message_id = f"memory-{next(self._ids)}"
        self.outbox.append(
            OutboxSms(to=to, body=body, message_id=message_id, status_callback=status_callback)
        )
        return message_id

    def accepted_message_id(self, *, to: str, body: str, since: dt.datetime) -> str | None:
        for sms in reversed(self.outbox):
            if sms.to == to and sms.body == body and sms.accepted_at >= since:
                return sms.message_id
        return None


def sms_provider_path() -> str:
    name = str(getattr(settings, "SMS_PROVIDER", "console"))
    return BUILT_IN.get(name, name)


def sms_provider() -> SmsProvider:
    """The provider named by ``SMS_PROVIDER``: console, memory, twilio, or a dotted class path."""
    provider_class = import_string(sms_provider_path())
    provider: SmsProvider = provider_class()
    return provider
