"""A service request in a real browser (Debian's chromium driven by Playwright): a Tier 1
agent holding a verified phone call goes from the inquiry page to the form, chooses the kind,
fills in only that kind's fields (a wrong date is refused and nothing typed is lost), reads
the confirmation addressed to them; then the office reads the details in words and transfers
the request with the office picker."""

from __future__ import annotations

import re

import pytest

from contactcenter.inquiries.models import Channel
from contactcenter.offices.models import Office
from contactcenter.servicerequests.models import ServiceRequest
from contactcenter.staff.models import Role
from tests.browser import live_server, needs_chromium, sign_in, web_settings
from tests.factories import StaffUserFactory

from .test_views import _in_the_work_of

pytestmark = needs_chromium


@pytest.fixture(autouse=True)
def _web_settings(settings):
    web_settings(settings)


@pytest.fixture
def live(transactional_db, _web_settings):
    with live_server() as server:
        yield server


@pytest.fixture
def signed_in(browser, live):
    contexts = []

    def make(username: str):
        context = browser.new_context(base_url=live.url)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, username)
        return page

    yield make
    for context in contexts:
        context.close()


def test_tier1_creates_a_request_from_a_verified_phone_call_and_the_office_transfers_it(
    live, signed_in, tier1, make_case, make_inquiry, always_open
):
    from playwright.sync_api import expect

    inquiry = make_inquiry(make_case(), channel=Channel.PHONE)
    _in_the_work_of(tier1, inquiry)
    page = signed_in(tier1.username)
    page.goto(f"/desk/inquiries/{inquiry.reference_number}/")
    page.get_by_role("link", name="Create a service request").click()

    # The kind first: tiles with a title and a one-line description; no detail fields yet.
    expect(page.get_by_role("group", name="What does the person need?")).to_be_visible()
    expect(page.get_by_label("Which document")).to_have_count(0)
    page.get_by_text("Notice, card or document not received").click()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"\?kind=not-received$"))

    # Only this kind's fields, with readable labels; a date as month, day and year.
    expect(page.get_by_label("Street address")).to_have_count(0)
    page.get_by_label("Which document").select_option(label="Work permit")
    date = page.get_by_role("group", name="Date it was mailed")
    date.get_by_label("Month").fill("2")
    date.get_by_label("Day").fill("30")
    date.get_by_label("Year").fill("2025")
    page.get_by_label("What happened").fill("The card never arrived at the new address.")
    page.get_by_role("button", name="Create the request").click()

    # A date that does not exist: said under the field, and nothing typed is lost.
    expect(page.get_by_text("That is not a real date")).to_be_visible()
    expect(page.get_by_label("Which document")).to_have_value("work_permit")
    expect(page.get_by_label("What happened")).to_have_value(
        "The card never arrived at the new address."
    )
    expect(date.get_by_label("Day")).to_have_value("30")
    assert not ServiceRequest.objects.exists()

    date.get_by_label("Day").fill("27")
    page.get_by_role("button", name="Create the request").click()
    created = page.get_by_test_id("service-request-created")
    expect(created).to_be_visible()
    request = ServiceRequest.objects.get()
    expect(created).to_contain_text(
        f"You created service request {request.number} for inquiry {inquiry.reference_number}."
    )
    expect(created).to_contain_text("Tell the person (in English):")
    expect(created).to_contain_text(f"Your service request number is {request.number}.")
    assert request.details == {
        "document": "work_permit",
        "mailed_on": "2025-02-27",
        "description": "The card never arrived at the new address.",
    }
    assert request.inquiry.channel == Channel.PHONE

    # The office reads it in words and sends it on with the picker.
    clerk = StaffUserFactory(role=Role.OFFICE_STAFF, office=request.office)
    office_page = signed_in(clerk.username)
    office_page.goto(f"/service-requests/office/{request.number}/")
    details = office_page.get_by_role("table")
    expect(details).to_contain_text("Which document")
    expect(details).to_contain_text("Work permit")
    expect(details).to_contain_text("Date it was mailed")
    expect(details).not_to_contain_text("mailed_on")
    nsc = Office.objects.get(code="NSC")
    office_page.get_by_label("Send it to").select_option(label=nsc.name_en)
    office_page.get_by_label("Reason for the transfer").fill("The case is held there.")
    office_page.get_by_role("button", name="Transfer").click()
    expect(office_page.get_by_text(f"The request was sent to {nsc.name_en}.")).to_be_visible()
    request.refresh_from_db()
    assert request.office == nsc
