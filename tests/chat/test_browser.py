"""The chat widget in a real browser (Debian's chromium driven by Playwright) against a real
uvicorn server: open it from the keyboard, ask, hand off, an agent accepts on the desk and
replies, the person sees it, and a reload loses nothing."""

from __future__ import annotations

import re

import pytest

from tests.browser import needs_chromium, sign_in
from tests.chat.servers import start

pytestmark = needs_chromium


@pytest.fixture
def server(tmp_path, migrated_sqlite):
    servers = start(tmp_path, count=1, migrated=migrated_sqlite)
    yield servers
    servers.stop()


def test_ask_hand_off_and_talk_with_an_agent(browser, server):
    from playwright.sync_api import expect

    base_url = server.urls[0]
    person_context = browser.new_context(base_url=base_url)
    agent_context = browser.new_context(base_url=base_url)
    try:
        person = person_context.new_page()
        person.goto("/")
        toggle = person.get_by_role("button", name="Chat with us")
        toggle.focus()
        person.keyboard.press("Enter")
        dialog = person.get_by_role("dialog", name="Ask a question")
        expect(dialog).to_be_visible()
        # The launcher steps aside while the panel is open (the panel has its own Close).
        launcher = person.locator("[data-chat-toggle]")
        expect(launcher).to_have_attribute("aria-expanded", "true")
        expect(launcher).to_be_hidden()
        message_box = dialog.get_by_label("Your message")
        expect(message_box).to_be_focused()

        # Escape closes the dialog and gives focus back to the button.
        person.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        expect(toggle).to_be_focused()
        person.keyboard.press("Enter")

        message_box.fill("How do I change my address?")
        message_box.press("Enter")
        log = dialog.locator("[data-chat-log]")
        expect(log.locator(".cc-chat__message--assistant")).to_have_count(1)
        dialog.get_by_role("button", name="No", exact=True).click()
        dialog.get_by_role("button", name="Talk to a person").click()
        expect(dialog.locator("[data-chat-status-text]")).to_have_text(
            # Nothing answered in this queue yet: the wait cannot be estimated, and says so.
            re.compile(r"You are number 1 in line\. We cannot estimate the wait right now\.")
        )

        agent = agent_context.new_page()
        sign_in(agent, server.data["agent"])
        agent.get_by_role("button", name="Available").click()
        agent.get_by_test_id("offer").get_by_role("button", name="Accept").click()
        agent_log = agent.get_by_test_id("chat-log")
        expect(agent_log).to_contain_text("How do I change my address?")

        expect(log).to_contain_text("Rosa joined the chat.")
        agent.get_by_label("Reply to the person").fill("Hello, I am Rosa. How can I help?")
        agent.get_by_role("button", name="Send reply").click()
        expect(log).to_contain_text("Agent Rosa: Hello, I am Rosa. How can I help?")

        message_box.fill("My card never came")
        dialog.get_by_role("button", name="Send", exact=True).click()
        expect(agent_log).to_contain_text("My card never came")
        mine = log.locator(".cc-chat__message--person").last
        expect(mine.locator(".cc-chat__mark")).to_have_text(re.compile("Delivered|Read"))

        # A reload loses nothing: the widget reconnects and asks for the whole conversation.
        person.reload()
        person.get_by_role("button", name="Chat with us").click()
        expect(log).to_contain_text("Hello, I am Rosa. How can I help?")
        expect(log).to_contain_text("My card never came")
        agent.get_by_label("Reply to the person").fill("I will check that for you.")
        agent.get_by_role("button", name="Send reply").click()
        expect(log).to_contain_text("I will check that for you.")
    finally:
        person_context.close()
        agent_context.close()


@pytest.mark.parametrize("size", [(1280, 900), (1600, 900), (768, 1024), (360, 740)])
def test_the_panel_keeps_its_title_and_send_in_view(browser, server, size):
    """A long conversation scrolls inside the log; the title, Close, the message box and Send
    stay on screen at every width, and the out-of-hours notice stays short."""
    from playwright.sync_api import expect

    width, height = size
    context = browser.new_context(
        base_url=server.urls[0], viewport={"width": width, "height": height}
    )
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_role("button", name="Chat with us").click()
        dialog = page.get_by_role("dialog", name="Ask a question")
        log = dialog.locator("[data-chat-log]")
        for n, question in enumerate(
            ["How do I change my address?", "How do I replace my green card?",
             "What are your hours?", "How do I get a work permit?",
             "How long does it take?", "How do I become a citizen?"], start=1
        ):  # fmt: skip
            dialog.get_by_label("Your message").fill(question)
            dialog.get_by_role("button", name="Send", exact=True).click()
            expect(log.locator(".cc-chat__message--assistant")).to_have_count(n)
        for name in ("Ask a question", "Close chat", "Send"):
            target = (
                dialog.get_by_role("heading", name=name) if name == "Ask a question"
                else dialog.get_by_role("button", name=name, exact=True)
            )  # fmt: skip
            box = target.bounding_box()
            assert box is not None, name
            assert box["y"] >= 0 and box["y"] + box["height"] <= height, (name, box, size)
        assert log.evaluate("l => l.scrollHeight > l.clientHeight")  # the log scrolls
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    finally:
        context.close()
