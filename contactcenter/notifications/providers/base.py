"""The small interface every text-message provider implements, and the errors it may raise."""

from __future__ import annotations

from typing import Protocol


class SmsProvider(Protocol):
    def send(self, to: str, body: str) -> str:
        """Send ``body`` to the E.164 number ``to``; return the provider's message id."""
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
