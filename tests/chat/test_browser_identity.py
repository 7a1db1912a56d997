"""An identity check in a live chat, in a real browser against a real server: the person types
the receipt number and date of birth, the agent's live view shows them as typed (the person's
own view and the record are masked) and "Use for identity check" fills the desk's form; then
the agent asks for the answers in the widget's secure form instead."""

from __future__ import annotations

import pytest

from tests.browser import needs_chromium, sign_in
from tests.chat.servers import start

pytestmark = needs_chromium


@pytest.fixture
def server(tmp_path, migrated_sqlite):
    servers = start(tmp_path, count=1, migrated=migrated_sqlite)
    yield servers
    servers.stop()


def test_the_agent_sees_the_typed_answers_and_fills_the_identity_form(browser, server):
    from playwright.sync_api import expect

    base_url = server.urls[0]
    person_context = browser.new_context(base_url=base_url)
    agent_context = browser.new_context(base_url=base_url)
    try:
        person = person_context.new_page()
        person.goto("/")
        person.get_by_role("button", name="Chat with us").click()
        dialog = person.get_by_role("dialog", name="Ask a question")
        message_box = dialog.get_by_label("Your message")
        message_box.fill("How do I change my address?")
        message_box.press("Enter")
        log = dialog.locator("[data-chat-log]")
        expect(log.locator(".cc-chat__message--assistant")).to_have_count(1)
        dialog.get_by_role("button", name="No", exact=True).click()
        dialog.get_by_role("button", name="Talk to a person").click()

        agent = agent_context.new_page()
        sign_in(agent, server.data["agent"])
        agent.get_by_role("button", name="Available").click()
        agent.get_by_test_id("offer").get_by_role("button", name="Accept").click()
        agent_log = agent.get_by_test_id("chat-log")
        expect(log).to_contain_text("Rosa joined the chat.")
        # What is typed is shown as typed only live: the agent's page must be connected.
        expect(agent.locator("[data-desk-chat-state]")).to_have_text("Connected.")

        message_box.fill("My receipt is EAC 22 123 45678 and I was born March 3, 1985")
        dialog.get_by_role("button", name="Send", exact=True).click()

        # The agent working the chat sees what was typed, and is told the record is masked.
        said = agent_log.locator(".desk-chat__message--person").last
        expect(said).to_contain_text("My receipt is EAC 22 123 45678 and I was born March 3, 1985")
        expect(said).to_contain_text("As typed; shown only to you. Masked in the record.")
        # The person's own view shows the stored, masked message.
        expect(log.locator(".cc-chat__message--person").last).to_contain_text(
            "My receipt is [RECEIPT-NUMBER] and I was born [DATE]"
        )

        buttons = said.get_by_role("group", name="Use for identity check")
        buttons.get_by_role("button", name="Receipt number: EAC2212345678").click()
        expect(agent.locator("#id_identity-receipt_number")).to_have_value("EAC2212345678")
        buttons.get_by_role("button", name="Date of birth: 1985-03-03").click()
        expect(agent.locator("#id_identity-date_of_birth")).to_have_value("1985-03-03")
        expect(
            agent.get_by_role("status").filter(has_text="Copied into the identity form")
        ).to_have_text("Copied into the identity form: Date of birth.")

        # Opened again later, the page shows the record: masked, with a note, and no buttons.
        agent.reload()
        again = agent.get_by_test_id("chat-log").locator(".desk-chat__message--person").last
        expect(again).to_contain_text("My receipt is [RECEIPT-NUMBER] and I was born [DATE]")
        expect(again).to_contain_text("Masked in the record")
        expect(again.get_by_role("button")).to_have_count(0)

        # Or the person answers in the widget's secure form, and the agent sees the outcome.
        agent.get_by_role("button", name="Ask for identity answers in a secure form").click()
        secure = dialog.get_by_role("form", name="Verify your identity")
        expect(secure).to_be_visible()
        expect(log).to_contain_text("The agent asked you to verify your identity.")
        secure.get_by_label("Receipt number").fill("EAC2190000009")
        secure.get_by_label("Date of birth").fill("1985-03-03")
        secure.get_by_label("ZIP code on your application").fill("20500")
        secure.get_by_role("button", name="Send answers securely").click()
        expect(secure.get_by_role("alert")).to_have_text("The answers do not match our records.")
        agent_log = agent.get_by_test_id("chat-log")
        expect(agent_log).to_contain_text(
            "The answers in the secure form do not match our records."
        )
        # The answers never entered the chat, on either side.
        for view in (log, agent_log):
            expect(view).not_to_contain_text("EAC2190000009")
            expect(view).not_to_contain_text("20500")
    finally:
        person_context.close()
        agent_context.close()
