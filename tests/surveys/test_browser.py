"""The survey pages in a real browser (Debian's chromium driven by Playwright), with axe-core
checking each: the public page a link opens, answered by keyboard alone at a narrow and a wide
width; the chat widget's question when a chat with an agent ends (a real uvicorn server, an
agent accepting on the desk); the supervisors' results page. ``SURVEY_SCREENSHOTS=<dir>``
saves a picture of each page there."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest
from django.utils import timezone

from contactcenter.inquiries.services import inquiry_open
from contactcenter.routing.models import Queue
from contactcenter.staff.models import Role
from contactcenter.surveys.links import token_for
from contactcenter.surveys.models import Survey
from contactcenter.surveys.services import survey_invite_by_link
from tests.browser import live_server, needs_chromium, sign_in, tab_to, web_settings
from tests.chat.servers import start
from tests.factories import StaffUserFactory

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 768}

pytestmark = [
    needs_chromium,
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (run npm ci)"),
]


def axe_check(page) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    page.wait_for_load_state("load")
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, f"{page.url}: {bad}"


def new_context(browser, **options):
    """A browser context with axe-core in every page it opens (the pages' CSP refuses a
    script added to the page afterwards)."""
    context = browser.new_context(**options)
    context.add_init_script(path=str(AXE))
    return context


def picture(page, name: str) -> None:
    folder = os.environ.get("SURVEY_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def web(transactional_db, settings):
    web_settings(settings)
    settings.LIVE_HELP_ALWAYS_OPEN = True
    with live_server() as server:
        yield server


def _link(language: str = "en") -> tuple[str, Survey]:
    survey = survey_invite_by_link(
        channel="callback", language=language, recipient_channel="email",
        recipient="person@example.com",
        inquiry=inquiry_open(channel="phone", language=language, contact_email="p@example.com"),
    )  # fmt: skip
    assert survey is not None
    return f"/survey/{token_for(survey_id=survey.pk, salt=survey.token_salt)}/", survey


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["narrow", "wide"])
def test_the_public_page_answered_by_keyboard(browser, web, size):
    from playwright.sync_api import expect

    path, survey = _link()
    context = new_context(browser, base_url=web.url, viewport=size)
    try:
        page = context.new_page()
        page.goto(path)
        expect(page.get_by_role("heading", name="How did we do?")).to_be_visible()
        axe_check(page)
        picture(page, f"survey-page-{size['width']}")
        # Sent with nothing chosen: the browser's own check stops it; nothing is saved.
        first = page.get_by_role("radio", name="1 — Very dissatisfied")
        tab_to(page, first)
        page.keyboard.press("Space")
        for _ in range(3):
            page.keyboard.press("ArrowDown")  # 2, 3, 4
        expect(page.get_by_role("radio", name="4", exact=True)).to_be_checked()
        page.keyboard.press("Tab")
        page.keyboard.type("Clear and quick.")
        tab_to(page, page.get_by_role("button", name="Send my answer"))
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("survey-thanks")).to_be_visible()
        axe_check(page)
        survey.refresh_from_db()
        assert (survey.score, survey.comment) == (4, "Clear and quick.")
        page.goto(path)
        expect(page.get_by_test_id("survey-error")).to_contain_text("already been answered")
        axe_check(page)
    finally:
        context.close()


def test_the_public_page_in_spanish(browser, web):
    from playwright.sync_api import expect

    path, _survey = _link(language="es")
    context = new_context(browser, base_url=web.url, viewport=WIDE, locale="es-US")
    try:
        page = context.new_page()
        page.goto(path)
        expect(page.get_by_role("heading", name="¿Cómo lo hicimos?")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "es")
        axe_check(page)
        picture(page, "survey-page-1366-es")
    finally:
        context.close()


def test_the_results_page(browser, web, queues):
    from playwright.sync_api import expect

    supervisor = StaffUserFactory(role=Role.SUPERVISOR)
    ann = StaffUserFactory(role=Role.TIER1, first_name="Ann", last_name="Lee")
    queue = Queue.objects.get(code="t1-general-en")
    now = timezone.now()
    for index, (channel, score) in enumerate(
        [("phone", 5), ("phone", 4), ("chat", 2), ("callback", 5), ("chat", None),
         ("service_request", 3), ("secure_message", 4), ("phone", 1)]
    ):  # fmt: skip
        at = now - dt.timedelta(days=index % 3, hours=1)
        Survey.objects.create(
            inquiry=inquiry_open(channel="phone"), channel=channel, invited_by="email",
            language="es" if index % 2 else "en", queue=queue, agent=ann, invited_at=at,
            expires_at=at + dt.timedelta(days=28), score=score,
            answered_at=at if score else None,
            comment="The officer explained everything." if score == 5 else "",
        )  # fmt: skip
    context = new_context(browser, base_url=web.url, viewport=WIDE)
    try:
        page = context.new_page()
        sign_in(page, supervisor.username)
        # Phone 3 asked (5, 4, 1), chat 2 (2, -), and one each of the others (5, 3, 4):
        # 8 asked, 7 answered (87.5 %), mean 24/7 = 3.43, CSAT 4/7 = 57.1 %.
        for language, suffix in (("en", ""), ("es", "-es")):
            context.add_cookies([{"name": "django_language", "value": language,
                                  "url": web.url}])  # fmt: skip
            page.goto("/desk/surveys/?by=channel")
            expect(page.locator("html")).to_have_attribute("lang", language)
            total = page.get_by_test_id("survey-results-total")
            for figure in ("8", "7", "87.5", "3.43", "57.1"):  # Spanish writes 87,5
                expect(total).to_contain_text(figure.replace(".", "," if language == "es" else "."))
            expect(page.get_by_test_id("survey-comments")).to_contain_text(
                "The officer explained everything."
            )
            axe_check(page)
            picture(page, f"surveys-1366{suffix}")
    finally:
        context.close()


@pytest.fixture
def chat_server(tmp_path, migrated_sqlite):
    servers = start(tmp_path, count=1, migrated=migrated_sqlite)
    yield servers
    servers.stop()


def test_the_chat_asks_when_a_chat_with_an_agent_ends(browser, chat_server):
    from playwright.sync_api import expect

    base_url = chat_server.urls[0]
    person_context = new_context(browser, base_url=base_url, viewport=NARROW)
    agent_context = new_context(browser, base_url=base_url)
    try:
        person = person_context.new_page()
        person.goto("/")
        person.get_by_role("button", name="Chat with us").click()
        dialog = person.get_by_role("dialog", name="Ask a question")
        message_box = dialog.get_by_label("Your message")
        message_box.fill("How do I change my address?")
        message_box.press("Enter")
        expect(dialog.locator(".cc-chat__message--assistant")).to_have_count(1)
        dialog.get_by_role("button", name="No", exact=True).click()
        dialog.get_by_role("button", name="Talk to a person").click()
        agent = agent_context.new_page()
        sign_in(agent, chat_server.data["agent"])
        agent.get_by_role("button", name="Available").click()
        agent.get_by_test_id("offer").get_by_role("button", name="Accept").click()
        expect(dialog.locator("[data-chat-log]")).to_contain_text("joined the chat")

        dialog.get_by_role("button", name="End chat").click()
        survey = dialog.locator("[data-chat-survey]")
        expect(survey).to_be_visible()
        legend = dialog.get_by_text("How satisfied are you with this chat?")
        expect(legend).to_be_focused()
        axe_check(person)
        picture(person, "chat-survey-390")
        person.set_viewport_size(WIDE)
        axe_check(person)
        picture(person, "chat-survey-1366")

        # Sent with no score: a clear message, nothing sent.
        dialog.get_by_role("button", name="Send my answer").click()
        expect(dialog.locator("[data-chat-survey-error]")).to_have_text(
            "Choose a score from 1 to 5."
        )
        # By keyboard: the first score, then the arrow keys to 5, a comment, send.
        tab_to(person, dialog.get_by_role("radio", name="1", exact=True))
        person.keyboard.press("Space")
        for _ in range(4):
            person.keyboard.press("ArrowRight")
        expect(dialog.get_by_role("radio", name="5", exact=True)).to_be_checked()
        person.keyboard.press("Tab")
        person.keyboard.type("Rosa was great")
        tab_to(person, dialog.get_by_role("button", name="Send my answer"))
        person.keyboard.press("Enter")
        expect(dialog.locator("[data-chat-typing]")).to_have_text("Thank you for your answer.")
        expect(survey).to_be_hidden()
    finally:
        person_context.close()
        agent_context.close()
    with sqlite3.connect(chat_server.database) as database:
        rows = database.execute(
            "SELECT channel, invited_by, score, comment FROM surveys_survey"
        ).fetchall()
    assert rows == [("chat", "chat", 5, "Rosa was great")]
