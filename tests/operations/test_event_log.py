"""Every contact event is stored once, in the transaction of the change it reports."""

import datetime as dt
import math
import uuid
from decimal import Decimal

import pytest
from django.db import transaction

from contactcenter.core.domain_events import ContactEventKind, contact_event_emit
from contactcenter.inquiries.services import inquiry_open
from contactcenter.operations.models import ContactEventRecord
from contactcenter.operations.receivers import contact_event_store
from contactcenter.routing.models import Queue
from contactcenter.routing.services import work_item_enqueue

pytestmark = pytest.mark.django_db


def test_each_event_is_stored_with_its_id_and_payload(queues, contact_events):
    with contact_events.committed():
        inquiry = inquiry_open(channel="phone")
        item = work_item_enqueue(
            inquiry=inquiry, kind="call", queue=Queue.objects.get(code="t1-general-en")
        )
    queued = contact_events.one(ContactEventKind.QUEUED)
    stored = ContactEventRecord.objects.get(event_id=queued.id)
    assert (stored.kind, stored.channel, stored.at) == ("queued", "phone", item.enqueued_at)
    assert (stored.inquiry_id, stored.queue_id, stored.work_item_id) == (
        inquiry.pk, item.queue_id, item.pk,
    )  # fmt: skip
    assert stored.detail == {"work": "call", "urgent": False}
    # Every event the services sent is in the log, each under its own id.
    assert sorted(str(event.id) for event in contact_events) == sorted(
        str(pk) for pk in ContactEventRecord.objects.values_list("event_id", flat=True)
    )
    assert len({event.id for event in contact_events}) == len(contact_events)


def test_an_event_delivered_twice_is_stored_once():
    event = contact_event_emit(ContactEventKind.STARTED, channel="chat", language="es")
    contact_event_store(None, event=event)
    contact_event_store(None, event=event)
    assert ContactEventRecord.objects.filter(event_id=event.id).count() == 1
    other = contact_event_emit(ContactEventKind.STARTED, channel="chat", language="es")
    assert other.id != event.id
    assert ContactEventRecord.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_an_event_stands_or_falls_with_its_change():
    with pytest.raises(RuntimeError), transaction.atomic():
        contact_event_emit(ContactEventKind.STARTED, channel="phone")
        raise RuntimeError("the change failed")
    assert not ContactEventRecord.objects.exists()
    with transaction.atomic():
        kept = contact_event_emit(ContactEventKind.STARTED, channel="phone")
    assert ContactEventRecord.objects.filter(event_id=kept.id).exists()


def test_an_event_outside_a_transaction_is_stored_at_once():
    event = contact_event_emit(
        ContactEventKind.SELF_SERVED, channel="virtual_assistant",
        at=dt.datetime(2026, 11, 4, 15, 0, tzinfo=dt.UTC),
    )  # fmt: skip
    assert ContactEventRecord.objects.get(event_id=event.id).at == event.at


def test_a_detail_json_cannot_hold_is_stored_as_text_and_does_not_fail_the_change():
    event = contact_event_emit(
        ContactEventKind.ANSWERED,
        channel="phone",
        detail={"waited_seconds": math.nan, "share": Decimal("0.5"), "ok": True, "n": 3},  # type: ignore[dict-item]
    )
    stored = ContactEventRecord.objects.get(event_id=event.id)
    assert stored.detail == {"waited_seconds": None, "share": "0.5", "ok": True, "n": 3}


def test_the_id_is_a_random_uuid_in_the_payload():
    event = contact_event_emit(ContactEventKind.STARTED, channel="phone")
    assert isinstance(event.id, uuid.UUID) and event.id.version == 4
    assert event.as_dict()["id"] == str(event.id)


def test_events_reported_together_are_stored_together_in_few_statements(queues):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contactcenter.core.domain_events import contact_events_together

    with (
        CaptureQueriesContext(connection) as queries,
        transaction.atomic(),
        contact_events_together(),
    ):
        emitted = [
            contact_event_emit(ContactEventKind.STARTED, channel="email", language="es")
            for _ in range(250)
        ]
        with contact_events_together():  # an inner block joins the outer one
            emitted.append(contact_event_emit(ContactEventKind.QUEUED, channel="email"))
        assert not ContactEventRecord.objects.exists()  # nothing written one by one
    inserts = [q for q in queries.captured_queries if "operations_contacteventrecord" in q["sql"]]
    assert len(inserts) == 4  # the check above, then 251 rows a hundred at a time
    stored = set(ContactEventRecord.objects.values_list("event_id", flat=True))
    assert stored == {event.id for event in emitted}
    # The same event handed over again (a retry) is still kept once.
    with transaction.atomic(), contact_events_together():
        contact_event_store(None, event=emitted[0])
    assert ContactEventRecord.objects.count() == 251


@pytest.mark.django_db(transaction=True)
def test_events_reported_together_fall_with_their_change():
    from contactcenter.core.domain_events import contact_events_together

    with pytest.raises(RuntimeError), transaction.atomic(), contact_events_together():
        contact_event_emit(ContactEventKind.STARTED, channel="email")
        raise RuntimeError("the change failed")
    assert not ContactEventRecord.objects.exists()
    with transaction.atomic(), contact_events_together():
        kept = contact_event_emit(ContactEventKind.STARTED, channel="email")
    assert list(ContactEventRecord.objects.values_list("event_id", flat=True)) == [kept.id]
