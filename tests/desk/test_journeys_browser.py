"""The journeys pages in a real browser at 1366 by 768, in English and Spanish: the figures
with their chart, a figure opened to the journeys behind it, and one person's journey, with no
serious or critical axe-core finding. Screenshots of each are kept in the test's temporary
folder (``docs/images/journeys-1366*.png`` were taken this way)."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactcenter.staff.models import Role
from tests.browser import PASSWORD, needs_chromium
from tests.desk.journey_data import FIRST, LAST, build

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    needs_chromium,
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (run npm ci)"),
]


def _axe_problems(page) -> list[dict]:
    page.wait_for_load_state("load")
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def test_a_supervisor_opens_the_repeats_behind_the_figure(
    desk_live_server, browser, staff, settings, tmp_path
):
    from playwright.sync_api import expect

    settings.TIME_ZONE = "America/New_York"
    world = build()
    boss = staff(Role.SUPERVISOR)
    for language, repeats, journeys in (("en-US", "Repeat contacts within 7 days", "2 journeys"),
                                        ("es-US", "Contactos repetidos en 7 días",
                                         "2 recorridos")):  # fmt: skip
        suffix = "" if language == "en-US" else "-es"
        context = browser.new_context(
            base_url=desk_live_server.url, locale=language, viewport={"width": 1366, "height": 768}
        )
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.goto("/desk/login/")
        page.locator("#id_username").fill(boss.username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_password").press("Enter")
        page.wait_for_load_state()
        page.goto(f"/desk/journeys/?first={FIRST}&last={LAST}")
        expect(page.get_by_test_id("figure-contacts")).to_have_text("8")
        expect(page.get_by_test_id("journeys-chart-contacts")).to_be_visible()
        assert not _axe_problems(page), (language, _axe_problems(page))
        page.screenshot(path=str(tmp_path / f"journeys-1366{suffix}.png"))
        page.screenshot(path=str(tmp_path / f"journeys-whole{suffix}.png"), full_page=True)

        page.get_by_test_id("figure-repeats").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(repeats)
        expect(page.get_by_test_id("journeys-total")).to_contain_text(journeys)
        expect(page.get_by_test_id("journey")).to_have_count(2)
        expect(page.get_by_test_id("journey").first).to_contain_text(
            world.contacts[4].reference_number
        )
        assert not _axe_problems(page), (language, _axe_problems(page))
        page.screenshot(path=str(tmp_path / f"journeys-list-1366{suffix}.png"))

        page.get_by_test_id("journey-person-link").first.click()
        expect(page.get_by_test_id("journey-step")).to_have_count(2)  # #3 and #4 of person B
        assert not _axe_problems(page), (language, _axe_problems(page))
        page.screenshot(path=str(tmp_path / f"journey-person-1366{suffix}.png"))
        context.close()
