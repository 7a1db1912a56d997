"""Phone-line fixtures: flows loaded, a known auth token, calls placed through the webhooks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from contactcenter.ivr import flow_versions, services
from contactcenter.ivr.known_calls import KNOWN_CALLS
from contactcenter.ivr.simulator import DjangoTransport, SimulatedCall
from contactcenter.routing.calendar import live_help_calendar_reset

AUTH_TOKEN = "test-auth-token-0123456789abcdef"
ACCOUNT_SID = "AC" + "1" * 32
EASTERN = ZoneInfo("America/New_York")
# A Monday at 10:00 Eastern: live help is open.
OPEN_HOUR = dt.datetime(2026, 11, 23, 10, 0, tzinfo=EASTERN)
# The same Monday at 22:00: closed for the night.
NIGHT = dt.datetime(2026, 11, 23, 22, 0, tzinfo=EASTERN)
# Thanksgiving Day (a federal holiday) at 10:00, a Thursday.
THANKSGIVING = dt.datetime(2026, 11, 26, 10, 0, tzinfo=EASTERN)


@pytest.fixture
def ivr(db, settings, queues, monkeypatch):
    """Every line's flow loaded, a known auth token, live help open (Monday 10:00)."""
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_WEBHOOK_BASE_URL = ""
    settings.LIVE_HELP_ALWAYS_OPEN = False
    live_help_calendar_reset()
    flow_versions._FLOW_CACHE.clear()
    KNOWN_CALLS.clear()  # calls of earlier tests, whose rows were rolled back
    services.flows_load_all()
    set_clock(monkeypatch, OPEN_HOUR)
    yield
    live_help_calendar_reset()
    flow_versions._FLOW_CACHE.clear()
    KNOWN_CALLS.clear()


def set_clock(monkeypatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(services, "clock", lambda: moment)


@pytest.fixture
def night(ivr, monkeypatch):
    set_clock(monkeypatch, NIGHT)


@pytest.fixture
def holiday(ivr, monkeypatch):
    set_clock(monkeypatch, THANKSGIVING)


@pytest.fixture
def phone(ivr):
    """Place calls: ``phone("main")`` returns a SimulatedCall speaking to the webhooks."""

    def make(line: str = "main", from_number: str = "+15555550142") -> SimulatedCall:
        return SimulatedCall(line=line, transport=DjangoTransport(), from_number=from_number)

    return make


@pytest.fixture
def known_case(db, make_case):
    """A received I-485 case with a processing time; its receipt number is LIN24000000001."""
    return make_case()
