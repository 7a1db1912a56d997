"""insert_with_children: the parent and its children land together or not at all, with the
values Model.save would have written (auto_now stamps, JSON), on SQLite and on PostgreSQL."""

import pytest
from django.db import IntegrityError, transaction

from contactcenter.core.db_inserts import insert_with_children
from contactcenter.inquiries.models import Inquiry, InquiryEvent

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
