"""The issue: the phone said "about 20 minutes" and the chat "about 3 minutes" for the same
place in the same queue. The phone's spoken wait, the chat's message and the contact page's
figure now come from one estimate and give the same minutes."""

from __future__ import annotations

import re

from django.utils import translation

from contactcenter.chat.selectors import chat_status
from contactcenter.chat.texts import widget_texts
from contactcenter.inquiries.services import inquiry_open
from contactcenter.routing.models import Presence, Queue, WorkState
from contactcenter.routing.services import work_item_enqueue
from tests.chat.conftest import knowledge, waiting_chat  # noqa: F401 (fixtures)
from tests.ivr.test_calls import record, spoken
from tests.routing.wait_history import finished


def contact_page_minutes(client, channel_label: str) -> int:
    page = client.get("/contact/").content.decode()
    row = re.search(rf'<th scope="row">{channel_label}</th><td>(\d+)</td><td>About (\d+) minutes',
                    page)  # fmt: skip
    assert row, page
    return int(row.group(2))


def test_phone_chat_and_contact_page_give_the_same_wait(
    phone,
    waiting_chat,  # noqa: F811
    client,
    make_agent,
):
    queue = Queue.objects.get(code="t1-general-en")
    finished(queue, [4, 6, 6, 8])  # median handle time: 6 minutes
    make_agent(presence=Presence.BUSY)
    make_agent(presence=Presence.BUSY)
    for _ in range(3):  # three already in line: the next to join is number 4
        work_item_enqueue(inquiry=inquiry_open(channel="phone", language="en"), kind="call",
                          queue=queue, channel="phone")  # fmt: skip
    # 4 places x 6 minutes / 2 agents = 12 minutes, rounded up to 15.
    assert contact_page_minutes(client, "Phone") == 15
    assert contact_page_minutes(client, "Live chat") == 15

    call = phone("main")
    call.run(["1", "4"])
    assert "You are number 4 in line. The estimated wait is about 15 minutes." in spoken(call)

    call.status("completed")  # the caller leaves: the chat joins the same place
    assert record(call).inquiry.work_items.get().state == WorkState.CANCELLED
    conversation, _token = waiting_chat()
    status = chat_status(conversation=conversation)
    assert (status.position, status.wait_minutes) == (4, 15)
    with translation.override("en"):
        message = widget_texts()["position"] % {"position": 4, "minutes": status.wait_minutes}
    assert message == "You are number 4 in line. Estimated wait: about 15 minutes."


def test_no_estimate_is_said_on_every_channel_not_a_made_up_figure(
    phone,
    waiting_chat,  # noqa: F811
    client,
):
    """No history and no agent: every channel says it cannot estimate."""
    page = client.get("/contact/").content.decode()
    assert "Cannot be estimated right now" in page
    assert not re.search(r"About \d+ minute", page)
    call = phone("main")
    call.run(["1", "4"])
    assert "You are number 1 in line. We cannot estimate the wait right now." in spoken(call)
    call.status("completed")
    conversation, _token = waiting_chat()
    assert chat_status(conversation=conversation).wait_minutes is None
