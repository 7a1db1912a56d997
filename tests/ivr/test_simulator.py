"""`contactcenter call`: the simulator drives the same webhooks, in-process or over HTTP."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from contactcenter.inquiries.models import DispositionCode, Inquiry, InquiryState
from contactcenter.ivr.models import Call, CallTurn, Outcome
from contactcenter.routing.models import WorkItem
from tests.factories import clear_disclosure_log_for_flush

from .conftest import AUTH_TOKEN

pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(__file__).resolve().parents[2]


def test_call_command_json_summary(ivr, known_case):
    receipt = known_case.receipt_number
    out = StringIO()
    call_command("call", "main", "--input", "2", "1", f"L I N {receipt[3:]}", "9", "--json",
                 stdout=out)  # fmt: skip
    summary = json.loads(out.getvalue())
    assert summary["outcome"] == "self_served"
    assert summary["language"] == "es"
    assert summary["queue"] is None
    assert len(summary["inquiry_reference"]) == 10
    assert summary["transcript"][3]["caller"] == "[RECEIPT]"
    assert "I-485" in summary["transcript"][3]["ivr"]


def test_call_command_to_a_queue(ivr):
    out = StringIO()
    # Three silences at the number (then a person), and one more to let the survey offer pass.
    call_command("call", "intercountry-adoption", "--input", "3", "", "", "", "", "--json",
                 stdout=out)  # fmt: skip
    summary = json.loads(out.getvalue())
    assert summary["outcome"] == "queued"
    assert summary["queue"] == "t1-intercountry-adoption"


def test_call_command_in_process_on_a_production_configuration(ivr, known_case, settings):
    """A server that sends plain HTTP to HTTPS (as in production, DEBUG off) is still driven
    in-process: the simulator calls it over HTTPS, signed for the HTTPS address."""
    settings.SECURE_SSL_REDIRECT = True
    out = StringIO()
    call_command("call", "main", "--input", "1", "1", f"L I N {known_case.receipt_number[3:]}",
                 "9", "--json", stdout=out)  # fmt: skip
    assert json.loads(out.getvalue())["outcome"] == "self_served"


def test_no_auth_token_on_a_production_configuration_is_named(ivr, settings):
    settings.DEBUG, settings.TWILIO_AUTH_TOKEN = False, ""
    with pytest.raises(CommandError, match="TWILIO_AUTH_TOKEN is not set here"):
        call_command("call", "main", "--input", "1", stdout=StringIO())
    assert not Call.objects.exists()


def test_call_command_plain_output(ivr):
    out = StringIO()
    call_command("call", "main", "--input", "1", "2", "9", stdout=out)
    text = out.getvalue()
    assert "ivr [en]: Main menu." in text
    assert "you: 2" in text
    assert "-- outcome: self_served" in text


def test_call_command_reads_answers_one_per_line(ivr, monkeypatch):
    """Without --input the caller types answers (here piped); q hangs up."""
    monkeypatch.setattr("sys.stdin", StringIO("1\n4\n\nq\n"))  # Enter: no to the survey
    out = StringIO()
    call_command("call", "main", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["outcome"] == "abandoned"  # hung up while waiting in line
    assert summary["queue"] == "t1-general-en"


# --- Over HTTP (``--url``): the product's ASGI app under uvicorn, on a free port --------------
# The server runs in this process (a thread) so that it shares the test database, whichever
# engine that is, and this test's settings (the auth token, the loaded flows, the clock).


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def ivr_server(transactional_db, ivr):
    """uvicorn serving a fresh ASGI application (built after this test's settings), with the
    flows loaded and the auth token set; yields its base URL."""
    import uvicorn
    from django.core.asgi import get_asgi_application

    port = _free_port()
    config = uvicorn.Config(
        get_asgi_application(), host="127.0.0.1", port=port, lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    clear_disclosure_log_for_flush()


def _call_over_http(url: str, *args: str) -> dict:
    out = StringIO()
    call_command("call", *args, "--url", url, "--json", stdout=out)
    return json.loads(out.getvalue())


def _run_cli(*args: str, auth_token: str, tmp_path) -> subprocess.CompletedProcess:
    """``contactcenter call`` in its own process, with its own settings (its own auth token),
    as someone would run it against a server elsewhere."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'simulator.sqlite3'}",
        "TWILIO_AUTH_TOKEN": auth_token,
        "TWILIO_WEBHOOK_BASE_URL": "",
    }
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "contactcenter.cli", "call", *args],
        env=env, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_call_over_http_in_english(ivr_server, known_case):
    receipt = known_case.receipt_number
    summary = _call_over_http(ivr_server, "main", "--input", "1", "1", f"546{receipt[3:]}#", "9")

    assert summary["outcome"] == "self_served"
    assert summary["language"] == "en"
    assert summary["queue"] is None
    assert summary["line"] == "main"
    reference = summary["inquiry_reference"]
    assert len(reference) == 10 and reference.isdigit()
    turns = summary["transcript"]
    assert [turn["step"] for turn in turns] == list(range(len(turns)))
    assert "For English, press 1" in turns[0]["ivr"]
    assert "Main menu." in turns[1]["ivr"]
    assert turns[3]["caller"] == "[RECEIPT]"  # the receipt number is masked in the record
    assert receipt not in json.dumps(summary)
    assert "I-485" in turns[3]["ivr"]

    call = Call.objects.select_related("inquiry").get(inquiry__reference_number=reference)
    assert call.outcome == Outcome.SELF_SERVED
    assert call.line == "main"
    assert call.inquiry.channel == "phone"
    assert call.inquiry.topic == "main/case-status"
    assert call.inquiry.state == InquiryState.CLOSED
    assert call.inquiry.disposition == DispositionCode.RESOLVED_FIRST_CONTACT
    assert call.ended_at is not None  # the status callback reached the server too
    assert CallTurn.objects.filter(call=call).count() == len(turns)


def test_call_over_http_in_spanish(ivr_server, known_case):
    receipt = known_case.receipt_number
    summary = _call_over_http(
        ivr_server, "main", "--from", "+15555550199",
        "--input", "2", "1", f"L I N {receipt[3:]}", "9",
    )  # fmt: skip

    assert summary["outcome"] == "self_served"
    assert summary["language"] == "es"
    assert summary["queue"] is None
    turns = summary["transcript"]
    assert turns[3]["caller"] == "[RECEIPT]"
    assert "I-485" in turns[3]["ivr"]
    assert "Menú principal" in " ".join(turn["ivr"] for turn in turns)

    call = Call.objects.select_related("inquiry").get(
        inquiry__reference_number=summary["inquiry_reference"]
    )
    assert call.outcome == Outcome.SELF_SERVED
    assert call.from_number == "+15555550199"
    assert call.state.get("language") == "es"
    assert call.inquiry.state == InquiryState.CLOSED
    assert call.inquiry.language == "es"


def test_call_over_http_to_a_queue(ivr_server):
    summary = _call_over_http(ivr_server, "intercountry-adoption", "--input", "3", "", "", "", "")
    assert summary["outcome"] == "queued"
    assert summary["queue"] == "t1-intercountry-adoption"
    item = WorkItem.objects.get(inquiry__reference_number=summary["inquiry_reference"])
    assert item.queue.code == "t1-intercountry-adoption"


def test_wrong_auth_token_is_a_clear_error_and_changes_nothing(ivr_server, tmp_path):
    result = _run_cli(
        "main", "--url", ivr_server, "--input", "1", "1", "--json",
        auth_token="not-the-server-token", tmp_path=tmp_path,
    )  # fmt: skip

    assert result.returncode != 0
    assert "/ivr/voice/main answered 403" in result.stderr
    assert "TWILIO_AUTH_TOKEN" in result.stderr  # says what to check
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not Call.objects.exists()
    assert not CallTurn.objects.exists()
    assert not Inquiry.objects.exists()


def test_call_over_http_from_a_process_without_the_servers_database(
    ivr_server, known_case, tmp_path
):
    """Run elsewhere (its own, empty database), the command places the call, says that it
    cannot read the records, and still prints a summary rather than a traceback."""
    receipt = known_case.receipt_number
    result = _run_cli(
        "main", "--url", ivr_server, "--input", "1", "1", f"546{receipt[3:]}#", "9", "--json",
        auth_token=AUTH_TOKEN, tmp_path=tmp_path,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "could not be read here" in result.stderr
    summary = json.loads(result.stdout)
    assert summary["found"] is False
    call = Call.objects.get(call_sid=summary["call_sid"])  # recorded by the server
    assert call.outcome == Outcome.SELF_SERVED


def test_unreachable_url_is_a_clear_error(tmp_path):
    port = _free_port()  # nothing listens here
    result = _run_cli(
        "main", "--url", f"http://127.0.0.1:{port}", "--input", "1", "--json",
        auth_token=AUTH_TOKEN, tmp_path=tmp_path,
    )  # fmt: skip

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"127.0.0.1:{port}" in result.stderr
    assert "could not reach" in result.stderr
    assert result.stdout == ""


def test_unreachable_url_raises_command_error(ivr):
    port = _free_port()
    with pytest.raises(
        CommandError, match=re.escape(f"could not reach http://127.0.0.1:{port}/ivr/voice")
    ):
        _call_over_http(f"http://127.0.0.1:{port}", "main", "--input", "1")
    assert not Call.objects.exists()


@pytest.mark.parametrize("url", ["127.0.0.1:8000", "ftp://127.0.0.1/", "http://"])
def test_url_that_is_not_a_server_address_is_refused(ivr, url):
    with pytest.raises(CommandError, match="is not a server address"):
        _call_over_http(url, "main", "--input", "1")
    assert not Call.objects.exists()


@pytest.mark.parametrize("body", ["<html>not a phone line</html>", "plain text"])
def test_an_answer_that_is_not_twiml_is_a_clear_error(body):
    """A --url that points at some other site answers 200 with a page, not a traceback."""
    from contactcenter.ivr.simulator import SimulatedCall, SimulatorError

    class OtherSite:
        def signed_base(self) -> str:
            return "http://127.0.0.1:9"

        def post(self, path, data, signature):
            return 200, body

    call = SimulatedCall(line="main", transport=OtherSite())
    with pytest.raises(SimulatorError, match="/ivr/voice/main did not answer with TwiML"):
        call.start()
    assert call.exchanges == []


def test_a_redirect_is_reported_with_its_target(ivr):
    """An http:// address of a server that sends everyone to https:// is not followed (Twilio
    would not follow it either); the error says where it pointed."""
    import httpx

    from contactcenter.ivr.simulator import HttpTransport, SimulatedCall, SimulatorError

    def to_https(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"location": f"https://ivr.example{request.url.path}"})

    transport = HttpTransport("http://ivr.example")
    transport.http = httpx.Client(base_url=transport.url, transport=httpx.MockTransport(to_https))
    call = SimulatedCall(line="main", transport=transport)
    with pytest.raises(
        SimulatorError, match=re.escape("answered 301: redirected to https://ivr.example/ivr")
    ):
        call.start()
    assert not Call.objects.exists()


def test_a_call_over_http_prints_the_call_only(ivr_server, tmp_path):
    """No HTTP client's log lines between the caller's turns (they named every URL)."""
    from tests.ivr.conftest import AUTH_TOKEN

    result = _run_cli(
        "main", "--url", ivr_server, "--input", "1", "1", auth_token=AUTH_TOKEN, tmp_path=tmp_path
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "HTTP Request" not in result.stdout + result.stderr
    assert ivr_server not in result.stderr
