"""The contact history in a real browser: hidden until the identity check passes, then on the
inquiry page with the person's other contacts, with no serious or critical axe-core finding
in either language."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactcenter.staff.models import Role
from tests.browser import PASSWORD, needs_chromium
from tests.desk.test_person_history import _contact, _service_request

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


def test_the_history_appears_after_the_identity_check(
    desk_live_server, browser, staff, case, queued_call, always_open
):
    from playwright.sync_api import expect

    earlier = _contact(case=case, channel="chat", days_ago=12, state="closed",
                       disposition="resolved_first_contact")  # fmt: skip
    _service_request(inquiry=earlier, case=case, days_ago=11)
    user = staff(Role.TIER1)
    item = queued_call()
    for language in ("en-US", "es-US"):
        context = browser.new_context(base_url=desk_live_server.url, locale=language)
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.goto("/desk/login/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_password").press("Enter")
        page.wait_for_load_state()
        if language == "en-US":
            page.get_by_role("button", name="Available").click()
            page.get_by_test_id("offer").get_by_role("button", name="Accept").click()
            expect(page.get_by_test_id("inquiry-state")).to_have_text("Being handled")
            expect(page.get_by_test_id("person-history")).to_have_count(0)
            page.get_by_label("Receipt number").fill("LIN2412345678")
            page.get_by_label("Applicant", exact=True).check()
            page.get_by_label("Applicant's date of birth").fill("1985-03-14")
            page.get_by_label("ZIP code on file (applicant)").fill("68508")
            page.get_by_label("Last four digits of the A-Number (applicant)").fill("5678")
            page.get_by_role("button", name="Check identity").click()
            history = page.get_by_test_id("person-history")
            expect(history.get_by_role("heading", name="Contact history")).to_be_visible()
            expect(history).to_contain_text("3 contacts on record, newest first.")
            expect(history).to_contain_text("This contact")
            expect(history).to_contain_text("Live chat")
            expect(history).to_contain_text("Service request")
        else:
            page.goto(f"/desk/inquiries/{item.inquiry.reference_number}/")
            history = page.get_by_test_id("person-history")
            expect(history.get_by_role("heading", name="Historial de contactos")).to_be_visible()
            expect(history).to_contain_text("Chat en vivo")
        assert not _axe_problems(page), (language, _axe_problems(page))
        context.close()
