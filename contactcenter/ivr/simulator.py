"""A phone call played through the TwiML webhooks, as Twilio would play it.

Used by ``contactcenter call`` and by the tests. Each answer is parsed as XML; the prompts are
collected, and the next request goes to the ``<Gather>`` action (with the caller's input) or,
when there is no input, to the ``<Redirect>``, exactly as Twilio follows them. Requests carry
Twilio's form fields and a valid ``X-Twilio-Signature`` for the configured auth token.
"""

from __future__ import annotations

import re
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from twilio.request_validator import RequestValidator

from contactcenter.agency.profile import tel
from contactcenter.agency.selectors import default_agency
from contactcenter.ivr.models import Call

KEYS = re.compile(r"^[0-9*#]+$")
MAX_BARE_REDIRECTS = 5


class Transport(Protocol):
    def post(self, path: str, data: dict[str, str], signature: str) -> tuple[int, str]: ...

    def signed_base(self) -> str: ...


class DjangoTransport:
    """In-process, through Django's test client (the full middleware stack and URLconf), over
    HTTPS as the provider calls a production server (which redirects plain HTTP)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        from django.test import Client

        self.host = host
        self.client = Client(HTTP_HOST=host)

    def signed_base(self) -> str:
        return f"https://{self.host}"

    def post(self, path: str, data: dict[str, str], signature: str) -> tuple[int, str]:
        response = self.client.post(path, data, HTTP_X_TWILIO_SIGNATURE=signature, secure=True)
        return response.status_code, response.content.decode()


class HttpTransport:
    """Against a running server (``--url``)."""

    def __init__(self, url: str) -> None:
        import httpx

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SimulatorError(
                f"{url!r} is not a server address: give one like http://127.0.0.1:8000"
            )
        self.url = url.rstrip("/")
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def signed_base(self) -> str:
        return self.url

    def post(self, path: str, data: dict[str, str], signature: str) -> tuple[int, str]:
        import httpx

        try:
            response = self.http.post(path, data=data, headers={"X-Twilio-Signature": signature})
        except httpx.HTTPError as error:
            # Refused, unknown host, timed out: one line that says where and why, no traceback.
            raise SimulatorError(
                f"could not reach {self.url}{path}: {error or type(error).__name__}"
            ) from error
        if response.is_redirect:
            # Twilio does not follow a redirect on a webhook either (an http:// address of a
            # server that insists on https, say); say where it pointed.
            return response.status_code, f"redirected to {response.headers.get('location', '')}"
        return response.status_code, response.text

    def close(self) -> None:
        self.http.close()


@dataclass
class Exchange:
    """One request and its answer: what the caller did and what the line said."""

    sent: str
    said: list[tuple[str, str]]  # (language, text)
    listening: bool
    holding: bool
    hung_up: bool


@dataclass
class SimulatedCall:
    line: str
    transport: Transport
    from_number: str = "+15555550142"
    # The number dialled: the agency's main line, from the profile an install starts with (no
    # query: the simulator also calls servers elsewhere).
    to_number: str = field(default_factory=lambda: tel(default_agency().phone("main")))
    call_sid: str = field(default_factory=lambda: "CA" + secrets.token_hex(16))
    exchanges: list[Exchange] = field(default_factory=list)
    next_path: str = ""
    hung_up: bool = False
    holding: bool = False
    redirects: int = 0  # bare redirects followed in a row

    def _sign(self, path: str, data: dict[str, str]) -> str:
        base = settings.TWILIO_WEBHOOK_BASE_URL.rstrip("/") or self.transport.signed_base()
        return RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(base + path, data)

    def request(self, path: str, extra: dict[str, str] | None = None, sent: str = "") -> Exchange:
        data = {"CallSid": self.call_sid, "From": self.from_number, "To": self.to_number,
                "AccountSid": settings.TWILIO_ACCOUNT_SID or "AC-simulated",
                "CallStatus": "in-progress", **(extra or {})}  # fmt: skip
        body = self._post(path, data, expected=200)
        exchange = self.parse(body, path, sent)
        self.exchanges.append(exchange)
        if not exchange.listening and not exchange.hung_up and self.next_path:
            # A bare <Redirect> (after an apology for a technical problem): the provider
            # follows it at once, with nothing pressed.
            self.redirects += 1
            if self.redirects > MAX_BARE_REDIRECTS:
                raise SimulatorError(f"{path} kept redirecting without asking anything")
            return self.request(self.next_path)
        self.redirects = 0
        return exchange

    def parse(self, body: str, path: str, sent: str) -> Exchange:
        try:
            root = ET.fromstring(body)  # noqa: S314 (our own server's TwiML, no entities)
        except ET.ParseError as error:
            raise SimulatorError(
                f"{path} did not answer with TwiML: {body.strip()[:200]}"
            ) from error
        if root.tag != "Response":
            raise SimulatorError(f"{path} did not answer with TwiML: {body.strip()[:200]}")
        said = [(say.get("language", "en-US")[:2], (say.text or "").strip())
                for say in root.iter("Say")]  # fmt: skip
        gather = root.find("Gather")
        redirect = root.find("Redirect")
        self.hung_up = root.find("Hangup") is not None
        self.holding = gather is not None and gather.find("Pause") is not None
        target = ""
        if gather is not None:
            target = gather.get("action", "")
        elif redirect is not None:
            target = redirect.text or ""
        self.next_path = urljoin(path, target) if target else ""
        return Exchange(sent, said, gather is not None, self.holding, self.hung_up)

    def start(self) -> Exchange:
        return self.request(f"/ivr/voice/{self.line}")

    def send(self, answer: str) -> Exchange:
        """Key presses (digits, * and #) or words; an empty answer is silence."""
        if self.hung_up or not self.next_path:
            raise SimulatorError("the call is over")
        answer = answer.strip()
        if not answer:
            extra: dict[str, str] = {}
        elif KEYS.match(answer):
            extra = {"Digits": answer.rstrip("#")}
        else:
            extra = {"SpeechResult": answer, "Confidence": "0.9"}
        return self.request(self.next_path, extra, sent=answer)

    def status(self, call_status: str = "completed") -> None:
        path = f"/ivr/status/{self.line}"
        data = {"CallSid": self.call_sid, "CallStatus": call_status, "From": self.from_number}
        self._post(path, data, expected=204)

    def _post(self, path: str, data: dict[str, str], *, expected: int) -> str:
        status, body = self.transport.post(path, data, self._sign(path, data))
        if status == 403 and not settings.TWILIO_AUTH_TOKEN:
            raise SimulatorError(
                f"{path} answered 403: TWILIO_AUTH_TOKEN is not set here, and a server that is "
                "not in DEBUG answers no call without one; set it (the same as the server's)"
            )
        if status == 403:
            raise SimulatorError(
                f"{path} answered 403 ({body.strip()[:200] or 'forbidden'}): the server refused "
                "the request, most likely its signature; TWILIO_AUTH_TOKEN (and "
                "TWILIO_WEBHOOK_BASE_URL, if set) here must match the server's"
            )
        if status != expected:
            raise SimulatorError(f"{path} answered {status}: {body.strip()[:200]}")
        return body

    def run(self, inputs: Iterator[str] | list[str],
            on_exchange: Callable[[Exchange], None] | None = None) -> None:  # fmt: skip
        """Start, answer with each input in turn; hang up (status callback) when done."""
        exchange = self.start()
        if on_exchange:
            on_exchange(exchange)
        for answer in inputs:
            if self.hung_up:
                break
            exchange = self.send(answer)
            if on_exchange:
                on_exchange(exchange)
        if self.hung_up:
            self.status("completed")

    def prompts(self) -> list[str]:
        return [text for exchange in self.exchanges for _lang, text in exchange.said]


class SimulatorError(Exception):
    pass


def call_summary(call_sid: str) -> dict[str, Any]:
    """What the records say about a call: inquiry reference, outcome, queue, transcript."""
    call = (
        Call.objects.select_related("inquiry", "work_item__queue").filter(call_sid=call_sid).first()
    )
    if call is None:
        return {"call_sid": call_sid, "found": False}
    queue = ""
    if call.inquiry is not None:
        item = call.inquiry.work_items.select_related("queue").order_by("-id").first()
        queue = item.queue.code if item else ""
    return {
        "inquiry_reference": call.inquiry.reference_number if call.inquiry else None,
        "outcome": call.outcome or (call.state or {}).get("outcome") or None,
        "queue": queue or None,
        "language": (call.state or {}).get("language"),
        "line": call.line,
        "transcript": [
            {"step": turn.step, "caller": turn.heard, "ivr": turn.said}
            for turn in call.turns.order_by("step")
        ],
    }
