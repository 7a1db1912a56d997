"""The reports page grouped by agent and by office in a real browser at 1366 by 768, in
English and Spanish: the charts and the table drawn from the demo's agents' shifts and
offices' requests, no serious or critical axe-core finding, and a screenshot of each (kept in
the test's temporary directory, to look at)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from contactcenter.routing.models import Queue
from contactcenter.setup.demo.operations import agent_office_history_write
from contactcenter.staff.models import Role
from tests.browser import PASSWORD, needs_chromium
from tests.factories import OfficeFactory

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    needs_chromium,
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (run npm ci)"),
]

NAMES = [("Ana", "Ortiz"), ("Ben", "Carter"), ("Chloe", "Nguyen"), ("David", "Okafor"),
         ("Elena", "Ruiz"), ("Farid", "Haddad"), ("Grace", "Liu"), ("Hugo", "Silva")]  # fmt: skip


def _axe_problems(page) -> list[dict]:
    page.wait_for_load_state("load")
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.fixture
def shifts(queues, make_agent, settings):
    settings.TIME_ZONE = "America/New_York"
    for index, (first, last) in enumerate(NAMES):
        agent = make_agent(languages=("es",) if index % 3 == 2 else ("en",))
        agent.user.first_name, agent.user.last_name = first, last
        agent.user.save()
    for code, city in (("NBC", "Lee's Summit"), ("LIN", "Lincoln"), ("CSC", "Laguna Niguel")):
        OfficeFactory(code=code, name_en=f"{city} center", name_es=f"Centro de {city}")
    assert Queue.objects.exists()
    agent_office_history_write(today=dt.date(2026, 11, 30), seed=3)


def test_the_page_by_agent_and_by_office_in_both_languages(
    desk_live_server, browser, staff, shifts, tmp_path
):
    from playwright.sync_api import expect

    user = staff(Role.SUPERVISOR)
    for language in ("en-US", "es-US"):
        context = browser.new_context(
            base_url=desk_live_server.url, locale=language, viewport={"width": 1366, "height": 768}
        )
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.goto("/desk/login/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_password").press("Enter")
        page.wait_for_load_state()
        page.goto("/desk/reports/?first=2026-11-23&last=2026-11-27&grain=week&by=agent")
        rows = page.get_by_test_id("report-row")
        expect(rows).to_have_count(len(NAMES))
        expect(page.get_by_test_id("report-chart-handled")).to_be_visible()
        expect(page.get_by_test_id("report-chart-occupancy")).to_be_visible()
        expect(page.get_by_test_id("report-table")).to_contain_text("Ana Ortiz")
        heading = "Ocupación" if language == "es-US" else "Occupancy"
        expect(page.get_by_test_id("report-table")).to_contain_text(heading)
        assert _axe_problems(page) == []
        page.screenshot(
            path=str(tmp_path / f"reports-by-agent-{language[:2]}-1366.png"), full_page=True
        )
        page.goto("/desk/reports/?first=2026-11-02&last=2026-11-27&grain=month&by=office")
        expect(page.get_by_test_id("report-row")).to_have_count(3)
        expect(page.get_by_test_id("report-chart-received")).to_be_visible()
        assert _axe_problems(page) == []
        page.screenshot(
            path=str(tmp_path / f"reports-by-office-{language[:2]}-1366.png"), full_page=True
        )
        context.close()
