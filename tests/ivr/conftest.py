"""Phone-line fixtures: flows loaded, a known auth token, calls placed through the webhooks."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

import pytest

from contactcenter.ivr import flow_versions, services
from contactcenter.ivr.flows import FLOWS_DIR, flow_parse
from contactcenter.ivr.known_calls import KNOWN_CALLS
from contactcenter.ivr.simulator import DjangoTransport, Exchange, SimulatedCall
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


@dataclass
class TestCall(SimulatedCall):
    """A simulated call that answers the line's survey offer by itself with ``survey``: by
    default nothing (silence, the caller who lets the offer pass), so a test that walks the
    menus to the queue keeps its answers. ``survey=None`` leaves the offer to the test.

    Both exchanges stay in ``exchanges`` as the line had them (the offer, then what followed
    the answer); ``send`` returns the second, with what was said before the offer in the
    same turn (a status read out, say) kept in front of it, so a test reads one turn's words
    as the caller heard them, the offer itself left out."""

    __test__ = False  # not a test class, despite the name
    survey: str | None = ""
    offers: int = 0  # survey offers answered on the test's behalf

    def send(self, answer: str) -> Exchange:
        exchange = super().send(answer)
        if self.survey is None or not _is_survey_offer(self.line, exchange):
            return exchange
        self.offers += 1
        after = super().send(self.survey)
        before = exchange.said[:-1]  # the offer is the turn's last words
        return replace(after, said=[*before, *after.said])


def _is_survey_offer(line: str, exchange: Exchange) -> bool:
    """Whether the line's last words in this exchange were its survey offer (read from the
    line's flow file, so that looking costs the call no query)."""
    if not exchange.listening or exchange.holding or not exchange.said:
        return False
    offer = _survey_offer_words(line)
    language, text = exchange.said[-1]
    return text.split() == offer.get(language)


@functools.cache
def _survey_offer_words(line: str) -> dict[str, list[str]]:
    path = FLOWS_DIR / f"{line}.yaml"
    if not path.exists():
        return {}
    flow = flow_parse(path.read_text(encoding="utf-8"), file=path.name)
    return {language: text.split() for language, text in
            flow.prompts.get("survey_offer", {}).items()}  # fmt: skip


@pytest.fixture
def phone(ivr):
    """Place calls: ``phone("main")`` returns a call speaking to the webhooks, that lets the
    survey offer pass (``survey="1"`` says yes to it; ``survey=None``: the test answers it)."""

    def make(line: str = "main", from_number: str = "+15555550142",
             survey: str | None = "") -> TestCall:  # fmt: skip
        return TestCall(line=line, transport=DjangoTransport(), from_number=from_number,
                        survey=survey)  # fmt: skip

    return make


@pytest.fixture
def known_case(db, make_case):
    """A received I-485 case with a processing time; its receipt number is LIN24000000001."""
    return make_case()
