"""Real pages in Debian's Chromium against uvicorn with the Content-Security-Policy on: the
public pages, the chat widget asking a question over its socket, the account sign-in and
sign-up, the staff sign-in, the desk and the supervisors' live board (htmx and its socket),
and the admin's sign-in. Not one CSP violation is reported, and no console error."""

from __future__ import annotations

import pytest

from tests.browser import needs_chromium
from tests.chat.servers import start
from tests.desk.conftest import PASSWORD

pytestmark = needs_chromium

# Reported by the page itself (the securitypolicyviolation event), whatever the console says.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def server(tmp_path, migrated_sqlite):
    servers = start(tmp_path, count=1, migrated=migrated_sqlite)
    yield servers
    servers.stop()


class Watched:
    """A browser context whose pages report CSP violations and console errors."""

    def __init__(self, browser, base_url: str) -> None:
        self.context = browser.new_context(base_url=base_url)
        self.context.add_init_script(LISTEN)
        self.problems: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"pageerror {error}"))
        self.page.on("response", self._response)

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status} {response.url}")

    def _console(self, message) -> None:
        text = message.text
        if "Failed to load resource" in text:
            return  # the response itself is recorded, with its address
        if message.type == "error" or "Content Security Policy" in text:
            self.problems.append(f"console {message.type}: {text}")

    def visit(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status == 200, path
        assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
        self.check(path)

    def check(self, where: str) -> None:
        self.page.wait_for_load_state("load")
        violations = self.page.evaluate("window.__cspViolations || []")
        assert violations == [], (where, violations)
        assert self.problems == [], (where, self.problems)


def test_public_pages_and_the_chat_widget_break_no_policy(browser, server):
    from playwright.sync_api import expect

    person = Watched(browser, server.urls[0])
    try:
        for path in ("/", "/case-status/", "/processing-times/", "/contact/",
                     "/account-help/", "/feedback/", "/accounts/login/", "/accounts/signup/",
                     "/admin/login/"):  # fmt: skip
            person.visit(path)
        person.visit("/")
        page = person.page
        page.get_by_role("button", name="Chat with us").click()
        dialog = page.get_by_role("dialog", name="Ask a question")
        dialog.get_by_label("Your message").fill("How do I change my address?")
        dialog.get_by_label("Your message").press("Enter")
        expect(dialog.locator(".cc-chat__message--assistant")).to_have_count(1)
        person.check("chat widget")
    finally:
        person.context.close()


def test_the_desk_and_the_live_board_break_no_policy(browser, server):
    from playwright.sync_api import expect

    agent = Watched(browser, server.urls[0])
    try:
        agent.visit("/desk/login/")
        page = agent.page
        page.get_by_label("Username").fill(server.data["agent"])
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{server.urls[0]}/desk/")
        agent.check("desk home")
        page.get_by_role("button", name="Available").click()
        agent.check("desk available")
    finally:
        agent.context.close()


ADMIN = """
import django
django.setup()
from contactcenter.staff.models import Role
from tests.factories import StaffUserFactory
StaffUserFactory(username="ada", role=Role.ADMIN, is_staff=True, is_superuser=True)
"""


def test_the_admin_breaks_no_policy(browser, server):
    import os
    import subprocess
    import sys

    from playwright.sync_api import expect

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{server.database}",
        "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
        "DEBUG": "true",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "-c", ADMIN], env=env, check=True, capture_output=True)
    admin = Watched(browser, server.urls[0])
    try:
        admin.visit("/admin/login/")
        page = admin.page
        page.get_by_label("Username").fill("ada")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(f"{server.urls[0]}/admin/")
        admin.check("admin index")
        for path in ("/admin/auth/user/", "/admin/auth/user/add/", "/admin/offices/office/"):
            admin.visit(path)
    finally:
        admin.context.close()


def test_the_api_documentation_works_offline_under_the_policy(browser, server):
    """Swagger UI comes from the project's own static files: every request the page makes is to
    this server, and it lists the API's operations."""
    from playwright.sync_api import expect

    reader = Watched(browser, server.urls[0])
    asked: list[str] = []
    reader.page.on("request", lambda request: asked.append(request.url))
    try:
        reader.visit("/api/v1/docs")
        expect(reader.page.get_by_text("/api/v1/case-status/{receipt_number}")).to_be_visible()
        reader.check("api docs")
        assert asked and all(url.startswith(server.urls[0]) for url in asked), asked
    finally:
        reader.context.close()
