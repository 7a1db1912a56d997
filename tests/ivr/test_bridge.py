"""When an agent accepts a waiting call, the real Twilio REST client moves the call to the
agent; here it talks to a local HTTP server standing in for Twilio's API."""

from __future__ import annotations

import base64
import json
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from contactcenter.ivr.models import Call
from contactcenter.routing import services as routing
from contactcenter.routing.models import WorkItem

from .conftest import ACCOUNT_SID, AUTH_TOKEN, OPEN_HOUR

pytestmark = pytest.mark.django_db(transaction=True)


class FakeTwilio(ThreadingHTTPServer):
    def __init__(self, status: int = 200) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.status = status
        self.requests: list[dict] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeTwilio

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        self.server.requests.append(
            {"path": self.path, "form": parse_qs(body), "auth": self.headers.get("Authorization")}
        )
        sid = self.path.rsplit("/", 1)[-1].removesuffix(".json")
        payload = {"sid": sid, "account_sid": ACCOUNT_SID, "status": "in-progress"}
        data = json.dumps(payload if self.server.status == 200 else {"message": "boom"}).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def fake_twilio(settings):
    servers: list[FakeTwilio] = []

    def start(status: int = 200) -> FakeTwilio:
        server = FakeTwilio(status)
        # Checked for shutdown every 20 ms, not every half second: each test shuts it down.
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        settings.TWILIO_API_BASE_URL = server.url
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def accept_waiting_call(make_agent, language: str = "en"):
    agent = make_agent(languages=[language], capacity={"phone": 1})
    item = routing.work_item_offer_next(agent=agent, now=OPEN_HOUR)
    assert item is not None
    routing.work_item_accept(agent=agent, item_id=item.pk, now=OPEN_HOUR)
    return agent, item


def test_accepting_a_call_bridges_it_through_the_rest_api(phone, make_agent, fake_twilio):
    twilio = fake_twilio()
    call = phone("main")
    call.run(["1", "4"])
    agent, _item = accept_waiting_call(make_agent)
    [request] = twilio.requests
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls/{call.call_sid}.json"
    expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert request["auth"] == f"Basic {expected}"
    twiml = ET.fromstring(request["form"]["Twiml"][0])
    assert twiml.find("Say").text == "Connecting you with a representative now."
    assert twiml.find("Dial/Client").text == f"agent-{agent.pk}"
    row = Call.objects.get(call_sid=call.call_sid)
    assert row.bridged_at is not None
    # The call then ends normally: the outcome stays "queued" and the agent settles it.
    call.status("completed")
    row.refresh_from_db()
    assert row.outcome == "queued"
    assert row.inquiry.state != "closed"


def test_spanish_caller_hears_spanish_when_bridged(phone, make_agent, fake_twilio):
    twilio = fake_twilio()
    call = phone("main")
    call.run(["2", "4"])
    accept_waiting_call(make_agent, language="es")
    twiml = ET.fromstring(twilio.requests[0]["form"]["Twiml"][0])
    assert twiml.find("Say").get("language") == "es-US"


def test_a_failed_rest_call_leaves_the_caller_waiting(phone, make_agent, fake_twilio):
    twilio = fake_twilio(status=500)
    call = phone("main")
    call.run(["1", "4"])
    _agent, item = accept_waiting_call(make_agent)
    assert len(twilio.requests) == 1
    assert Call.objects.get(call_sid=call.call_sid).bridged_at is None
    assert WorkItem.objects.get(pk=item.pk).state == "assigned"  # the acceptance stands


def test_other_kinds_of_work_are_not_bridged(db, queues, make_agent, fake_twilio, ivr):
    from contactcenter.inquiries.services import inquiry_open
    from contactcenter.routing.models import Queue

    twilio = fake_twilio()
    routing.work_item_enqueue(
        inquiry=inquiry_open(channel="chat"), kind="chat",
        queue=Queue.objects.get(code="t1-general-en"),
    )  # fmt: skip
    agent = make_agent(capacity={"chat": 1})
    item = routing.work_item_offer_next(agent=agent, now=OPEN_HOUR)
    routing.work_item_accept(agent=agent, item_id=item.pk, now=OPEN_HOUR)
    assert twilio.requests == []


def test_without_telephony_an_accepted_call_is_simulated_and_nothing_calls_the_provider(
    phone, make_agent, fake_twilio, settings, caplog
):
    twilio = fake_twilio()
    call = phone("main")
    call.run(["1", "4"])
    settings.TWILIO_ACCOUNT_SID = ""  # no telephony configured (the demo)
    with caplog.at_level("INFO"):
        _agent, item = accept_waiting_call(make_agent)
    assert twilio.requests == []
    assert Call.objects.get(call_sid=call.call_sid).bridged_at is None
    assert WorkItem.objects.get(pk=item.pk).state == "assigned"  # the agent has the work
    assert "ivr.bridge_simulated" in caplog.messages
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


# --- The agent's device: a phone number or the browser ---------------------------------------


def test_an_agent_on_a_phone_number_gets_the_call_forwarded_with_dial_number(
    phone, make_agent, fake_twilio
):
    from contactcenter.routing.services import agent_voice_device_set

    twilio = fake_twilio()
    call = phone("main")  # every turn a signed webhook request, as Twilio sends them
    call.run(["1", "4"])
    agent = make_agent(capacity={"phone": 1})
    agent_voice_device_set(agent=agent, device="phone", phone="(402) 555-0177")
    item = routing.work_item_offer_next(agent=agent, now=OPEN_HOUR)
    routing.work_item_accept(agent=agent, item_id=item.pk, now=OPEN_HOUR)
    [request] = twilio.requests
    twiml = ET.fromstring(request["form"]["Twiml"][0])
    assert twiml.find("Say").text == "Connecting you with a representative now."
    dial = twiml.find("Dial")
    assert [child.tag for child in dial] == ["Number"]
    assert dial.find("Number").text == "+14025550177"
    assert dial.get("answerOnBridge") == "true"
    assert dial.get("timeout") == "30"
    assert Call.objects.get(call_sid=call.call_sid).bridged_at is not None


def test_an_agent_in_the_browser_gets_the_call_with_dial_client_to_its_identity(
    phone, make_agent, fake_twilio
):
    from contactcenter.routing.services import agent_voice_device_set

    twilio = fake_twilio()
    call = phone("main")
    call.run(["2", "4"])  # in Spanish
    agent = make_agent(languages=["es"], capacity={"phone": 1})
    # A number kept on file does not matter while the browser is the device.
    agent_voice_device_set(agent=agent, device="browser", phone="4025550177")
    item = routing.work_item_offer_next(agent=agent, now=OPEN_HOUR)
    routing.work_item_accept(agent=agent, item_id=item.pk, now=OPEN_HOUR)
    twiml = ET.fromstring(twilio.requests[0]["form"]["Twiml"][0])
    assert twiml.find("Say").get("language") == "es-US"
    dial = twiml.find("Dial")
    assert [child.tag for child in dial] == ["Client"]
    assert dial.find("Client").text == agent.voice_identity == f"agent-{agent.pk}"
    assert Call.objects.get(call_sid=call.call_sid).bridged_at is not None


def test_a_transferred_call_follows_the_inquiry_to_the_agent_who_takes_it(
    phone, make_agent, fake_twilio
):
    """A warm transfer to a named agent: while the offer waits the caller stays with the first
    agent; once the colleague accepts, the call is moved to the colleague's device."""
    twilio = fake_twilio()
    call = phone("main")
    call.run(["1", "4"])
    first, item = accept_waiting_call(make_agent)
    colleague = make_agent(capacity={"phone": 1})
    new = routing.work_item_transfer(agent=first, item_id=item.pk, mode="warm",
                                     to_agent=colleague, note="Asked about a fee waiver.",
                                     now=OPEN_HOUR)  # fmt: skip
    assert len(twilio.requests) == 1  # offered, not yet taken: nothing moves
    routing.work_item_accept(agent=colleague, item_id=new.pk, now=OPEN_HOUR)
    assert len(twilio.requests) == 2
    assert twilio.requests[1]["path"].endswith(f"/Calls/{call.call_sid}.json")
    twiml = ET.fromstring(twilio.requests[1]["form"]["Twiml"][0])
    assert twiml.find("Dial/Client").text == f"agent-{colleague.pk}"
    row = Call.objects.get(call_sid=call.call_sid)
    assert row.work_item_id == new.pk
    assert WorkItem.objects.get(pk=item.pk).state == "done"


def test_a_transfer_of_a_call_that_ended_moves_nothing(phone, make_agent, fake_twilio):
    twilio = fake_twilio()
    call = phone("main")
    call.run(["1", "4"])
    first, item = accept_waiting_call(make_agent)
    colleague = make_agent(capacity={"phone": 1})
    new = routing.work_item_transfer(agent=first, item_id=item.pk, mode="warm",
                                     to_agent=colleague, note="Caller may hang up.",
                                     now=OPEN_HOUR)  # fmt: skip
    call.status("completed")
    routing.work_item_accept(agent=colleague, item_id=new.pk, now=OPEN_HOUR)
    assert len(twilio.requests) == 1
