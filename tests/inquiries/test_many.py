"""Opening many inquiries and adding many messages at once: bad input refuses the lot and
writes nothing."""

import pytest
from django.db import transaction

from contactcenter.core.errors import InvalidInput
from contactcenter.inquiries.models import Inquiry, InquiryEvent, InquiryState
from contactcenter.inquiries.services import (
    ForbiddenTransition,
    InquiryOpening,
    inquiries_add_messages_many,
    inquiries_open_many,
    inquiry_open,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "bad",
    [
        InquiryOpening(channel="pigeon", first_message="Hello"),
        InquiryOpening(channel="email", language="fr", first_message="Bonjour"),
        InquiryOpening(channel="email", first_message="   "),
    ],
    ids=["unknown channel", "unknown language", "empty message"],
)
def test_one_bad_opening_refuses_them_all_and_writes_nothing(bad):
    good = InquiryOpening(channel="email", contact_email="a@example.com", first_message="Hi")
    with pytest.raises(InvalidInput):
        inquiries_open_many([good, bad])
    assert not Inquiry.objects.exists() and not InquiryEvent.objects.exists()


def test_opened_together_each_has_its_own_number_and_history():
    opened = inquiries_open_many(
        [InquiryOpening(channel="email", first_message=f"Question {n}") for n in range(3)]
    )
    assert len({inquiry.reference_number for inquiry in opened}) == 3
    for inquiry in opened:
        assert list(inquiry.events.values_list("kind", flat=True).order_by("id")) == [
            "opened",
            "message",
        ]


def test_a_closed_inquiry_refuses_the_messages_and_nothing_is_written():
    open_one = inquiry_open(channel="email", first_message="First")
    closed = inquiry_open(channel="email", first_message="Second")
    Inquiry.objects.filter(pk=closed.pk).update(  # closed meanwhile
        state=InquiryState.CLOSED, disposition="resolved_first_contact"
    )
    before = InquiryEvent.objects.count()
    # No savepoint of its own: the caller's (here this block's) is rolled back.
    with pytest.raises(ForbiddenTransition), transaction.atomic():
        inquiries_add_messages_many([(open_one, "More"), (closed, "More too")])
    assert InquiryEvent.objects.count() == before
    added = inquiries_add_messages_many([(open_one, "Call me at 402-555-0142")])
    assert "402-555-0142" not in added[0].body  # masked as one by one masks it
