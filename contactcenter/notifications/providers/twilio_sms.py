"""Texts through Twilio's REST API, with the official ``twilio`` library.

``http_client`` is the library's own seam for its HTTP layer; tests pass a recording client so
the request the real library builds can be checked without the network.
"""

from __future__ import annotations

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
            http_client = TwilioHttpClient(timeout=timeout)
        self.client = Client(self.account_sid, self.auth_token, http_client=http_client)

    def send(self, to: str, body: str) -> str:
        try:
            message = self.client.messages.create(to=to, from_=self.from_number, body=body)
        except TwilioRestException as error:
            if error.code in OPTED_OUT_CODES:
                raise RecipientOptedOut(f"twilio {error.code}") from error
            permanent = error.code in PERMANENT_CODES or (
                400 <= error.status < 500 and error.status != 429
            )
            raise DeliveryError(
                f"twilio HTTP {error.status} code {error.code}: {error.msg}", permanent=permanent
            ) from error
        except TwilioException as error:
            raise DeliveryError(f"twilio: {error}") from error
        except OSError as error:  # connection refused, DNS, time-out (requests errors are OSError)
            raise DeliveryError(f"twilio: {type(error).__name__}") from error
        return str(message.sid)
