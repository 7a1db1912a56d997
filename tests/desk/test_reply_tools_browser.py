"""The agent tools in a real browser: a canned reply and a knowledge-base link put into the
chat's reply box, by keyboard (Alt+C, Alt+K) and by click."""

from __future__ import annotations

import re

import pytest

from contactcenter.desk.replies import CannedReplyText, canned_reply_create
from contactcenter.desk.services import desk_offer_accept, desk_presence_set
from contactcenter.inquiries.services import inquiry_open
from contactcenter.routing.models import QueueTier, WorkKind
from contactcenter.routing.services import (
    QueueChoice,
    agent_ensure_for_user,
    queue_for,
    work_item_enqueue,
)
from contactcenter.staff.models import Role
from tests.browser import needs_chromium

pytestmark = needs_chromium


@pytest.fixture
def held_chat(queues, always_open):
    def make(user, *, language: str = "en"):
        inquiry = inquiry_open(channel="chat", language=language)
        queue = queue_for(QueueChoice(tier=QueueTier.TIER1, language=language, channel="chat"))
        item = work_item_enqueue(inquiry=inquiry, kind=WorkKind.CHAT, queue=queue)
        agent = agent_ensure_for_user(user=user)
        offered = desk_presence_set(agent=agent, presence="available")
        assert offered is not None and offered.pk == item.pk
        return desk_offer_accept(agent=agent, item_id=item.pk)

    return make


def test_a_canned_reply_and_a_knowledge_link_go_into_the_chat_reply_box(
    desk_live_server,
    page_for,
    staff,
    held_chat,
    settings,
):
    from playwright.sync_api import expect

    settings.PUBLIC_BASE_URL = "https://help.example.gov"
    user = staff(Role.TIER1, first_name="Alice", languages="en,es")
    item = held_chat(user, language="es")
    reference = item.inquiry.reference_number
    canned_reply_create(
        actor=None,
        text=CannedReplyText(
            title_en="Greeting", title_es="Saludo",
            body_en="Hello, I am {agent}. Your reference number is {reference}.",
            body_es="Hola, soy {agent}. Su número de referencia es {reference}.",
        ),
    )  # fmt: skip
    canned_reply_create(
        actor=None,
        text=CannedReplyText(
            title_en="Thanks by name", title_es="Gracias con nombre",
            body_en="Thank you, {name}.", body_es="Gracias, {name}.", sort_order=200,
        ),
    )  # fmt: skip
    page = page_for(desk_live_server.url, user.username)
    page.goto(f"/desk/inquiries/{reference}/")
    box = page.locator("#desk-chat-input")
    expect(box).to_be_visible()

    # Keyboard alone: Alt+C opens the replies on the first one; Enter inserts it.
    box.fill("")
    page.keyboard.press("Alt+c")
    greeting = page.get_by_role("button", name="Insert: Greeting")
    expect(greeting).to_be_focused()
    page.keyboard.press("Enter")
    expect(box).to_have_value(f"Hola, soy Alice. Su número de referencia es {reference}.")
    expect(box).to_be_focused()

    # {name} before the identity check: refused, said plainly, nothing inserted.
    page.get_by_role("button", name="Insert: Thanks by name").click()
    replies = page.get_by_test_id("canned-replies")
    expect(replies.get_by_role("status")).to_contain_text("only after their identity is verified")
    expect(box).to_have_value(f"Hola, soy Alice. Su número de referencia es {reference}.")

    # The knowledge base: Alt+K, search in the person's language, insert the public link.
    page.keyboard.press("Alt+k")
    search = page.get_by_label("Search the knowledge base")
    expect(search).to_be_focused()
    expect(page.get_by_label("Articles in")).to_have_value("es")
    search.fill("cambio de dirección")
    page.keyboard.press("Enter")
    first = page.get_by_test_id("knowledge-result").first
    expect(first).to_contain_text("dirección")
    first.get_by_role("button", name="Insert link").click()
    expect(box).to_have_value(
        re.compile(r"Su número de referencia es \d{10}\. .+: https://help\.example\.gov/")
    )
