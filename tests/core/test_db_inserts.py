"""insert_with_children: the parent and its children land together or not at all, with the
values Model.save would have written (auto_now stamps, JSON), on SQLite and on PostgreSQL."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from contactcenter.core.db_inserts import ThenSave, insert_with_children
from contactcenter.inquiries.models import Inquiry, InquiryEvent
from contactcenter.ivr.models import Call, FlowVersion

pytestmark = pytest.mark.django_db


def new_inquiry(reference: str) -> Inquiry:
    return Inquiry(reference_number=reference, channel="phone", language="es", topic="prueba")


def test_parent_and_children_are_written_with_save_semantics():
    inquiry = new_inquiry("1000000009")
    events = [
        InquiryEvent(kind="opened", actor_label="system", data={"canal": "teléfono"}),
        InquiryEvent(kind="note", body="nota", data={}),
    ]
    insert_with_children(inquiry, events, link="inquiry")

    assert inquiry.pk is not None and not inquiry._state.adding
    stored = Inquiry.objects.get(pk=inquiry.pk)
    assert (stored.reference_number, stored.language, stored.topic) == (
        "1000000009",
        "es",
        "prueba",
    )
    assert stored.created_at is not None and stored.updated_at is not None
    rows = list(InquiryEvent.objects.filter(inquiry=stored).order_by("id"))
    assert [(row.kind, row.body, row.data) for row in rows] == [
        ("opened", "", {"canal": "teléfono"}),
        ("note", "nota", {}),
    ]
    assert all(row.created_at is not None for row in rows)
    assert all(event.inquiry is inquiry for event in events)


def test_a_refused_child_leaves_no_parent():
    bad_child = InquiryEvent(kind=None, data={})  # NOT NULL: refused by the database
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_with_children(new_inquiry("1000000017"), [bad_child], link="inquiry")
    assert not Inquiry.objects.filter(reference_number="1000000017").exists()


def test_a_refused_parent_writes_no_children():
    insert_with_children(new_inquiry("1000000025"), [], link="inquiry")
    duplicate = new_inquiry("1000000025")  # reference numbers are unique
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_with_children(duplicate, [InquiryEvent(kind="opened")], link="inquiry")
    assert InquiryEvent.objects.count() == 0


def _call() -> Call:
    version = FlowVersion.objects.create(
        line="main", version=1, source_file="main.yaml", source="", checksum="0", definition={}
    )
    return Call.objects.create(
        call_sid="CA" + "5" * 32, line="main", flow_version=version, started_at=timezone.now()
    )


def test_then_save_points_a_row_at_the_parent_in_the_same_write():
    call = _call()
    before = call.updated_at
    call.outcome, call.transcript_posted = "self_served", 4
    inquiry = new_inquiry("1000000033")
    insert_with_children(
        inquiry, [InquiryEvent(kind="opened")], link="inquiry",
        then_save=ThenSave(call, "inquiry", ("outcome", "transcript_posted", "updated_at")),
    )  # fmt: skip
    assert call.inquiry is inquiry
    stored = Call.objects.get(pk=call.pk)
    assert stored.inquiry_id == inquiry.pk
    assert (stored.outcome, stored.transcript_posted) == ("self_served", 4)
    assert stored.updated_at > before  # auto_now, as save(update_fields=...) stamps it


def test_then_save_changes_nothing_when_the_parent_is_refused():
    call = _call()
    insert_with_children(new_inquiry("1000000041"), [], link="inquiry")
    call.outcome = "abandoned"
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_with_children(
            new_inquiry("1000000041"), [InquiryEvent(kind="opened")], link="inquiry",
            then_save=ThenSave(call, "inquiry", ("outcome",)),
        )  # fmt: skip
    stored = Call.objects.get(pk=call.pk)
    assert stored.inquiry_id is None and stored.outcome == ""
