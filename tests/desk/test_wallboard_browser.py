"""The wallboard in Chromium, live: a call answered and a call abandoned show on the open page
within seconds, long before the fold counts them (the server runs no fold at all here).

The real services run in a subprocess on the uvicorn server's own SQLite file, and the two
share a Redis channel layer, as a worker and a web process do in production.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from tests.browser import needs_chromium
from tests.chat.servers import PROJECT_DIR, free_port, redis_reachable, spare_redis_url
from tests.desk.conftest import PASSWORD

pytestmark = needs_chromium


@pytest.fixture
def wallboard_server(tmp_path, migrated_sqlite):
    redis_url = spare_redis_url()
    if not redis_reachable(redis_url):
        pytest.skip("the live wallboard test needs Redis for the shared channel layer")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    database = tmp_path / "wallboard.sqlite3"
    shutil.copyfile(migrated_sqlite, database)
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": redis_url,
        "DEBUG": "true",
        "LIVE_HELP_ALWAYS_OPEN": "true",
        "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    run = {"env": env, "cwd": PROJECT_DIR, "capture_output": True, "check": True}

    def drive(step: str) -> str:
        done = subprocess.run([sys.executable, "-m", "tests.desk.wallboard_live", step], **run)
        return done.stdout.decode()

    data = json.loads(drive("fill"))
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "contactcenter.asgi:application",
         "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"],
        env=env, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(process.stderr.read().decode() if process.stderr else "no server")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}", data, drive
    process.terminate()
    process.wait(timeout=10)


def test_the_wallboard_shows_an_answer_and_an_abandon_live(wallboard_server, browser):
    from playwright.sync_api import expect

    base_url, data, drive = wallboard_server
    context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto("/desk/login/")
    page.get_by_label("Username").fill(data["supervisor"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto("/desk/wallboard/")
    expect(page.locator("body")).to_have_attribute("data-desk-live", "on")
    general = page.locator('tr[data-queue="t1-general-en"]')
    expect(general.get_by_test_id("service-level")).to_have_text("—")
    expect(page.get_by_test_id("wallboard-alert")).to_have_count(0)

    # Answered at once (within 20 s): 100 %, no alert; the agent is now on the contact.
    drive("answer")
    expect(general.get_by_test_id("service-level")).to_have_text("100 %", timeout=10_000)
    expect(general.get_by_test_id("asa")).to_have_text("0:00")
    expect(general.get_by_test_id("agents-on-contact")).to_have_text("1")
    expect(page.get_by_test_id("wallboard-alert")).to_have_count(0)

    # A caller hangs up while waiting: 1 of 2 in time, 50 %, under the 80 % target.
    drive("abandon")
    expect(general.get_by_test_id("service-level")).to_have_text("50 %", timeout=10_000)
    expect(general.get_by_test_id("abandoned")).to_contain_text("50 %")
    expect(general.get_by_test_id("below-target")).to_have_text("Below target")
    alert = page.get_by_test_id("wallboard-alert")
    expect(alert).to_contain_text("Tier 1 general, English, 50 % against 80 %")
    # Screen readers hear it from the polite live region, once.
    expect(page.locator("#wallboard-announcer")).to_have_text(
        "Below target: Tier 1 general, English, 50 % against 80 %."
    )

    # A burst of a hundred board events reloads the board a few times, not a hundred.
    reloads = []
    page.on("request", lambda request: reloads.append(request.url)
            if "/desk/wallboard/board/" in request.url else None)  # fmt: skip
    page.evaluate(
        "() => { for (let i = 0; i < 100; i++) { htmx.trigger(document.body, 'desk-board', {}); } }"
    )
    page.wait_for_timeout(4_500)
    assert 1 <= len(reloads) <= 3, reloads  # the first at once, then one after the burst
    context.close()
