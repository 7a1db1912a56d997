"""The small interface every text-message provider implements, and the errors it may raise."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class SmsProvider(Protocol):
    def send(self, to: str, body: str, *, status_callback: str = "") -> str:
        """Send ``body`` to the E.164 number ``to``; return the provider's message id. With
        ``status_callback`` the provider reports the text's progress to that URL."""
        ...

    def accepted_message_id(self, *, to: str, body: str, since: dt.datetime) -> str | None:
        """The provider's id of a text to ``to`` reading ``body`` that it accepted at or after
        ``since``, or None when it has no record of one. Asked before a send that stalled (its
        worker died waiting for the provider) is made again, so it is not sent twice. Raises
        :class:`DeliveryError` when the provider cannot be asked right now."""
        ...


class DeliveryError(Exception):
    """The provider did not take the message.

    ``permanent`` errors (a number that cannot receive texts, a rejected address) are not
    retried; the others (time-outs, rate limits, server errors) are, with back-off. The message
    may quote the recipient: the service masks it before storing or logging it.
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class RecipientOptedOut(DeliveryError):
    """The provider knows the number replied STOP (for example to the carrier directly)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)
