"""A local HTTP server that answers like Twilio's Messages API, for the real ``twilio`` library.

The provider is pointed at it with ``TWILIO_API_BASE_URL``, so the library's own request
building, authentication, paging and parsing all run; only Twilio's side is stood in for. It
keeps what it was sent: each message created (with the ``StatusCallback`` given) and each
request, and it can hold its answer to a create past the client's time-out after keeping the
message, as Twilio does when our side gives up waiting.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SID = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
TOKEN = "test-auth-token"
FROM = "+15555550100"
MESSAGES_PATH = f"/2010-04-01/Accounts/{SID}/Messages.json"


@dataclass
class StubMessage:
    sid: str
    to: str
    from_: str
    body: str
    status: str
    date_created: dt.datetime
    date_sent: dt.datetime | None
    status_callback: str

    def resource(self) -> dict[str, object]:
        def rfc2822(when: dt.datetime | None) -> str | None:
            return email.utils.format_datetime(when) if when else None

        return {
            "account_sid": SID,
            "api_version": "2010-04-01",
            "body": self.body,
            "date_created": rfc2822(self.date_created),
            "date_sent": rfc2822(self.date_sent),
            "date_updated": rfc2822(self.date_created),
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": self.from_,
            "messaging_service_sid": None,
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": self.sid,
            "status": self.status,
            "subresource_uris": {
                "media": f"/2010-04-01/Accounts/{SID}/Messages/{self.sid}/Media.json"
            },
            "to": self.to,
            "uri": f"/2010-04-01/Accounts/{SID}/Messages/{self.sid}.json",
        }


@dataclass
class TwilioStub:
    server: ThreadingHTTPServer
    messages: list[StubMessage] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, list[str]]]] = field(default_factory=list)
    # Seconds to wait, after keeping a new message, before answering the create.
    answer_delay: float = 0.0
    # What a new message's status is: "sent" (dated at once) or "queued" (no send date yet).
    new_status: str = "sent"
    _sids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def created(self) -> list[StubMessage]:
        return list(self.messages)

    def lookups(self) -> list[dict[str, list[str]]]:
        return [query for method, _path, query in self.requests if method == "GET"]

    def accept(self, *, to: str, body: str, status_callback: str = "") -> StubMessage:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        message = StubMessage(
            sid=f"SM{next(self._sids):032x}",
            to=to,
            from_=FROM,
            body=body,
            status=self.new_status,
            date_created=now,
            date_sent=now if self.new_status == "sent" else None,
            status_callback=status_callback,
        )
        self.messages.append(message)
        return message

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(stub_ref: list[TwilioStub]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):
            pass  # quiet: the test output is for the test

        def _authorised(self) -> bool:
            expected = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
            return self.headers.get("Authorization", "") == f"Basic {expected}"

        def _answer(self, status: int, payload: dict) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            stub = stub_ref[0]
            length = int(self.headers.get("Content-Length", "0"))
            form = parse_qs(self.rfile.read(length).decode())
            path = urlsplit(self.path).path
            stub.requests.append(("POST", path, form))
            if not self._authorised():
                return self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
            if path != MESSAGES_PATH:
                return self._answer(404, {"code": 20404, "message": "Not found", "status": 404})
            message = stub.accept(
                to=form["To"][0], body=form["Body"][0],
                status_callback=form.get("StatusCallback", [""])[0],
            )  # fmt: skip
            if stub.answer_delay:
                threading.Event().wait(stub.answer_delay)
            return self._answer(201, message.resource())

        def do_GET(self):
            stub = stub_ref[0]
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            stub.requests.append(("GET", parts.path, query))
            if not self._authorised():
                return self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
            if parts.path != MESSAGES_PATH:
                return self._answer(404, {"code": 20404, "message": "Not found", "status": 404})
            found = list(stub.messages)
            if "To" in query:
                found = [m for m in found if m.to == query["To"][0]]
            if "From" in query:
                found = [m for m in found if m.from_ == query["From"][0]]
            if "DateSent>" in query:
                after = dt.datetime.fromisoformat(query["DateSent>"][0].replace("Z", "+00:00"))
                # Like Twilio: a message not yet sent has no send date and is not listed.
                found = [m for m in found if m.date_sent is not None and m.date_sent >= after]
            found.sort(key=lambda m: m.date_created, reverse=True)
            return self._answer(
                200,
                {
                    "messages": [m.resource() for m in found],
                    "end": max(len(found) - 1, 0),
                    "first_page_uri": MESSAGES_PATH + "?PageSize=50&Page=0",
                    "next_page_uri": None,
                    "page": 0,
                    "page_size": 50,
                    "previous_page_uri": None,
                    "start": 0,
                    "uri": MESSAGES_PATH + "?PageSize=50&Page=0",
                },
            )

    return Handler


def twilio_stub_start() -> TwilioStub:
    holder: list[TwilioStub] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(holder))
    server.daemon_threads = True
    stub = TwilioStub(server=server)
    holder.append(stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return stub
