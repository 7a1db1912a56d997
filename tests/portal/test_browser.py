"""The online account and the public pages in a real browser (Debian's chromium driven by
Playwright), with axe-core from npm checking every page visited: no serious or critical
violations. The main flows are driven as a person would: sign up, verify the email, link a
case with its access code, read its status, send a secure message, an agent replies from the
desk, the person reads the reply; evidence upload accepted and a disguised file refused; the
account help form by keyboard alone; an anonymous fraud tip.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from contactcenter.cases.statuses import CaseStatus
from contactcenter.inquiries.models import Inquiry
from contactcenter.portal.models import OutreachEvent, Thread, Upload
from contactcenter.portal.services import access_code_issue
from contactcenter.staff.models import Role
from tests.browser import needs_chromium
from tests.factories import StaffUserFactory, clear_disclosure_log_for_flush
from tests.portal.conftest import PASSWORD, PDF, totp_code, two_step_on

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
STAFF_PASSWORD = "correct horse battery staple"

pytestmark = [
    needs_chromium,
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (run npm ci)"),
]


@pytest.fixture
def server(transactional_db, settings):
    from pytest_django.live_server_helper import LiveServer

    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LIVE_HELP_ALWAYS_OPEN = True
    live = LiveServer("localhost")
    yield live
    live.stop()
    clear_disclosure_log_for_flush()


@pytest.fixture
def new_page(browser, server):
    contexts = []

    def make(language: str = "en-US"):
        context = browser.new_context(base_url=server.url, locale=language)
        # axe-core in every page the context opens, handed to the browser once: adding it
        # to each page checked cost a tenth of a second a check (some thirty checks).
        context.add_init_script(path=str(AXE))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def axe_check(page) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    page.wait_for_load_state("load")
    page.locator("main#main-content").wait_for()
    if not page.evaluate("typeof axe !== 'undefined'"):  # a page from elsewhere
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, f"{page.url}: {bad}"


def _link_in_last_email() -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body)
    assert found
    return found.group(1)


def test_sign_up_link_a_case_message_and_agent_reply(new_page, make_portal_case):
    from playwright.sync_api import expect

    case = make_portal_case(status=CaseStatus.RFE_SENT)
    _row, code = access_code_issue(case=case)
    page = new_page()
    main = page.locator("main")

    page.goto("/accounts/signup/")
    axe_check(page)
    page.locator("main input[name=email]").fill("ana.reyes@example.com")
    page.locator("main input[name=password1]").fill(PASSWORD)
    page.locator("main input[name=password2]").fill(PASSWORD)
    page.locator("main form.usa-form button[type=submit]").click()
    expect(page).to_have_url(re.compile("/accounts/confirm-email/"))
    axe_check(page)
    page.goto(_link_in_last_email())
    axe_check(page)
    page.locator("main form.usa-form button[type=submit]").click()
    expect(main.get_by_role("heading", name="My cases", level=1)).to_be_visible()
    axe_check(page)

    main.get_by_label("Receipt number").fill(case.receipt_number)
    main.get_by_label("Online Access Code").fill(code)
    main.get_by_role("button", name="Add this case").click()
    expect(main.get_by_role("heading", name=f"Case {case.receipt_number}")).to_be_visible()
    expect(page.locator("#status-heading")).to_have_text("Request for Evidence Was Sent")
    axe_check(page)

    main.get_by_role("link", name="Ask a question (secure message)").click()
    axe_check(page)
    main.get_by_label("Subject").fill("My evidence")
    main.get_by_label("Your message").fill("Which pages of my birth certificate do you need?")
    main.get_by_role("button", name="Send message").click()
    expect(main.get_by_text("Your message was sent.")).to_be_visible()
    axe_check(page)
    thread = Thread.objects.get()

    agent_page = new_page()
    desk = agent_page.locator("main")
    secret = two_step_on(StaffUserFactory(username="agent.smith", role=Role.TIER1))
    agent_page.goto("/desk/login/")
    desk.get_by_label("Username").fill("agent.smith")
    desk.get_by_label("Password").fill(STAFF_PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    agent_page.goto("/desk/messages/")
    # The desk's sign-in asks for a password only; these pages then ask for the code.
    expect(agent_page).to_have_url(re.compile("/accounts/2fa/reauthenticate/"))
    axe_check(agent_page)
    desk.locator("input[name=code]").fill(totp_code(secret))
    desk.locator("form.usa-form button[type=submit]").click()
    expect(desk.get_by_role("heading", name="Secure messages waiting")).to_be_visible()
    axe_check(agent_page)
    desk.get_by_role("link", name="My evidence").click()
    expect(desk.get_by_text("Which pages of my birth certificate")).to_be_visible()
    axe_check(agent_page)
    desk.get_by_label("Your message").fill("Every page, front and back.")
    desk.get_by_role("button", name="Send reply").click()
    expect(desk.get_by_text("Reply sent.")).to_be_visible()

    page.goto("/account/messages/")
    axe_check(page)
    main.get_by_role("link", name="My evidence").click()
    expect(main.get_by_text("Every page, front and back.")).to_be_visible()
    assert page.url.endswith(f"/account/messages/{thread.pk}/")

    page.goto(f"/account/cases/{case.pk}/")
    main.get_by_role("link", name="Respond to the request for evidence").click()
    axe_check(page)
    main.get_by_label("Files (PDF, JPEG or PNG, at most 10 MB each)").set_input_files(
        [{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00 program"}]
    )
    main.get_by_role("button", name="Send files").click()
    expect(main.get_by_text("is not a PDF, JPEG or PNG file")).to_be_visible()
    axe_check(page)
    assert not Upload.objects.exists()
    main.get_by_label("Files (PDF, JPEG or PNG, at most 10 MB each)").set_input_files(
        [{"name": "birth.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    main.get_by_role("button", name="Send files").click()
    expect(main.get_by_text("We received your files.")).to_be_visible()
    assert Upload.objects.count() == 1

    # Two-step verification, offered to everyone: the password again, then a code.
    main.get_by_role("link", name="Two-step verification").click()
    main.get_by_role("link", name="Activate").click()
    expect(page).to_have_url(re.compile("/accounts/reauthenticate/"))
    axe_check(page)
    main.locator("input[name=password]").fill(PASSWORD)
    main.locator("form.usa-form button[type=submit]").click()
    expect(page).to_have_url(re.compile("/accounts/2fa/totp/activate/"))
    axe_check(page)
    secret = main.locator("#authenticator_secret").input_value()
    main.locator("input[name=code]").fill(totp_code(secret))
    main.locator("form.usa-form button[type=submit]").click()
    expect(page).to_have_url(re.compile("/accounts/2fa/"))
    axe_check(page)


def test_account_help_by_keyboard_and_an_anonymous_fraud_tip(new_page, portal_data):
    from playwright.sync_api import expect

    page = new_page()
    main = page.locator("main")
    page.goto("/account-help/")
    axe_check(page)
    # Keyboard only: focus moves from the page's start through the form to its button.
    main.get_by_label("What is the problem?").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("I typed the wrong code too many times.")
    page.keyboard.press("Tab")
    page.keyboard.type("ana@example.com")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(main.get_by_role("heading", name="Thank you")).to_be_visible()
    axe_check(page)
    inquiry = Inquiry.objects.get()
    expect(page.locator(".cc-reference")).to_have_text(inquiry.reference_number)
    assert inquiry.topic == "account help: locked"

    page.goto("/feedback/")
    axe_check(page)
    main.get_by_label("What kind of feedback is this?").select_option("fraud")
    main.get_by_label("Tell us what happened").fill("A notario sells fake approval letters.")
    page.locator("main label[for=id_anonymous]").click()
    main.get_by_role("button", name="Send").click()
    expect(main.get_by_role("heading", name="Thank you")).to_be_visible()
    fraud = Inquiry.objects.get(topic="feedback: fraud")
    expect(page.locator(".cc-reference")).to_have_text(fraud.reference_number)
    assert fraud.contact_email == ""


def test_public_and_account_pages_pass_axe_in_both_languages(new_page, portal_data):
    start = timezone.now() + dt.timedelta(days=3)
    event = OutreachEvent.objects.create(
        title_en="Citizenship day", title_es="Día de la ciudadanía", location="Online",
        starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=30,
    )  # fmt: skip
    for language in ("en-US", "es-ES"):
        page = new_page(language)
        for url in ("/contact/", "/events/", f"/events/{event.pk}/", "/accounts/login/",
                    "/accounts/password/reset/", "/feedback/", "/account-help/"):  # fmt: skip
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            assert page.locator("html").get_attribute("lang") == language[:2]
            axe_check(page)


def test_signed_in_header_keeps_its_menu_on_one_line(new_page, applicant):
    """Signed in, in Spanish (the longer labels), the menu stays on one line at 1280 pixels and
    up, and no width scrolls sideways."""
    user, _case = applicant
    page = new_page("es-ES")
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile("/account/"))
    for width in (1600, 1280, 768, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/account/")
        tops = page.evaluate(
            "() => [...document.querySelectorAll('.cc-nav .cc-nav__list > li')]"
            ".map(li => Math.round(li.getBoundingClientRect().top))"
        )
        if width >= 1280:
            assert len(set(tops)) == 1, (width, tops)
            # The menu sits beside the agency's name, not on a line of its own below it.
            logo, menu = page.evaluate(
                "() => [document.querySelector('.cc-logo'), document.querySelector('.cc-nav')]"
                ".map(e => e.getBoundingClientRect().toJSON())"
            )
            assert menu["top"] < logo["bottom"], (width, logo, menu)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, (width, overflow)
        assert page.get_by_role("button", name="Cerrar sesión").is_visible()
