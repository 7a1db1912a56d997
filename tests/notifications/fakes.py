"""Test doubles named by dotted path in SMS_PROVIDER, the way a real deployment names one."""

from __future__ import annotations

from typing import ClassVar

from contactcenter.notifications.providers.sms import InMemorySmsProvider


class FlakySmsProvider(InMemorySmsProvider):
    """Raises the queued errors one per send, then behaves like the in-memory provider."""

    failures: ClassVar[list[BaseException]] = []

    def send(self, to: str, body: str, *, status_callback: str = "") -> str:
        if self.failures:
            raise self.failures.pop(0)
        return super().send(to, body, status_callback=status_callback)
