"""Debian's Chromium driven by Playwright, shared by every browser test.

``pytestmark = needs_chromium`` skips a module with a visible reason where the browser is not
installed (``make test`` installs it); the ``browser`` fixture in tests/conftest.py launches it
once per module. Also here: the settings a page served over plain HTTP needs
(``web_settings``), pytest-django's WSGI live server started after them (``live_server``),
signing in at the staff sign-in page (``sign_in``), and moving about a page by keyboard alone
(``tab_to``, ``choose_by_keyboard``). Servers in other processes, for WebSockets: see
tests/chat/servers.py.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.factories import PASSWORD, clear_disclosure_log_for_flush

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
)


def web_settings(settings) -> None:
    """Pages served without collectstatic and over plain HTTP (neither matters to what the
    tests check), fast password hashing (the tests sign in many users) and the in-memory
    channel layer (one process)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@contextmanager
def live_server() -> Iterator:
    """pytest-django's WSGI live server, started now: after the test's settings (its
    session-wide one may have loaded the middleware earlier, with the HTTPS redirect on). Use
    it from a fixture that asks for ``transactional_db``."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    try:
        yield server
    finally:
        server.stop()
        clear_disclosure_log_for_flush()


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in at the desk's sign-in page (the staff pages' one) and wait for the page after."""
    page.goto("/desk/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


# --- the keyboard alone --------------------------------------------------------------------

_RING_STYLE = """element => {
  const ring = style => [style.outlineStyle, style.outlineWidth, style.outlineColor,
                         style.boxShadow].join(" ");
  // USWDS hides a radio or checkbox itself and draws its focus on the label's box.
  const label = element.labels && element.labels.length ? element.labels[0] : null;
  return ring(getComputedStyle(element))
    + (label ? " | " + ring(getComputedStyle(label, "::before")) : "");
}"""


def tab_to(page, target, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (Shift+Tab with ``backwards``) until ``target``, a locator, has the focus,
    as someone without a mouse would; fails if it is not reached within ``limit`` presses,
    or if its look does not change when it gets the focus (no focus ring)."""
    key = "Shift+Tab" if backwards else "Tab"
    handle = target.element_handle()
    focused = "element => document.activeElement === element"
    unfocused = None if handle.evaluate(focused) else handle.evaluate(_RING_STYLE)
    for _ in range(limit):
        if handle.evaluate(focused):
            if unfocused is not None:
                assert handle.evaluate(_RING_STYLE) != unfocused, f"no focus ring on {target}"
            return
        page.keyboard.press(key)
    raise AssertionError(f"{target} could not be reached with {key} in {limit} presses")


def choose_by_keyboard(page, select, label: str) -> None:
    """With a <select> focused, press ArrowDown (then ArrowUp) until the option shown starts
    with ``label``, as a keyboard user picks one."""
    from playwright.sync_api import expect

    expect(select).to_be_focused()
    for key in ("ArrowDown", "ArrowUp"):
        for _ in range(60):
            shown = select.evaluate("s => s.selectedOptions[0] ? s.selectedOptions[0].text : ''")
            if shown.strip().startswith(label):
                return
            before = select.input_value()
            page.keyboard.press(key)
            if select.input_value() == before:
                break  # the end of the list
    raise AssertionError(f"no option {label!r} in {select}")
