"""What a turn costs the database, and the hand-written statements of the turn's hot path
(reading the call row, storing the answer) against what the ORM reads and writes."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import set_script_prefix

from contactcenter.ivr import call_store, services, twiml
from contactcenter.ivr.call_requests import CallRequest, step_url
from contactcenter.ivr.errors import CallChanging
from contactcenter.ivr.known_calls import KNOWN_CALLS
from contactcenter.ivr.models import Call, CallTurn, Outcome

pytestmark = pytest.mark.django_db

CALL_UPDATE = re.compile(r'UPDATE "?ivr_call"? SET')
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def statements(captured: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    ]


@pytest.fixture
def hot(monkeypatch) -> list[str]:
    """The statements a turn sends through its own cursor (prepared on PostgreSQL, so Django's
    query log does not see them)."""
    seen: list[str] = []
    original = call_store.hot_statement

    def spy(sql, params, *, fetch=False):
        seen.append(sql.strip())
        return original(sql, params, fetch=fetch)

    monkeypatch.setattr(call_store, "hot_statement", spy)
    return seen


def _status_read(phone, case):
    """A call that has chosen English and case status and heard ``case``'s status."""
    call = phone("main")
    call.start()
    call.send("1")
    call.send("1")
    call.send("546" + case.receipt_number[3:] + "#")
    return call


def test_a_menu_turn_is_one_read_and_one_write(phone, hot):
    """A turn that only reads takes no lock: it reads the call, then stores the turn with one
    statement that moves the call on only if it is still at this step. On PostgreSQL the call
    as this process's last turn left it needs no read at all."""
    call = phone("main")
    call.start()
    hot.clear()
    with CaptureQueriesContext(connection) as captured:
        call.send("1")  # English: the main menu, no effect
    if connection.vendor == "postgresql":  # prepared: Django's query log does not see them
        assert statements(captured) == []
        assert len(hot) == 1 and hot[0].startswith("WITH moved AS (UPDATE ivr_call SET")
        assert "AND next_step = %s AND updated_at = %s" in hot[0]
        assert "INSERT INTO ivr_callturn" in hot[0]
        KNOWN_CALLS.clear()  # another process's call: read first
        hot.clear()
        call.send("1")
        assert len(hot) == 2 and hot[0].startswith("SELECT") and "ivr_call" in hot[0]
        assert not hot[0].endswith("FOR UPDATE")
        return
    assert hot[0].startswith("SELECT") and "ivr_call" in hot[0]
    assert not hot[0].endswith("FOR UPDATE")
    # SQLite: the read, then the conditional move and the turn in one transaction
    sent = statements(captured)
    assert len(hot) == 1 and len(sent) == 3, sent
    assert CALL_UPDATE.match(sent[1]) and re.search(r"AND next_step = \d+$", sent[1])
    assert sent[2].startswith("INSERT INTO ivr_callturn")


def test_a_turn_that_queues_the_caller_takes_the_lock(phone, hot):
    call = phone("main", from_number="+15555550199", survey=None)
    call.start()
    call.send("1")
    call.send("0")
    offer = call.send("0")  # twice for a person: the survey offer, before going in line
    assert offer.listening and not offer.holding
    hot.clear()
    call.send("")  # the offer let pass: queued, with an inquiry and a work item
    reads = [sql for sql in hot if sql.startswith("SELECT") and "FROM ivr_call WHERE" in sql]
    # The queue is a write, so the turn starts again under the lock (after a read as it stands
    # where this process did not know the call already).
    if connection.features.has_select_for_update:
        assert reads[-1].endswith("FOR UPDATE")
        assert not any(sql.endswith("FOR UPDATE") for sql in reads[:-1])
    row = Call.objects.get(call_sid=call.call_sid)
    assert row.work_item_id is not None and row.next_step == 5
    assert CallTurn.objects.filter(call=row, step=4).count() == 1


def test_a_stale_turn_loses_to_the_answer_already_stored(phone):
    """A retry that read the call before the original stored its answer writes nothing and
    answers what the original answered."""
    call = phone("main")
    call.start()
    stale = call_store.call_locked(call.call_sid, lock=False)
    assert stale is not None and stale.next_step == 1
    first = call.send("1")  # the original, answered meanwhile
    request = CallRequest(line="main", call_sid=call.call_sid, step=1, digits="2")
    with pytest.raises(services._Moved):  # nothing written: the row moved on
        services._answer(stale, request, now=None, locked=False)
    answer = services.call_answer(request)  # read again: a retry, given the stored answer
    assert answer == CallTurn.objects.get(call__call_sid=call.call_sid, step=1).twiml
    assert "n=2" in answer and first.said
    row = Call.objects.get(call_sid=call.call_sid)
    assert row.next_step == 2 and row.state["language"] == "en"  # "2" (Spanish) was not taken
    assert CallTurn.objects.filter(call=row).count() == 2


def test_the_last_turn_writes_the_call_twice_at_most(phone, known_case, hot):
    call = _status_read(phone, known_case)
    hot.clear()
    with CaptureQueriesContext(connection) as captured:
        call.send("9")  # goodbye: outcome, transcript, inquiry closed
    sent = statements(captured) + (hot if connection.vendor == "postgresql" else [])
    call_updates = [sql for sql in sent if CALL_UPDATE.search(sql)]
    assert len(call_updates) == 2, call_updates  # the turn itself, then the end of the call
    row = Call.objects.select_related("inquiry").get(call_sid=call.call_sid)
    assert row.outcome == Outcome.SELF_SERVED
    assert row.ended_at is not None
    assert row.transcript_posted == row.next_step == CallTurn.objects.filter(call=row).count()
    assert row.inquiry is not None and row.inquiry.disposition
    # Collected values are not kept once the call is over.
    assert set(row.state["vars"].values()) == {"[removed]"}


def test_the_call_read_by_hand_matches_the_orm(phone):
    call = phone("main", from_number="+15555550199")
    call.start()
    call.send("1")
    call.send("0")
    call.send("0")  # twice for a person: queued, with an inquiry and a work item
    expected = Call.objects.get(call_sid=call.call_sid)
    with transaction.atomic():
        read = call_store.call_locked(call.call_sid)
    assert read is not None
    for field in Call._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.name
    assert read.started_at.tzinfo is not None
    assert read.state["node"] == expected.state["node"] and read.work_item_id is not None
    assert not read._state.adding  # a saved row: save() updates it
    assert call_store.call_locked("CA" + "0" * 32) is None


def test_the_turn_written_by_hand_is_read_back_by_the_orm(phone):
    call = phone("main")
    call.start()
    call.send("2")  # Spanish
    row = Call.objects.get(call_sid=call.call_sid)
    turn = CallTurn.objects.get(call=row, step=1)
    assert row.next_step == 2
    assert row.state["language"] == "es" and row.state["node"] == "main_menu"
    assert turn.heard == "2" and turn.node == "main_menu"
    assert "<Gather" in turn.twiml and "n=2" in turn.twiml
    assert turn.created_at is not None and turn.created_at.tzinfo is not None
    assert row.updated_at >= turn.created_at


def test_step_url_follows_the_script_prefix():
    try:
        assert step_url("main", 3) == "/ivr/voice/main/step?n=3"
        set_script_prefix("/phone/")
        assert step_url("main", 4) == "/phone/ivr/voice/main/step?n=4"
    finally:
        set_script_prefix("/")


def test_a_self_served_call_ends_in_a_handful_of_statements(phone, known_case, hot):
    """The caller heard their status and hung up: the call's inquiry is written already closed
    (core/db_inserts.py: one statement on PostgreSQL) rather than opened, added to and resolved
    in some twenty."""
    call = _status_read(phone, known_case)
    hot.clear()
    with CaptureQueriesContext(connection) as captured:
        call.send("9")
    everything = statements(captured) + (hot if connection.vendor == "postgresql" else [])
    # Besides the turn's own work, one INSERT per contact event into the operations log
    # (started, self-served, resolved, ended), in the same transaction.
    logged = [sql for sql in everything if 'INSERT INTO "operations_contacteventrecord"' in sql]
    assert len(logged) == 4, logged
    sent = [sql for sql in everything if sql not in logged]
    inserts = [sql for sql in sent if "INSERT INTO" in sql.upper()]
    if connection.vendor == "postgresql":
        # the turn written with the transcript read (the call as the last turn left it); the
        # inquiry with its history and the call's end
        assert len(sent) == 2, sent
        assert len(inserts) == 2
        assert any('then_save AS (UPDATE "ivr_call" SET "inquiry_id"' in sql for sql in inserts)
    row = Call.objects.select_related("inquiry").get(call_sid=call.call_sid)
    inquiry = row.inquiry
    assert inquiry is not None and inquiry.state == "closed"
    assert inquiry.disposition == "resolved_first_contact"
    kinds = list(inquiry.events.order_by("created_at", "id").values_list("kind", flat=True))
    assert kinds == ["opened", "message", "state", "disposition"]
    message = inquiry.events.get(kind="message")
    assert message.actor_label == "ivr" and "Caller: [RECEIPT]" in message.body
    assert known_case.receipt_number not in message.body


def test_the_same_menu_is_built_once_and_a_case_read_out_is_not_kept(phone, known_case):
    """TwiML said alike to every caller (menus, questions, goodbyes) is built by the library's
    builders once and reused; a turn that carries one caller's case is built and not kept."""
    twiml._render_kept.cache_clear()
    first = phone("main")
    first.start()
    first.send("1")
    built = twiml._render_kept.cache_info()
    assert built.currsize == 2 and built.hits == 0  # the welcome and the main menu
    second = phone("main")
    second.start()
    second.send("1")
    assert twiml._render_kept.cache_info().hits == 2
    assert second.exchanges[-1].said == first.exchanges[-1].said  # the same menu, another call
    first.send("1")  # case status: asks for the receipt number (kept: the same for everyone)
    kept = twiml._render_kept.cache_info().currsize
    heard = first.send("546" + known_case.receipt_number[3:] + "#")
    assert any("Received" in text or "received" in text for _language, text in heard.said)
    assert twiml._render_kept.cache_info().currsize == kept  # the status read out: not kept


def test_a_first_request_writes_the_call_and_its_turn_without_a_transaction(phone, hot):
    """The new call's row comes from one INSERT ... ON CONFLICT DO NOTHING that also picks the
    line's active flow version; its turn is then stored like any other."""
    phone("main").start()  # the flow is parsed and kept by the first call
    hot.clear()
    call = phone("main", from_number="+15555550199")
    with CaptureQueriesContext(connection) as captured:
        first = call.start()
    assert hot[0].startswith("INSERT INTO ivr_call") and "ON CONFLICT (call_sid)" in hot[0]
    if connection.vendor == "postgresql":
        assert captured.captured_queries == []  # no BEGIN, no savepoint, no ORM statement
        assert len(hot) == 2 and hot[1].startswith("WITH moved AS (UPDATE ivr_call SET")
    row = Call.objects.select_related("flow_version").get(call_sid=call.call_sid)
    assert row.flow_version.active and row.flow_version.line == "main" and row.line == "main"
    assert row.from_number == "+15555550199" and row.next_step == 1
    assert row.state["node"] and row.inquiry_id is None and row.work_item_id is None
    assert row.outcome == "" and row.transcript_posted == 0 and row.ended_at is None
    assert row.started_at.tzinfo is not None and row.created_at <= row.updated_at
    # The same first request again: the stored answer, nothing written twice.
    again = call.request(f"/ivr/voice/{call.line}")
    assert again.said == first.said
    assert Call.objects.filter(call_sid=call.call_sid).count() == 1
    assert CallTurn.objects.filter(call=row).count() == 1


def test_a_call_written_by_someone_else_is_read_again_before_its_next_turn(phone, hot):
    """The call this process last answered is kept as a hint; if anything else wrote the row
    since (here the call's own save, as an agent's or the provider's would), the next turn's
    write does not go through and the turn is answered again from a fresh read."""
    call = phone("main")
    call.start()
    row = Call.objects.get(call_sid=call.call_sid)
    row.save(update_fields=["updated_at"])  # a write the kept copy does not know of
    hot.clear()
    answered = call.send("2")  # Spanish
    assert any(language == "es" for language, _text in answered.said)
    row.refresh_from_db()
    assert row.next_step == 2 and row.state["language"] == "es"
    assert CallTurn.objects.filter(call=row).count() == 2
    if connection.vendor == "postgresql":  # the kept copy's write, the read, the write
        assert [sql.split()[0] for sql in hot] == ["WITH", "SELECT", "WITH"]


def test_a_place_in_line_is_not_kept(phone):
    """The hold loop says a position and a wait: built for the caller, not kept."""
    call = phone("main", from_number="+15555550101")
    call.run(["1", "4"])  # English, then a person: queued, holding
    assert call.holding
    twiml._render_kept.cache_clear()
    call.send("")  # the hold loop comes back with a fresh position
    assert call.holding and "in line" in call.exchanges[-1].said[-1][1]
    assert twiml._render_kept.cache_info().currsize == 0


def test_a_call_that_keeps_changing_gets_a_conflict_and_nothing_is_written(phone, monkeypatch):
    call = phone("main")
    call.start()
    # Every attempt to store the turn finds the row changed since it was read.
    monkeypatch.setattr(services, "turn_store", lambda *args, **kwargs: False)
    with pytest.raises(CallChanging) as raised:
        services.call_answer(CallRequest(line="main", call_sid=call.call_sid, step=1, digits="1"))
    assert raised.value.http_status == 409
    row = Call.objects.get(call_sid=call.call_sid)
    assert row.next_step == 1 and CallTurn.objects.filter(call=row).count() == 1
