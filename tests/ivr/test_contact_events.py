"""Every step of a phone call reported as a domain event, in order, for each way a call goes:
placed through the signed TwiML webhooks as Twilio places it, the agent's side through the
desk's services."""

from __future__ import annotations

import pytest

from contactcenter.core.domain_events import ContactEventKind as Kind
from contactcenter.desk.services import desk_inquiry_resolve, desk_offer_accept
from contactcenter.inquiries.models import DispositionCode
from contactcenter.ivr import services as ivr_services
from contactcenter.ivr.models import Call, Outcome
from contactcenter.routing.models import Queue, WorkItem, WorkKind
from contactcenter.routing.services import work_item_offer_next
from tests.contact_events import assert_no_personal_data

pytestmark = pytest.mark.django_db

CALLER = "+15555550142"
LIN_KEYS = "546"  # L I N on the keypad


def keyed(receipt: str) -> str:
    return LIN_KEYS + receipt[3:] + "#"


def row(call) -> Call:
    return Call.objects.get(call_sid=call.call_sid)


@pytest.fixture
def bridged(monkeypatch) -> list[str]:
    """The provider's REST API, as far as moving a call to an agent goes: the calls moved."""
    moved: list[str] = []
    monkeypatch.setattr(
        ivr_services, "redirect_to_agent", lambda *, call_sid, **kwargs: moved.append(call_sid)
    )
    return moved


def test_a_self_served_call(phone, known_case, contact_events):
    """The caller heard their case status and hung up: the inquiry is written closed in one
    statement, and the call's end follows its three steps."""
    call = phone("main", from_number=CALLER)
    with contact_events.committed():
        call.run(["1", "1", keyed(known_case.receipt_number), "9"])
    assert call.hung_up
    inquiry_id = row(call).inquiry_id
    assert contact_events.kinds() == ["started", "self_served", "resolved", "ended"]
    assert {event.inquiry_id for event in contact_events} == {inquiry_id}
    assert {(event.channel, event.language) for event in contact_events} == {("phone", "en")}
    assert contact_events.one(Kind.RESOLVED).detail["disposition"] == "resolved_first_contact"
    ended = contact_events.one(Kind.ENDED).detail
    assert ended["outcome"] == Outcome.SELF_SERVED
    assert ended["answered"] is False
    assert ended["line"] == "main"
    assert ended["duration_seconds"] >= 0
    assert ended["turns"] == len(call.exchanges)
    assert contact_events.one(Kind.ENDED).record_id == row(call).pk
    assert_no_personal_data(contact_events, CALLER, known_case.receipt_number, "Ana", "Reyes")


def test_a_call_that_hangs_up_in_a_menu_is_not_self_served(phone, contact_events):
    """Nobody served a caller who left in the first menu: started, closed as no answer, ended."""
    call = phone("main", from_number=CALLER)
    with contact_events.committed():
        call.run(["1"])
        call.status("completed")
    assert contact_events.kinds() == ["started", "resolved", "ended"]
    assert contact_events.one(Kind.RESOLVED).detail["disposition"] == DispositionCode.NO_ANSWER
    assert contact_events.one(Kind.ENDED).detail["outcome"] == Outcome.ABANDONED


def test_a_self_served_call_that_had_a_link_texted(phone, known_case, contact_events):
    """A texted link opens the inquiry on the way; the call is still reported as self-served
    when it ends."""
    call = phone("main", from_number=CALLER)
    with contact_events.committed():
        call.run(["1", "1", keyed(known_case.receipt_number), "1"])
        if not call.hung_up:
            call.send("9")
    assert row(call).outcome == Outcome.SELF_SERVED
    assert contact_events.kinds() == ["started", "self_served", "resolved", "ended"]
    assert len({event.inquiry_id for event in contact_events} - {None}) == 1
    assert_no_personal_data(contact_events, CALLER, known_case.receipt_number)


def test_a_call_answered_by_an_agent(phone, make_agent, bridged, settings, contact_events):
    call = phone("main", from_number=CALLER)
    with contact_events.committed():
        call.run(["1", "4"])  # English, a representative
    assert call.holding
    # The phone line's clock says Monday 10:00; routing and the desk read the real one.
    settings.LIVE_HELP_ALWAYS_OPEN = True
    agent = make_agent(capacity={"phone": 1})
    with contact_events.committed():
        offered = work_item_offer_next(agent=agent)
        assert offered is not None
    with contact_events.committed():
        desk_offer_accept(agent=agent, item_id=offered.pk)
    assert bridged == [call.call_sid]  # after the acceptance committed
    with contact_events.committed():
        call.status("completed")  # the caller and the agent hung up
    with contact_events.committed():
        desk_inquiry_resolve(
            agent=agent,
            actor=agent.user,
            inquiry=offered.inquiry,
            held_item_ids=[offered.pk],
            disposition=DispositionCode.RESOLVED_FIRST_CONTACT,
        )
    assert contact_events.kinds() == [
        "started", "queued", "offered", "answered", "ended", "resolved", "wrapped_up",
    ]  # fmt: skip
    queue_id = Queue.objects.get(code="t1-general-en").pk
    for kind in (Kind.QUEUED, Kind.OFFERED, Kind.ANSWERED, Kind.WRAPPED_UP):
        event = contact_events.one(kind)
        assert (event.queue_id, event.work_item_id) == (queue_id, offered.pk)
    assert contact_events.one(Kind.ANSWERED).agent_id == agent.pk
    assert contact_events.one(Kind.ANSWERED).detail["waited_seconds"] >= 0
    ended = contact_events.one(Kind.ENDED)
    assert (ended.detail["outcome"], ended.detail["answered"]) == (Outcome.QUEUED, True)
    assert {event.inquiry_id for event in contact_events} == {offered.inquiry_id}
    assert {(event.channel, event.language) for event in contact_events} == {("phone", "en")}
    assert_no_personal_data(contact_events, CALLER)


def test_a_call_abandoned_in_line(phone, contact_events):
    call = phone("main", from_number=CALLER)
    with contact_events.committed():
        call.run(["2", "4"])  # Spanish, a representative
    assert call.holding
    with contact_events.committed():
        call.send("")  # the hold loop comes back: nothing to report
    assert contact_events.kinds() == ["started", "queued"]
    with contact_events.committed():
        call.status("completed")  # hung up while waiting
        call.status("completed")  # Twilio may send it twice: nothing is reported again
    assert contact_events.kinds() == ["started", "queued", "abandoned", "resolved", "ended"]
    item = WorkItem.objects.get(inquiry_id=row(call).inquiry_id)
    abandoned = contact_events.one(Kind.ABANDONED)
    assert (abandoned.work_item_id, abandoned.queue_id) == (item.pk, item.queue_id)
    assert abandoned.detail["waited_seconds"] >= 0
    assert contact_events.one(Kind.RESOLVED).detail["disposition"] == DispositionCode.NO_ANSWER
    assert contact_events.one(Kind.ENDED).detail["outcome"] == Outcome.ABANDONED
    assert {(event.channel, event.language) for event in contact_events} == {("phone", "es")}
    assert {event.inquiry_id for event in contact_events} == {item.inquiry_id}
    assert_no_personal_data(contact_events, CALLER)


def test_a_callback_instead_of_holding(phone, contact_events):
    call = phone("main", from_number=CALLER)
    with contact_events.committed():
        call.run(["1", "4", "1"])  # a representative, then a callback rather than hold
        if not call.hung_up:
            call.send("")
    assert call.hung_up
    assert contact_events.kinds() == ["started", "queued", "queued", "callback_scheduled", "ended"]
    held, called_back = contact_events.matching(kind=Kind.QUEUED)
    assert WorkItem.objects.get(pk=held.work_item_id).kind == WorkKind.CALL
    callback = WorkItem.objects.get(pk=called_back.work_item_id)
    assert (callback.kind, callback.queue_id) == (WorkKind.CALLBACK, called_back.queue_id)
    assert contact_events.one(Kind.ENDED).detail["outcome"] == Outcome.CALLBACK
    assert {event.inquiry_id for event in contact_events} == {row(call).inquiry_id}
    assert_no_personal_data(contact_events, CALLER)


def test_a_call_never_reported_ended_is_ended_by_the_periodic_job(phone, contact_events):
    """The status callback was lost while the caller waited in line: the job that closes such
    calls reports them as the status callback would have."""
    call = phone("main", from_number=CALLER)
    with contact_events.committed():
        call.run(["1", "4"])
    later = row(call).updated_at + ivr_services.CALL_SILENT_AFTER * 2
    with contact_events.committed():
        assert ivr_services.calls_close_unreported(now=later) == 1
    assert contact_events.kinds() == ["started", "queued", "abandoned", "resolved", "ended"]
