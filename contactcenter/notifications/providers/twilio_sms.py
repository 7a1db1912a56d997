"""Texts through Twilio's REST API, with the official ``twilio`` library.

``http_client`` is the library's own seam for its HTTP layer; tests pass a recording client so
the request the real library builds can be checked without the network, or point the library
at a local server standing in for Twilio (``TWILIO_API_BASE_URL``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from contactcenter.notifications.providers.base import DeliveryError, RecipientOptedOut

# Twilio error codes: the recipient replied STOP to Twilio itself, so it refuses to send.
OPTED_OUT_CODES = frozenset({21610})
# Asking again will never work for these (bad or unreachable numbers, a landline).
PERMANENT_CODES = frozenset({21211, 21214, 21408, 21612, 21614, 21217})
# Statuses of a text Twilio did not take after all: it was never going out.
NOT_TAKEN = frozenset({"failed", "canceled"})
TWILIO_API = "https://api.twilio.com"
# How far before the send's start a text the provider took may be dated (clocks differ).
CLOCK_SKEW = dt.timedelta(minutes=2)
# Texts to one number since a stalled send started: more than this is never expected.
LOOKUP_LIMIT = 50


class RebasedTwilioHttpClient(TwilioHttpClient):
    """The library's own HTTP client, sending what it builds for ``api.twilio.com`` to another
    base URL (a local server that answers like Twilio, in tests and the fault benchmark)."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


def _delivery_error(error: TwilioRestException) -> DeliveryError:
    if error.code in OPTED_OUT_CODES:
        return RecipientOptedOut(f"twilio {error.code}")
    permanent = error.code in PERMANENT_CODES or (400 <= error.status < 500 and error.status != 429)
    return DeliveryError(
        f"twilio HTTP {error.status} code {error.code}: {error.msg}", permanent=permanent
    )


class TwilioSmsProvider:
    def __init__(
        self,
        *,
        account_sid: str | None = None,
        auth_token: str | None = None,
        from_number: str | None = None,
        http_client: HttpClient | None = None,
    ) -> None:
        self.account_sid = account_sid or getattr(settings, "TWILIO_ACCOUNT_SID", "")
        self.auth_token = auth_token or getattr(settings, "TWILIO_AUTH_TOKEN", "")
        self.from_number = from_number or getattr(settings, "TWILIO_FROM_NUMBER", "")
        if http_client is None:
            # The library waits forever by default; a stuck request would hold a worker.
            timeout = float(getattr(settings, "TWILIO_TIMEOUT_SECONDS", 15))
            base_url = str(getattr(settings, "TWILIO_API_BASE_URL", "") or "")
            if base_url and base_url.rstrip("/") != TWILIO_API:
                http_client = RebasedTwilioHttpClient(base_url, timeout=timeout)
            else:
                http_client = TwilioHttpClient(timeout=timeout)
        self.client = Client(self.account_sid, self.auth_token, http_client=http_client)

    def send(self, to: str, body: str, *, status_callback: str = "") -> str:
        fields: dict[str, object] = {"to": to, "from_": self.from_number, "body": body}
        if status_callback:
            fields["status_callback"] = status_callback
        try:
            message = self.client.messages.create(**fields)
        except TwilioRestException as error:
            raise _delivery_error(error) from error
        except TwilioException as error:
            raise DeliveryError(f"twilio: {error}") from error
        except OSError as error:  # connection refused, DNS, time-out (requests errors are OSError)
            raise DeliveryError(f"twilio: {type(error).__name__}") from error
        return str(message.sid)

    def accepted_message_id(self, *, to: str, body: str, since: dt.datetime) -> str | None:
        """Twilio's message list for ``to`` from our number, sent since ``since`` (less the
        clock skew), matched on the body; a text still queued at Twilio has no send date yet
        and shows up on a later round (or its status callback settles the row first)."""
        earliest = since - CLOCK_SKEW
        try:
            messages = self.client.messages.list(
                to=to, from_=self.from_number, date_sent_after=earliest, limit=LOOKUP_LIMIT
            )
        except TwilioRestException as error:
            raise _delivery_error(error) from error
        except TwilioException as error:
            raise DeliveryError(f"twilio: {error}") from error
        except OSError as error:
            raise DeliveryError(f"twilio: {type(error).__name__}") from error
        for message in messages:
            if message.status in NOT_TAKEN:
                continue
            created = message.date_created
            # A trial account puts a notice before the body.
            matches = message.body == body or (message.body or "").endswith(body)
            if matches and (created is None or created >= earliest):
                return str(message.sid)
        return None
