"""A turn the database fails under (a restart, a lost connection): the caller hears an apology
in both languages and the same step again, not the provider's error and a dropped call."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET

import pytest
from django.db import OperationalError, connection

from contactcenter.agency.selectors import agency_text_without_database
from contactcenter.ivr import views
from contactcenter.ivr.models import Call, CallTurn
from contactcenter.ivr.twiml import TROUBLE_GIVING_UP, TROUBLE_RETRYING
from tests.twilio_webhooks import twilio_payload, twilio_post

from .conftest import AUTH_TOKEN

pytestmark = pytest.mark.django_db

APOLOGY_EN = dict(TROUBLE_RETRYING)["en"]
APOLOGY_ES = dict(TROUBLE_RETRYING)["es"]
# The goodbye names the agency's web address, from its profile (the default one here).
GOODBYE_EN = agency_text_without_database(dict(TROUBLE_GIVING_UP)["en"], "en")
GOODBYE_ES = agency_text_without_database(dict(TROUBLE_GIVING_UP)["es"], "es")


def failing(monkeypatch, times: int) -> list[int]:
    """The next ``times`` turns fail as a lost connection would, before any statement runs;
    returns the list of failed step numbers."""
    failed: list[int] = []
    real = views.call_answer

    def answer(request, **kwargs):
        if len(failed) < times:
            failed.append(request.step)
            raise OperationalError("server closed the connection unexpectedly")
        return real(request, **kwargs)

    monkeypatch.setattr(views, "call_answer", answer)
    return failed


def said(exchange) -> list[str]:
    return [text for _language, text in exchange.said]


def test_a_failed_turn_is_asked_again_and_the_call_goes_on(phone, known_case, monkeypatch):
    call = phone("main")
    call.start()
    call.send("1")  # English
    before = Call.objects.get()
    failed = failing(monkeypatch, 1)

    call.send("1")  # case status: the database fails under this turn

    assert failed == [2]
    apology, again = call.exchanges[-2], call.exchanges[-1]
    assert said(apology) == [APOLOGY_EN, APOLOGY_ES]
    assert [language for language, _text in apology.said] == ["en", "es"]
    assert not apology.listening and not apology.hung_up
    # The same step again, with nothing pressed: the menu is asked again.
    assert again.listening and any("Main menu" in text for text in said(again))
    stored = CallTurn.objects.filter(call=before).order_by("step")
    assert [turn.step for turn in stored] == [0, 1, 2]
    assert stored.last().heard == ""  # the retried step heard nothing; no input was kept

    call.send("1")
    call.send(known_case.receipt_number)
    assert any("Case Was Received" in text or "received" in text.lower()
               for text in said(call.exchanges[-1]))  # fmt: skip
    call.send("9")
    assert call.hung_up and Call.objects.get().outcome == "self_served"


def test_a_new_call_whose_first_request_fails_is_answered_on_the_retry(phone, monkeypatch):
    failing(monkeypatch, 2)
    call = phone("main")
    last = call.start()  # the redirects are followed as the provider would
    assert said(call.exchanges[0]) == said(call.exchanges[1]) == [APOLOGY_EN, APOLOGY_ES]
    assert last is call.exchanges[-1]
    assert [exchange.listening for exchange in call.exchanges] == [False, False, True]
    assert "For English, press 1" in " ".join(said(call.exchanges[-1]))
    assert Call.objects.get().next_step == 1


def test_after_two_retries_the_caller_hears_goodbye(phone, monkeypatch):
    failing(monkeypatch, 3)
    call = phone("main")
    call.start()
    assert call.hung_up
    assert said(call.exchanges[-1]) == [GOODBYE_EN, GOODBYE_ES]
    assert "visit uscis.gov" in GOODBYE_EN
    assert len(call.exchanges) == 3
    assert not Call.objects.exists()


def test_the_retry_url_carries_the_step_and_the_count(ivr, monkeypatch, caplog):
    failing(monkeypatch, 1)
    data = twilio_payload("voice_gather_digits", CallSid="CA" + "c" * 32, Digits="123456789")
    with caplog.at_level(logging.ERROR, logger="contactcenter.ivr.views"):
        answer = twilio_post("/ivr/voice/main/step?n=4", data, token=AUTH_TOKEN)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/xml"
    root = ET.fromstring(answer.content)  # our own TwiML
    assert root.find("Redirect").text == "/ivr/voice/main/step?n=4&retry=1"
    assert root.find("Pause") is not None and root.find("Hangup") is None
    (record,) = [r for r in caplog.records if r.getMessage() == "ivr.database_trouble"]
    assert (record.step, record.retry, record.error) == (4, 0, "OperationalError")
    logged = " ".join(str(value) for value in record.__dict__.values())
    assert "5555550142" not in logged and "123456789" not in logged


def test_an_application_error_is_not_taken_for_trouble(ivr, monkeypatch):
    """Only the database's failures are retried; a step for no call is still a 404."""
    data = twilio_payload("voice_gather_digits", CallSid="CA" + "d" * 32)
    answer = twilio_post("/ivr/voice/main/step?n=3", data, token=AUTH_TOKEN)
    assert answer.status_code == 404


def _drop_every_connection() -> int:
    """What a database restart does to this process: every connection to the database is
    ended by the server (the test's own included); returns how many."""
    import psycopg

    settings = connection.settings_dict
    server = {"host": settings["HOST"] or "127.0.0.1", "port": settings["PORT"] or 5432}
    with psycopg.connect(**server, user=settings["USER"], dbname="postgres",
                         autocommit=True) as admin:  # fmt: skip
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [settings["NAME"]],
        ).fetchall()
    return len(rows)


@pytest.fixture
def pool_renewed_after():
    """The server ended every connection of this process, pooled idle ones included: the next
    test file in this worker gets a new pool rather than the dead connections left in it."""
    yield
    from django.db import connections

    for wrapper in connections.all(initialized_only=True):
        wrapper.close()
        if getattr(wrapper, "close_pool", None) is not None:
            wrapper.close_pool()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="ends the server's connections from outside: PostgreSQL only",
)
@pytest.mark.django_db(transaction=True)
def test_every_connection_dropped_mid_call_loses_nothing(phone, known_case, pool_renewed_after):
    call = phone("main")
    call.start()
    call.send("1")  # English
    assert _drop_every_connection() >= 1

    call.send("1")  # case status, on connections the server has ended

    # The first dead connection fails at once; the pool's other dead ones are checked out of
    # it and the turn runs again on a new connection, so the caller hears no apology at all.
    assert call.exchanges[-1].listening
    assert "receipt number" in " ".join(said(call.exchanges[-1]))
    assert not any(APOLOGY_EN in said(exchange) for exchange in call.exchanges)
    call.send(known_case.receipt_number)
    call.send("9")
    row = Call.objects.get()
    assert call.hung_up and row.outcome == "self_served"
    steps = list(CallTurn.objects.filter(call=row).values_list("step", flat=True))
    assert steps == list(range(len(steps)))  # every step once, none lost or doubled


@pytest.mark.parametrize("retry", ["abc", "-1", "99"])
def test_a_retry_count_that_is_not_one_we_gave_ends_the_call(ivr, monkeypatch, retry):
    """A count the server never wrote (tampered, or past the limit) is not retried again."""
    failing(monkeypatch, 1)
    data = twilio_payload("voice_gather_digits", CallSid="CA" + "e" * 32)
    answer = twilio_post(f"/ivr/voice/main/step?n=2&retry={retry}", data, token=AUTH_TOKEN)
    root = ET.fromstring(answer.content)  # our own TwiML
    assert root.find("Hangup") is not None and root.find("Redirect") is None


@pytest.mark.django_db(transaction=True)
def test_a_quick_failure_is_run_again_at_once_with_no_apology(phone, monkeypatch):
    """Outside a transaction (as in production) a failure that came at once is tried again on
    a new connection within the same request."""
    failed = failing(monkeypatch, 1)
    call = phone("main")
    call.start()
    assert failed == [0]
    assert len(call.exchanges) == 1 and call.exchanges[0].listening
    assert Call.objects.get().next_step == 1


@pytest.mark.django_db(transaction=True)
def test_a_slow_failure_is_not_run_again_in_the_request(phone, monkeypatch):
    """A failure that took its time (the database down, the pool waiting) is not tried again
    while the provider waits: the caller hears the apology and the step comes back."""
    real = views.call_answer
    clock = iter([0.0, 5.0, 100.0, 100.0, 100.0])
    monkeypatch.setattr(views.time, "monotonic", lambda: next(clock, 100.0))
    calls: list[int] = []

    def slow_then_fine(request, **kwargs):
        calls.append(request.step)
        if len(calls) == 1:
            raise OperationalError("connection timeout expired")
        return real(request, **kwargs)

    monkeypatch.setattr(views, "call_answer", slow_then_fine)
    call = phone("main")
    call.start()
    assert said(call.exchanges[0]) == [APOLOGY_EN, APOLOGY_ES]
    assert call.exchanges[-1].listening and calls == [0, 0]
