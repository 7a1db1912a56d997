"""A whole shift at the desk in Chromium, against a real uvicorn server with real sockets.

A Tier 1 agent does everything by keyboard alone (Tab, Enter, Space, the arrow keys and the
workspace's own shortcuts; never the mouse): signs in, goes available, takes a live chat that
a member of the public opened in the public widget, verifies the person from what they typed,
answers with a canned reply and a knowledge-base link, creates a service request and wraps up;
then takes a simulated phone call queued through the phone line's webhooks and hands it over
in a warm transfer that a second agent accepts and escalates to Tier 2. A Tier 2 officer works
the callback from the callbacks page, and the office's clerk works the service request.

Each step is checked in what the pages show and in the server's database (read with sqlite3:
the server runs in another process, on its own SQLite file).
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys

import pytest

from tests.browser import PASSWORD, choose_by_keyboard, needs_chromium, sign_in, tab_to
from tests.chat.servers import PROJECT_DIR, start
from tests.desk.shift_data import RECEIPT_NUMBER

pytestmark = needs_chromium


@pytest.fixture
def server(tmp_path, migrated_sqlite):
    servers = start(tmp_path, count=1, migrated=migrated_sqlite, fill="tests.desk.shift_data")
    yield servers
    servers.stop()


class Records:
    """The server's database, read as it stands now."""

    def __init__(self, path) -> None:
        self.path = path

    def row(self, sql: str, *args) -> dict:
        with sqlite3.connect(self.path) as db:
            db.row_factory = sqlite3.Row
            found = db.execute(sql, args).fetchall()
        assert len(found) == 1, (sql, args, [dict(row) for row in found])
        return dict(found[0])

    def rows(self, sql: str, *args) -> list[dict]:
        with sqlite3.connect(self.path) as db:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute(sql, args).fetchall()]

    def inquiry(self, reference: str) -> dict:
        return self.row("SELECT * FROM inquiries_inquiry WHERE reference_number = ?", reference)

    def items(self, reference: str) -> list[dict]:
        return self.rows(
            "SELECT w.*, u.username AS assignee FROM routing_workitem w"
            " JOIN inquiries_inquiry i ON i.id = w.inquiry_id"
            " LEFT JOIN routing_agent a ON a.id = w.assigned_to_id"
            " LEFT JOIN auth_user u ON u.id = a.user_id"
            " WHERE i.reference_number = ? ORDER BY w.id",
            reference,
        )

    def presence(self, username: str) -> str:
        return self.row(
            "SELECT a.presence FROM routing_agent a JOIN auth_user u ON u.id = a.user_id"
            " WHERE u.username = ?",
            username,
        )["presence"]


# Counts every press of a mouse button (or touch) in a tab, across its page loads. Keyboard
# activation fires "click" but never "pointerdown" or "mousedown".
COUNT_POINTER_PRESSES = """
for (const kind of ["pointerdown", "mousedown"]) {
  addEventListener(kind, () => {
    const pressed = Number(sessionStorage.getItem("pointer-presses") || 0) + 1;
    sessionStorage.setItem("pointer-presses", String(pressed));
  }, true);
}
"""


def _pointer_presses(page) -> int:
    return int(page.evaluate("sessionStorage.getItem('pointer-presses') || '0'"))


def _reference_on(page) -> str:
    match = re.search(r"/desk/inquiries/(\d{10})/", page.url)
    assert match, page.url
    return match.group(1)


def _load_after(page, key: str) -> None:
    """Press ``key`` where it loads a page (a link, a form's button, a shortcut that posts),
    and wait until the page's scripts ran, as they have when someone starts typing again."""
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.keyboard.press(key)


def _answered_after(page, key: str, action: str) -> None:
    """Press ``key`` on a form that posts with htmx (``action``: "presence/", "note/",
    "resolve/"): the page stays, the part it changed is swapped in. Waits for the answer and
    the swap to settle."""
    with page.expect_response(
        lambda answer: answer.request.method == "POST" and action in answer.url
    ) as answer:
        page.keyboard.press(key)
    assert answer.value.status == 200 and answer.value.request.headers.get("hx-request") == "true"
    from playwright.sync_api import expect

    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def _ready(page) -> None:
    """Wait until the workspace's script runs (it shows the "Keyboard shortcuts" button): a
    key pressed while the page still loads would reach no listener."""
    from playwright.sync_api import expect

    expect(page.get_by_role("button", name="Keyboard shortcuts")).to_be_visible()


def _sign_in_by_keyboard(page, username: str) -> None:
    page.goto("/desk/login/")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    _load_after(page, "Enter")
    _ready(page)


def _place_call(server) -> dict:
    """A call to the main line through the phone line's webhooks, as the provider would place
    it (``contactcenter call --url``): English, then "anything else", lets the survey offer
    pass in silence, and it waits in line."""
    placed = subprocess.run(
        [sys.executable, "-m", "contactcenter.cli", "call", "main", "--url", server.urls[0],
         "--input", "1", "4", "", "--json"],
        env=server.env, cwd=PROJECT_DIR, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    summary = json.loads(placed.stdout)
    assert (summary["outcome"], summary["queue"]) == ("queued", "t1-general-en"), summary
    return summary


def test_a_whole_shift(browser, server):
    from playwright.sync_api import expect

    base_url = server.urls[0]
    data = server.data
    records = Records(server.database)
    contexts = [browser.new_context(base_url=base_url) for _ in range(5)]
    agent_context, person_context, other_context, officer_context, clerk_context = contexts
    for tier1 in (agent_context, other_context):
        tier1.add_init_script(COUNT_POINTER_PRESSES)
    try:
        # --- 1. The Tier 1 agent signs in and goes available, by keyboard -------------------
        agent = agent_context.new_page()
        _sign_in_by_keyboard(agent, data["agent"])
        expect(agent.get_by_test_id("calls-simulated")).to_be_visible()
        available = agent.get_by_role("button", name="Available")
        tab_to(agent, available)
        _answered_after(agent, "Enter", "presence/")
        expect(agent.get_by_test_id("presence")).to_have_text("Available")
        expect(agent.locator("body")).to_have_attribute("data-desk-live", "on")
        assert records.presence(data["agent"]) == "available"

        # --- 2. A member of the public asks for a person in the widget; Alt+A accepts -------
        person = person_context.new_page()
        person.goto("/")
        person.get_by_role("button", name="Chat with us").click()
        dialog = person.get_by_role("dialog", name="Ask a question")
        message_box = dialog.get_by_label("Your message")
        message_box.fill("My work permit never arrived in the mail.")
        message_box.press("Enter")
        log = dialog.locator("[data-chat-log]")
        expect(log.locator(".cc-chat__message--assistant")).to_have_count(1)
        dialog.get_by_role("button", name="No", exact=True).click()
        dialog.get_by_role("button", name="Talk to a person").click()

        offer = agent.get_by_test_id("offer")
        expect(offer).to_contain_text("Live chat: inquiry")
        # "?" lists what the keys do here, the offer's Alt+A among them; Escape closes it.
        agent.keyboard.press("?")
        shortcuts = agent.get_by_test_id("shortcuts")
        expect(shortcuts).to_be_visible()
        expect(shortcuts.locator('[data-shortcut-row="alt+a"]')).to_contain_text("Accept the offer")
        agent.keyboard.press("Escape")
        expect(shortcuts).to_be_hidden()
        _load_after(agent, "Alt+a")
        expect(agent).to_have_url(re.compile(r"/desk/inquiries/\d{10}/$"))
        chat_reference = _reference_on(agent)
        _ready(agent)
        expect(agent.get_by_test_id("channel")).to_have_text("Live chat")
        expect(agent.get_by_test_id("inquiry-state")).to_have_text("Being handled")
        expect(log).to_contain_text("Rosa joined the chat.")
        expect(agent.locator("[data-desk-chat-state]")).to_have_text("Connected.")
        (chat_item,) = records.items(chat_reference)
        assert (chat_item["kind"], chat_item["state"], chat_item["assignee"]) == (
            "chat", "assigned", data["agent"],
        )  # fmt: skip
        assert records.presence(data["agent"]) == "busy"

        # --- 3. The person types the answers; the agent verifies from them ----------------
        message_box.fill(
            "My receipt is EAC 22 123 45678, I was born March 3, 1985 and my ZIP is 20500"
        )
        message_box.press("Enter")
        agent_log = agent.get_by_test_id("chat-log")
        said = agent_log.locator(".desk-chat__message--person").last
        expect(said).to_contain_text("My receipt is EAC 22 123 45678")
        use = said.get_by_role("group", name="Use for identity check")
        agent.keyboard.press("Alt+r")
        expect(agent.locator("#desk-chat-input")).to_be_focused()
        for name, field, value in (
            ("Receipt number: EAC2212345678", "receipt_number", "EAC2212345678"),
            ("Date of birth: 1985-03-03", "date_of_birth", "1985-03-03"),
            ("ZIP code: 20500", "zip_code", "20500"),
        ):
            tab_to(agent, use.get_by_role("button", name=name), backwards=True)
            agent.keyboard.press("Enter")
            expect(agent.locator(f"#id_identity-{field}")).to_have_value(value)
        tab_to(agent, agent.get_by_label("Applicant", exact=True))
        agent.keyboard.press("Space")
        expect(agent.get_by_label("Applicant", exact=True)).to_be_checked()
        tab_to(agent, agent.get_by_role("button", name="Check identity"))
        _load_after(agent, "Enter")
        expect(agent.get_by_test_id("identity-status")).to_have_text("Verified: Applicant")
        expect(agent.get_by_test_id("applicant")).to_have_text("Marta Solis")
        inquiry = records.inquiry(chat_reference)
        assert inquiry["verified_as"] == "applicant"
        assert records.row("SELECT receipt_number FROM cases_case WHERE id = ?",
                           inquiry["case_id"])["receipt_number"] == RECEIPT_NUMBER  # fmt: skip

        # --- 4. A canned reply (Alt+C) and a knowledge-base link (Alt+K), sent --------------
        box = agent.locator("#desk-chat-input")
        agent.keyboard.press("Alt+c")
        expect(agent.get_by_role("button", name="Insert: Card in the mail")).to_be_focused()
        agent.keyboard.press("Enter")
        expect(box).to_have_value(
            f"Thank you for waiting. Your reference number is {chat_reference}."
        )
        expect(box).to_be_focused()
        agent.keyboard.press("Alt+k")
        expect(agent.get_by_label("Search the knowledge base")).to_be_focused()
        agent.keyboard.type("change of address")
        agent.keyboard.press("Enter")
        first = agent.get_by_test_id("knowledge-result").first
        expect(first).to_contain_text("address")
        tab_to(agent, first.get_by_role("button", name="Insert link"))
        agent.keyboard.press("Enter")
        sent = re.compile(
            rf"^Thank you for waiting\. Your reference number is {chat_reference}\. "
            r".+: https?://\S+$"
        )
        expect(box).to_have_value(sent)
        text = box.input_value()
        agent.keyboard.press("Alt+r")
        expect(box).to_be_focused()
        agent.keyboard.press("Enter")
        expect(box).to_have_value("")
        expect(log).to_contain_text(f"Agent Rosa: {text}")
        assert records.row(
            "SELECT count(*) AS n FROM chat_message m JOIN chat_conversation c"
            " ON c.id = m.conversation_id JOIN inquiries_inquiry i ON i.id = c.inquiry_id"
            " WHERE i.reference_number = ? AND m.sender = 'agent' AND m.body = ?",
            chat_reference, text,
        )["n"] == 1  # fmt: skip

        # --- 5. A service request from the inquiry (kind first), then Alt+W to wrap up ------
        tab_to(agent, agent.get_by_test_id("create-service-request"))
        _load_after(agent, "Enter")
        kinds = agent.get_by_role("group", name="What does the person need?")
        expect(kinds).to_be_visible()
        tab_to(agent, kinds.get_by_role("radio").first)
        wanted = kinds.get_by_role("radio", name="Notice, card or document not received")
        for _ in range(20):
            if wanted.is_checked():
                break
            agent.keyboard.press("ArrowDown")
        expect(wanted).to_be_checked()
        tab_to(agent, agent.get_by_role("button", name="Continue"))
        _load_after(agent, "Enter")
        expect(agent).to_have_url(re.compile(r"\?kind=not-received$"))
        tab_to(agent, agent.get_by_label("Which document"))
        choose_by_keyboard(agent, agent.get_by_label("Which document"), "Work permit")
        mailed = agent.get_by_role("group", name="Date it was mailed")
        tab_to(agent, mailed.get_by_label("Month"))
        agent.keyboard.type("2")
        tab_to(agent, mailed.get_by_label("Day"))
        agent.keyboard.type("27")
        tab_to(agent, mailed.get_by_label("Year"))
        agent.keyboard.type("2025")
        tab_to(agent, agent.get_by_label("What happened"))
        agent.keyboard.type("The work permit never arrived in the mail.")
        tab_to(agent, agent.get_by_role("button", name="Create the request"))
        _load_after(agent, "Enter")
        created = agent.get_by_test_id("service-request-created")
        expect(created).to_be_visible()
        request = records.row(
            "SELECT r.*, o.name_en AS office_name FROM servicerequests_servicerequest r"
            " JOIN inquiries_inquiry i ON i.id = r.inquiry_id"
            " JOIN offices_office o ON o.id = r.office_id WHERE i.reference_number = ?",
            chat_reference,
        )
        expect(created).to_contain_text(
            f"You created service request {request['number']} for inquiry {chat_reference}."
        )
        assert json.loads(request["details"]) == {
            "document": "work_permit",
            "mailed_on": "2025-02-27",
            "description": "The work permit never arrived in the mail.",
        }
        assert (request["state"], request["office_name"]) == ("routed", data["office"])

        tab_to(agent, agent.get_by_role("link", name="Back to the inquiry"))
        _load_after(agent, "Enter")
        expect(agent).to_have_url(re.compile(rf"/desk/inquiries/{chat_reference}/$"))
        _ready(agent)
        agent.keyboard.press("Alt+w")
        disposition = agent.get_by_label("Disposition")
        expect(disposition).to_be_focused()
        choose_by_keyboard(agent, disposition, "Service request created")
        tab_to(agent, agent.get_by_role("button", name="Resolve and close"))
        _answered_after(agent, "Enter", "resolve/")
        expect(agent.get_by_test_id("inquiry-state")).to_have_text("Closed")
        expect(log).to_contain_text("The agent ended the chat.")
        inquiry = records.inquiry(chat_reference)
        assert (inquiry["state"], inquiry["disposition"]) == ("closed", "service_request_created")
        assert [item["state"] for item in records.items(chat_reference)] == ["done"]
        assert records.presence(data["agent"]) == "wrap_up"

        # --- 6. A phone call queued through the phone line (simulated); Alt+A again --------
        tab_to(agent, agent.get_by_role("button", name="Available"))
        _answered_after(agent, "Enter", "presence/")
        expect(agent.get_by_test_id("presence")).to_have_text("Available")
        expect(agent.get_by_test_id("no-offer")).to_be_visible()
        # Waiting with the focus on "Get next": the offer redraws "My work" live, and the
        # keyboard's place moves to the offer's Accept, not back to the top of the page.
        tab_to(agent, agent.get_by_role("button", name="Get next"))
        call_reference = _place_call(server)["inquiry_reference"]
        offer = agent.get_by_test_id("offer")
        expect(offer).to_contain_text(f"Live call: inquiry {call_reference}")
        expect(offer.get_by_role("button", name="Accept")).to_be_focused()
        _load_after(agent, "Alt+a")
        expect(agent).to_have_url(re.compile(rf"/desk/inquiries/{call_reference}/$"))
        _ready(agent)
        expect(agent.get_by_test_id("channel")).to_have_text("Phone")
        expect(agent.get_by_test_id("inquiry-state")).to_have_text("Being handled")
        expect(agent.get_by_test_id("ivr-path")).to_contain_text("caller: “4”")
        (call_item,) = records.items(call_reference)
        assert (call_item["kind"], call_item["state"], call_item["assignee"]) == (
            "call", "assigned", data["agent"],
        )  # fmt: skip

        # Alt+N: a note for whoever takes the call next.
        agent.keyboard.press("Alt+n")
        expect(agent.get_by_label("Note", exact=True)).to_be_focused()
        agent.keyboard.type("Caller is on a mobile phone; speak slowly.")
        tab_to(agent, agent.get_by_role("button", name="Add note"))
        _answered_after(agent, "Enter", "note/")
        expect(agent.get_by_test_id("history")).to_contain_text(
            "Caller is on a mobile phone; speak slowly."
        )
        assert records.row(
            "SELECT count(*) AS n FROM inquiries_inquiryevent e JOIN inquiries_inquiry i"
            " ON i.id = e.inquiry_id WHERE i.reference_number = ? AND e.kind = 'note'"
            " AND e.body = ?",
            call_reference, "Caller is on a mobile phone; speak slowly.",
        )["n"] == 1  # fmt: skip

        # --- 7. A warm transfer (Alt+T) to a named colleague, who accepts with Alt+A -------
        other = other_context.new_page()
        _sign_in_by_keyboard(other, data["other"])
        tab_to(other, other.get_by_role("button", name="Available"))
        _answered_after(other, "Enter", "presence/")
        expect(other.get_by_test_id("presence")).to_have_text("Available")
        expect(other.locator("body")).to_have_attribute("data-desk-live", "on")

        # Omar came to the desk after Rosa's page was drawn: opening the tool lists him.
        agent.keyboard.press("Alt+t")
        target = agent.get_by_label("Transfer to")
        expect(target).to_be_focused()
        expect(target.locator("option", has_text="Omar")).to_have_count(1)
        choose_by_keyboard(agent, target, "Omar")
        expect(agent.get_by_label("Warm transfer")).to_be_checked()
        tab_to(agent, agent.get_by_label("Note for the colleague who takes it"))
        agent.keyboard.type("Caller asks about a card; identity not checked yet.")
        tab_to(agent, agent.get_by_test_id("transfer-submit"))
        _load_after(agent, "Enter")
        expect(agent.get_by_test_id("transfer-pending")).to_contain_text("Warm transfer to Omar")

        offered = other.get_by_test_id("offer")
        expect(offered).to_contain_text(f"Live call: inquiry {call_reference}")
        expect(offered.get_by_test_id("offer-transfer")).to_contain_text("Warm transfer: from Rosa")
        expect(offered.get_by_test_id("offer-transfer-note")).to_have_text(
            "Caller asks about a card; identity not checked yet."
        )
        _load_after(other, "Alt+a")
        expect(other).to_have_url(re.compile(rf"/desk/inquiries/{call_reference}/$"))
        _ready(other)
        expect(other.get_by_test_id("inquiry-state")).to_have_text("Being handled")
        first_leg, second_leg = records.items(call_reference)
        assert first_leg["state"] != "assigned"
        assert (second_leg["state"], second_leg["assignee"]) == ("assigned", data["other"])
        assert (second_leg["transfer_mode"], second_leg["transfer_note"]) == (
            "warm", "Caller asks about a card; identity not checked yet.",
        )  # fmt: skip

        # The second agent sends it to Tier 2 for a callback, by keyboard too.
        tab_to(other, other.get_by_text("Escalate to Tier 2", exact=True))
        other.keyboard.press("Enter")
        tab_to(other, other.get_by_label("Reason for the escalation"))
        other.keyboard.type("Card not received after 60 days")
        tab_to(other, other.get_by_label("Urgency"))
        choose_by_keyboard(other, other.get_by_label("Urgency"), "Urgent")
        tab_to(other, other.get_by_role("button", name="Escalate", exact=True))
        _load_after(other, "Enter")
        expect(other.get_by_test_id("inquiry-state")).to_have_text("Escalated to Tier 2")
        inquiry = records.inquiry(call_reference)
        assert (inquiry["state"], inquiry["tier"], inquiry["urgency"]) == (
            "escalated", 2, "urgent",
        )  # fmt: skip
        callback = records.items(call_reference)[-1]
        assert (callback["kind"], callback["state"]) == ("callback", "queued")

        # Neither Tier 1 agent pressed a mouse button at any point.
        assert _pointer_presses(agent) == _pointer_presses(other) == 0

        # --- 6, cont. A Tier 2 officer works the callback from the callbacks page ----------
        officer = officer_context.new_page()
        sign_in(officer, data["officer"])
        expect(officer.get_by_role("heading", name="Callbacks", exact=True)).to_be_visible()
        officer.get_by_role("button", name="Take next callback").click()
        expect(officer.get_by_test_id("callback-reference")).to_have_text(call_reference)
        work = officer.get_by_test_id("callback")
        work.get_by_label("How the call went").select_option("answered")
        work.get_by_role("button", name="Log attempt").click()
        expect(officer.get_by_test_id("attempts")).to_contain_text("Answered")
        work = officer.get_by_test_id("callback")
        work.get_by_label("Disposition").select_option("resolved_first_contact")
        work.get_by_role("button", name="Resolve").click()
        expect(officer.get_by_text(f"Inquiry {call_reference} resolved.")).to_be_visible()
        inquiry = records.inquiry(call_reference)
        assert (inquiry["state"], inquiry["disposition"]) == ("closed", "resolved_first_contact")
        assert [row["outcome"] for row in records.rows(
            "SELECT outcome FROM routing_callbackattempt WHERE item_id = ?", callback["id"]
        )] == ["answered"]  # fmt: skip

        # --- 8. The office's clerk works the service request from the office queue --------
        clerk = clerk_context.new_page()
        sign_in(clerk, data["clerk"])
        clerk.goto("/service-requests/office/")
        clerk.get_by_role("link", name=request["number"]).click()
        details = clerk.get_by_role("table")
        expect(details).to_contain_text("Which document")
        expect(details).to_contain_text("Work permit")
        expect(details).to_contain_text("Date it was mailed")
        expect(details).not_to_contain_text("mailed_on")
        expect(details).not_to_contain_text("work_permit")
        clerk.get_by_role("button", name="Open", exact=True).click()
        expect(clerk.get_by_text("Being worked on")).to_be_visible()
        assert records.row(
            "SELECT state FROM servicerequests_servicerequest WHERE number = ?", request["number"]
        )["state"] == "in_progress"  # fmt: skip
        clerk.get_by_label("Answer to the person").fill("A new card was ordered for you.")
        clerk.get_by_role("button", name="Send answer").click()
        expect(clerk.get_by_text("A new card was ordered for you.")).to_be_visible()
        assert records.row(
            "SELECT count(*) AS n FROM servicerequests_servicerequestevent e"
            " JOIN servicerequests_servicerequest r ON r.id = e.request_id"
            " WHERE r.number = ? AND e.kind = 'reply' AND e.body = ?",
            request["number"], "A new card was ordered for you.",
        )["n"] == 1  # fmt: skip
    finally:
        for context in contexts:
            context.close()
