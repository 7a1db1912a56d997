"""The chat widget in a real browser while the server's Redis is away: the socket is closed
with 1013, the widget says live chat is briefly unavailable (in English and Spanish), keeps
trying with back-off, and is live again on its own once Redis is back."""

from __future__ import annotations

import pytest
from django.utils import translation

from contactcenter.chat.texts import desk_panel_texts, widget_texts
from tests.browser import needs_chromium
from tests.chat.servers import start
from tests.redis_servers import RedisProcess, needs_redis_server


@pytest.fixture
def redis_process(tmp_path):
    process = RedisProcess(tmp_path)
    process.start()
    yield process
    process.kill()


@pytest.fixture
def server(tmp_path, migrated_sqlite, redis_process, monkeypatch):
    monkeypatch.setenv("REDIS_RETRY_SECONDS", "1")
    servers = start(tmp_path, count=1, redis_url=redis_process.url, migrated=migrated_sqlite)
    yield servers
    servers.stop()


@needs_chromium
@needs_redis_server
def test_the_widget_says_it_is_reconnecting_and_comes_back(browser, server, redis_process):
    from playwright.sync_api import expect

    context = browser.new_context(base_url=server.urls[0])
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_role("button", name="Chat with us").click()
        dialog = page.get_by_role("dialog", name="Ask a question")
        message_box = dialog.get_by_label("Your message")
        message_box.fill("How do I change my address?")
        message_box.press("Enter")
        expect(dialog.locator(".cc-chat__message--assistant")).to_have_count(1)
        root = page.locator("[data-chat-widget]")
        expect(root).to_have_attribute("data-chat-live", "on")

        redis_process.kill()
        page.reload()
        page.get_by_role("button", name="Chat with us").click()
        expect(root).to_have_attribute("data-chat-live", "unavailable")
        expect(dialog.locator("[data-chat-typing]")).to_have_text(
            "Live chat is briefly unavailable. Reconnecting… Your messages are kept."
        )

        redis_process.start()
        expect(root).to_have_attribute("data-chat-live", "on", timeout=30_000)
        expect(dialog.locator("[data-chat-typing]")).to_have_text("")
        # The conversation caught up on reconnecting: nothing said before the outage is lost.
        expect(dialog.locator(".cc-chat__message--assistant")).to_have_count(1)
    finally:
        context.close()


def test_the_outage_texts_are_in_spanish_too():
    with translation.override("es"):
        assert widget_texts()["unavailable"].startswith("El chat en vivo no está disponible")
        assert desk_panel_texts()["unavailable"].startswith("Las actualizaciones en vivo")
