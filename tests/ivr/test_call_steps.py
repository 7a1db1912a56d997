"""The way an inquiry's call went through the line, as the desk's workspace shows it: the menu
steps in order, what the caller pressed or said, masked."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from contactcenter.inquiries.services import inquiry_open
from contactcenter.ivr.models import Call, CallTurn
from contactcenter.ivr.selectors import TURNS_SHOWN, call_steps_for_inquiry

pytestmark = pytest.mark.django_db


def test_the_path_of_a_queued_call_with_the_number_masked(phone):
    call = phone("intercountry-adoption")
    call.run(["3", "A 012 345 678"])
    assert call.holding
    row = Call.objects.get(call_sid=call.call_sid)

    (path,) = call_steps_for_inquiry(inquiry_id=row.inquiry_id)

    assert path.line == "intercountry-adoption"
    assert path.title == "Intercountry adoption line"
    assert path.outcome == ""  # still on the line
    nodes = [step.node for step in path.steps]
    assert nodes[:4] == ["menu", "ask_a_number", "_survey_offer", "_queued"]
    menu, ask, offer, transfer = path.steps[:4]
    assert (menu.heard, menu.label) == ("", "Menu")  # the call's first turn: nothing heard yet
    assert (ask.heard, ask.label) == ("3", "Asked for a number or date")
    assert offer.heard == "[A-NUMBER]"
    assert offer.label == "Asked to take the survey after the call"
    # The offer let pass in silence: nothing heard, and the caller went in line.
    assert transfer.heard == "" and transfer.label == "Waiting in line for an agent"
    shown = " ".join(f"{s.heard} {s.said}" for s in path.steps)
    assert "012" not in shown and "345" not in shown and "678" not in shown
    assert "adoption specialist" in menu.said


def test_speech_that_slipped_a_number_through_is_masked_again(phone):
    call = phone("intercountry-adoption")
    call.run(["3", "A 012 345 678"])
    row = Call.objects.get(call_sid=call.call_sid)
    # A row written before masking was tightened, or by hand: shown masked all the same.
    CallTurn.objects.filter(call=row, step=1).update(heard="my number is LIN2412345678")
    (path,) = call_steps_for_inquiry(inquiry_id=row.inquiry_id)
    assert path.steps[1].heard == "my number is [RECEIPT-NUMBER]"


def test_labels_and_titles_in_spanish(phone):
    call = phone("intercountry-adoption")
    call.run(["3", "A 012 345 678"])
    row = Call.objects.get(call_sid=call.call_sid)
    with override("es"):
        (path,) = call_steps_for_inquiry(inquiry_id=row.inquiry_id, language="es")
        assert path.title == "Línea de adopción internacional"
        assert path.steps[0].label == "Menú"


def test_an_inquiry_without_calls_has_no_path(queues):
    inquiry = inquiry_open(channel="chat", language="en")
    assert call_steps_for_inquiry(inquiry_id=inquiry.pk) == []


def test_a_long_call_is_cut_and_says_so(phone, django_assert_max_num_queries):
    call = phone("intercountry-adoption")
    call.run(["3", "A 012 345 678"])
    row = Call.objects.get(call_sid=call.call_sid)
    last = CallTurn.objects.filter(call=row).order_by("-step").first()
    CallTurn.objects.bulk_create(
        CallTurn(call=row, step=last.step + n, node="to_agent", said="Please hold.", twiml="")
        for n in range(1, TURNS_SHOWN + 5)
    )
    with django_assert_max_num_queries(2):
        (path,) = call_steps_for_inquiry(inquiry_id=row.inquiry_id)
    assert len(path.steps) == TURNS_SHOWN and path.more_steps
