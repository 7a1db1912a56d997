"""The test helper that collects domain events: it sees what is sent after commit, in order,
and its personal-data check finds what it is meant to find."""

from __future__ import annotations

import pytest

from contactcenter.core.domain_events import ContactEventKind as Kind
from contactcenter.core.domain_events import contact_event_emit
from tests.contact_events import assert_no_personal_data, personal_data_found

pytestmark = pytest.mark.django_db


def test_events_arrive_after_commit_in_order(contact_events):
    with contact_events.committed():
        contact_event_emit(Kind.STARTED, channel="chat", inquiry_id=7)
        contact_event_emit(Kind.QUEUED, channel="chat", inquiry_id=7, queue_id=3)
        assert contact_events == []  # not committed yet
    assert contact_events.kinds() == ["started", "queued"]
    assert contact_events.kinds(queue_id=3) == ["queued"]
    assert contact_events.one(Kind.QUEUED).inquiry_id == 7
    with pytest.raises(AssertionError):
        contact_events.one(Kind.ENDED)


@pytest.mark.parametrize(
    "value",
    ["+15555550142", "555-555-0142", "(555) 555 0142", "ana.reyes@example.org",
     "LIN2400000001", "ioe0912345678", "A012345678", "A-12345678"],
)  # fmt: skip
def test_personal_data_is_found_in_any_field(value):
    event = contact_event_emit(Kind.ENDED, channel="phone", detail={"note": f"x {value} y"})
    assert personal_data_found([event])
    with pytest.raises(AssertionError):
        assert_no_personal_data([event])


def test_known_values_are_found_as_whole_words():
    event = contact_event_emit(Kind.ENDED, channel="chat", detail={"by": "Reyes"})
    assert personal_data_found([event], "reyes")
    assert not personal_data_found([event], "Rey")


def test_ids_codes_counts_and_times_are_not_personal_data():
    event = contact_event_emit(
        Kind.ANSWERED, channel="phone", language="es", inquiry_id=123456, queue_id=4,
        work_item_id=9876543, agent_id=12, record_id=1234567890,
        detail={"waited_seconds": 1234.567, "duration_seconds": 86399.999, "topic": "main/fees",
                "confidence": 0.875, "answered": True},
    )  # fmt: skip
    assert_no_personal_data([event])
