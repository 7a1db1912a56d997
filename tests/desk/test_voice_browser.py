"""The browser phone in Chromium: the desk loads Twilio's Voice JavaScript SDK, fetches a
token and tries to register. This machine cannot reach Twilio (and the token's account is
made up), so within 15 seconds the page must say that it could not connect."""

from __future__ import annotations

import time

import pytest

from contactcenter.staff.models import Role
from tests.browser import PASSWORD, live_server, needs_chromium

pytestmark = needs_chromium


@pytest.fixture
def voice_live_server(transactional_db, _web_settings, settings):
    settings.TWILIO_ACCOUNT_SID = "AC" + "1" * 32
    settings.TWILIO_AUTH_TOKEN = "test-auth-token"
    settings.TWILIO_API_KEY_SID = "SK" + "2" * 32
    settings.TWILIO_API_KEY_SECRET = "browser-phone-secret-0123456789abcdef"
    settings.TWILIO_TWIML_APP_SID = "AP" + "3" * 32
    with live_server() as server:
        yield server


@pytest.mark.parametrize("twilio", ["unreachable", "silent"])
def test_the_browser_phone_loads_the_sdk_and_says_when_it_could_not_connect(
    voice_live_server, browser, staff, twilio
):
    """``unreachable``: Twilio's host does not resolve here, the SDK reports an error.
    ``silent``: the signalling socket opens but nothing answers; the page's own 15-second
    deadline gives up."""
    from playwright.sync_api import expect

    user = staff(Role.TIER1)
    context = browser.new_context(base_url=voice_live_server.url)
    page = context.new_page()
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    if twilio == "silent":
        # Opened, and then never a word from "Twilio" (no connection to the real server).
        page.route_web_socket("wss://**.twilio.com/**", lambda socket: sockets.append(socket.url))
    try:
        page.goto("/desk/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_response("**/desk/voice/token/") as token_response:
            page.get_by_role("button", name="Sign in").click()
        assert token_response.value.status == 200
        started = time.monotonic()
        assert page.evaluate("typeof window.Twilio.Device") == "function"
        status = page.get_by_test_id("voice-status")
        expect(status).to_contain_text("could not connect", timeout=20_000)
        expect(page.locator("#voice-phone")).to_have_attribute("data-state", "failed")
        expect(page.get_by_role("button", name="Answer")).to_be_hidden()
        # The SDK really tried Twilio's signalling socket: the page's policy let it.
        assert any(url.startswith("wss://") and ".twilio.com/" in url for url in sockets)
        assert not [text for text in console if "Content Security Policy" in text]
        if twilio == "silent":
            assert time.monotonic() - started > 13
            assert "browser phone: not registered in time" in console
    finally:
        context.close()
