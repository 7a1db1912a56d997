"""The desk in a real browser (Debian's chromium driven by Playwright).

Two flows run against pytest-django's live server (WSGI): a Tier 1 agent from sign-in to
escalation, and a Tier 2 officer from taking a callback to resolving it. Live updates need
WebSockets, so that test starts uvicorn on a SQLite file of its own (tests/chat/servers.py).
"""

from __future__ import annotations

import pytest

from contactcenter.inquiries.models import Inquiry, InquiryState
from contactcenter.inquiries.services import inquiry_escalate, inquiry_open
from contactcenter.routing.models import CallbackAttempt, WorkItem, WorkKind, WorkState
from contactcenter.staff.models import Role
from tests.browser import needs_chromium
from tests.chat.servers import start

pytestmark = needs_chromium


def test_tier1_accepts_a_call_verifies_sees_the_case_and_escalates(
    desk_live_server, page_for, staff, case, queued_call, always_open
):
    from playwright.sync_api import expect

    user = staff(Role.TIER1)
    item = queued_call()
    page = page_for(desk_live_server.url, user.username)
    expect(page.get_by_role("heading", name="Calls and chats")).to_be_visible()

    page.get_by_role("button", name="Available").click()
    offer = page.get_by_test_id("offer")
    expect(offer).to_contain_text(item.inquiry.reference_number)
    offer.get_by_role("button", name="Accept").click()
    expect(page.get_by_test_id("inquiry-state")).to_have_text("Being handled")
    expect(page.get_by_test_id("case")).to_have_count(0)

    page.get_by_label("Receipt number").fill("LIN2412345678")
    page.get_by_label("Applicant", exact=True).check()
    page.get_by_label("Applicant's date of birth").fill("1985-03-14")
    page.get_by_label("ZIP code on file (applicant)").fill("68508")
    page.get_by_label("Last four digits of the A-Number (applicant)").fill("5678")
    page.get_by_role("button", name="Check identity").click()
    expect(page.get_by_text("Identity verified: the caller is the applicant.")).to_be_visible()
    expect(page.get_by_test_id("applicant")).to_have_text("Ana Reyes")

    page.get_by_text("Escalate to Tier 2", exact=True).click()  # the tool opens
    page.get_by_label("Reason for the escalation").fill("Card not received after 60 days")
    page.get_by_label("Urgency").select_option("urgent")
    page.get_by_role("button", name="Escalate", exact=True).click()
    expect(page.get_by_test_id("inquiry-state")).to_have_text("Escalated to Tier 2")

    inquiry = Inquiry.objects.get(pk=item.inquiry_id)
    assert inquiry.state == InquiryState.ESCALATED and inquiry.urgency == "urgent"
    assert WorkItem.objects.get(inquiry=inquiry, kind=WorkKind.CALLBACK).state == WorkState.QUEUED


def test_tier2_takes_a_callback_logs_attempts_and_resolves(
    desk_live_server, page_for, staff, queues, always_open
):
    from playwright.sync_api import expect

    inquiry = inquiry_open(channel="phone", language="en", contact_phone="+14025550142")
    inquiry_escalate(inquiry=inquiry, actor=None, reason="Notice not received", urgency="regular")
    user = staff(Role.TIER2)
    page = page_for(desk_live_server.url, user.username)
    expect(page.get_by_role("heading", name="Callbacks", exact=True)).to_be_visible()
    expect(page.get_by_test_id("no-callbacks")).to_be_visible()

    page.get_by_role("button", name="Take next callback").click()
    expect(page.get_by_test_id("callback-reference")).to_have_text(inquiry.reference_number)

    callback = page.get_by_test_id("callback")
    callback.get_by_label("How the call went").select_option("no_answer")
    callback.get_by_role("button", name="Log attempt").click()
    expect(page.get_by_test_id("attempts")).to_contain_text("No answer")
    page.get_by_test_id("callback").get_by_label("How the call went").select_option("answered")
    page.get_by_test_id("callback").get_by_role("button", name="Log attempt").click()
    expect(page.get_by_test_id("attempts")).to_contain_text("Answered")

    page.get_by_test_id("callback").get_by_label("Disposition").select_option(
        "service_request_created"
    )
    page.get_by_test_id("callback").get_by_role("button", name="Resolve").click()
    expect(page.get_by_text(f"Inquiry {inquiry.reference_number} resolved.")).to_be_visible()
    expect(page.get_by_test_id("no-callbacks")).to_be_visible()

    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.CLOSED
    assert list(CallbackAttempt.objects.values_list("outcome", flat=True)) == [
        "no_answer",
        "answered",
    ]


# --- live updates over a real ASGI server ---------------------------------------------------


@pytest.fixture
def asgi_server(tmp_path, migrated_sqlite):
    """uvicorn serving the project on its own SQLite file (a copy of the run's migrated file,
    tests/conftest.py), filled by tests/desk/live_data.py."""
    servers = start(tmp_path, count=1, migrated=migrated_sqlite, fill="tests.desk.live_data")
    yield servers.urls[0], servers.data
    servers.stop()


def test_live_updates_reach_the_supervisor_and_the_next_agent(asgi_server, page_for):
    from playwright.sync_api import expect

    base_url, data = asgi_server
    supervisor = page_for(base_url, data["supervisor"])
    supervisor.goto("/desk/supervisor/")
    expect(supervisor.locator("body")).to_have_attribute("data-desk-live", "on")
    depth = supervisor.locator('tr[data-queue="t1-general-en"] [data-testid="depth"]')
    expect(depth).to_have_text("1")

    # Agent A is offered the call: the supervisor's count drops without a reload.
    agent_a = page_for(base_url, data["agent_a"])
    agent_a.get_by_role("button", name="Available").click()
    expect(agent_a.get_by_test_id("offer")).to_contain_text(data["reference"])
    expect(depth).to_have_text("0")

    # Agent B is available with nothing to do; when A declines, B's page takes the offer live.
    agent_b = page_for(base_url, data["agent_b"])
    agent_b.get_by_role("button", name="Available").click()
    expect(agent_b.get_by_test_id("no-offer")).to_be_visible()
    expect(agent_b.locator("body")).to_have_attribute("data-desk-live", "on")
    agent_a.get_by_test_id("offer").get_by_role("button", name="Decline").click()
    expect(agent_b.get_by_test_id("offer")).to_contain_text(data["reference"])
    open_items = supervisor.get_by_test_id("open-items")
    expect(open_items).to_contain_text(data["agent_b"])
    expect(open_items).to_contain_text("Offered")
