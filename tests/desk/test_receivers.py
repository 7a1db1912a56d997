"""The desk's live updates follow the domain events: which steps refresh which pages."""

from __future__ import annotations

import pytest
from django.utils import timezone

from contactcenter.core.domain_events import ContactEvent, ContactEventKind
from contactcenter.desk import receivers


@pytest.fixture
def told(monkeypatch) -> list[tuple[str, str, int | None]]:
    sent: list[tuple[str, str, int | None]] = []
    monkeypatch.setattr(
        receivers, "_send", lambda group, kind, origin: sent.append((group, kind, origin))
    )
    monkeypatch.setattr(receivers, "_last_call_end_told", -receivers.CALL_ENDS_EVERY_SECONDS)
    return sent


def event(kind: ContactEventKind, **fields) -> ContactEvent:
    return ContactEvent(
        kind=kind, channel=fields.pop("channel", "phone"), at=timezone.now(), **fields
    )


def tell(e: ContactEvent) -> None:
    receivers.desk_on_contact_event(None, event=e)


def test_new_work_refreshes_the_board_and_asks_available_agents(told):
    tell(event(ContactEventKind.QUEUED, work_item_id=1, queue_id=2, actor_user_id=None))
    assert told == [("desk.supervisors", "board", None), ("desk.agents", "work", None)]


def test_a_reassignment_tells_both_holders(told):
    tell(event(ContactEventKind.TRANSFERRED, work_item_id=1, actor_user_id=9,
               detail={"to_user_id": 5, "from_user_id": 6}))  # fmt: skip
    assert told == [("desk.supervisors", "board", 9), ("desk.user.5", "assigned", 9),
                    ("desk.user.6", "assigned", 9)]  # fmt: skip


def test_a_self_served_call_refreshes_only_the_phone_chart_and_at_most_every_few_seconds(
    told, monkeypatch
):
    clock = iter([100.0, 100.5, 103.0])
    monkeypatch.setattr(receivers, "_clock", lambda: next(clock))
    for kind in (ContactEventKind.STARTED, ContactEventKind.SELF_SERVED, ContactEventKind.RESOLVED):
        tell(event(kind, inquiry_id=1))
    assert told == []  # nothing on the board counts these
    tell(event(ContactEventKind.ENDED, record_id=1))  # at 100.0: told
    tell(event(ContactEventKind.ENDED, record_id=2))  # at 100.5: within the pause
    tell(event(ContactEventKind.ENDED, record_id=3))  # at 103.0: told again
    assert told == [("desk.supervisors", "board", None)] * 2


def test_a_chat_ending_is_not_a_phone_line_end(told):
    tell(event(ContactEventKind.ENDED, channel="chat", record_id=1))
    assert told == []


def test_a_channel_layer_that_fails_is_logged_and_the_step_stands(monkeypatch, caplog):
    """Redis down while a page is being told: the change the event reports already committed;
    the push is logged and dropped, never raised into the service that emitted it."""
    from contactcenter.core import live_events

    class Down:
        async def group_send(self, group, message):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(live_events, "get_channel_layer", lambda: Down())
    monkeypatch.setattr(receivers, "_last_call_end_told", -receivers.CALL_ENDS_EVERY_SECONDS)
    tell(event(ContactEventKind.QUEUED, work_item_id=1, queue_id=2))  # does not raise
    # Logged once for the outage (core/redis_fallback.py), not once per push.
    assert "redis.unavailable" in caplog.text
