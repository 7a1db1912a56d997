"""axe-core (from npm) on every staff page, in English and in Spanish: no serious or critical
violations.

The pages and their data come from tests/desk/staff_pages.py (the same builders the query-count
test uses, with a few rows each), served by pytest-django's live server (WSGI) and opened in
Debian's Chromium as the member of staff whose page it is. A first test gives axe a page with
known violations and checks they are reported, so a check that silently found nothing (axe
not loaded, the wrong result read) fails instead of passing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.browser import needs_chromium
from tests.desk.staff_pages import PAGES, staff_client, world  # noqa: F401
from tests.factories import clear_disclosure_log_for_flush

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
ROWS = 3
LANGUAGES = ("en", "es")

pytestmark = [
    needs_chromium,
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (run npm ci)"),
]


def axe_violations(page) -> list[dict]:
    """The serious and critical axe-core violations on the page as it is now."""
    page.wait_for_load_state("load")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.fixture
def live(transactional_db, settings):
    """A WSGI live server started after this test's settings."""
    from pytest_django.live_server_helper import LiveServer

    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    server = LiveServer("localhost")
    yield server
    server.stop()
    clear_disclosure_log_for_flush()


def test_the_check_reports_a_page_with_known_violations(browser):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.set_content(
            '<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body><main>'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><form><input type="text">'
            "</form></main></body></html>"
        )
        found = {v["id"] for v in axe_violations(page)}
    finally:
        context.close()
    assert {"image-alt", "label"} <= found


def _open_as(browser, server_url: str, user, language: str):
    context = browser.new_context(base_url=server_url, locale=language)
    context.add_init_script(path=str(AXE))
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": server_url}]
    if user is not None:
        session = staff_client(user).cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": server_url})
    context.add_cookies(cookies)
    return context


@pytest.mark.parametrize("name", [name for name, page in PAGES.items() if not page.fragment])
def test_staff_page_has_no_serious_violations(browser, live, world, name):  # noqa: F811
    page_spec = PAGES[name]
    url = page_spec.start(world)
    page_spec.grow(world, ROWS)
    problems = {}
    for language in LANGUAGES:
        context = _open_as(browser, live.url, world.users[page_spec.role], language)
        try:
            page = context.new_page()
            response = page.goto(url)
            assert response is not None and response.status == page_spec.status, (url, language)
            assert page.evaluate("document.documentElement.lang").startswith(language)
            found = axe_violations(page)
        finally:
            context.close()
        if found:
            problems[language] = found
    assert not problems, f"{name} ({url}): {problems}"
