"""The Tier 2 callbacks page in a real browser (Debian's chromium) at a laptop's 1366x768, in
Spanish: the three workspace panes side by side, the callback taken unfolding in the centre with
the number to dial and the reference to quote, an attempt logged and the inquiry resolved."""

from __future__ import annotations

from contactcenter.inquiries.models import InquiryState
from contactcenter.inquiries.services import inquiry_escalate, inquiry_open
from contactcenter.routing.models import CallbackAttempt
from contactcenter.staff.models import Role
from tests.browser import needs_chromium
from tests.desk.conftest import PASSWORD
from tests.desk.test_browser import desk_live_server  # noqa: F401 (fixture)

pytestmark = needs_chromium


def _no_sideways_scroll(page, test_id: str) -> bool:
    return page.get_by_test_id(test_id).evaluate("e => e.scrollWidth <= e.clientWidth + 1")


def test_a_callback_in_the_workspace_at_1366_in_spanish(
    desk_live_server,  # noqa: F811
    browser,
    staff,
    queues,
    always_open,
):
    from playwright.sync_api import expect

    inquiry = inquiry_open(channel="phone", language="en", contact_phone="+14025550142")
    inquiry_escalate(inquiry=inquiry, actor=None, reason="Tarjeta no recibida", urgency="regular")
    user = staff(Role.TIER2)
    context = browser.new_context(
        base_url=desk_live_server.url, locale="es-US", viewport={"width": 1366, "height": 768}
    )
    try:
        page = context.new_page()
        page.goto("/desk/login/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_password").press("Enter")
        page.wait_for_load_state()

        # The officer lands on their callbacks, in the workspace.
        expect(
            page.get_by_role("heading", name="Devoluciones de llamada", exact=True)
        ).to_be_visible()
        expect(page.get_by_test_id("no-callbacks")).to_be_visible()
        page.get_by_role("button", name="Tomar la siguiente devolución").click()

        callback = page.get_by_test_id("callback")
        expect(callback.get_by_test_id("callback-reference")).to_have_text(inquiry.reference_number)
        dial = page.get_by_test_id("dial-number")
        expect(dial).to_have_text("(402) 555-0142")
        expect(dial).to_have_attribute("href", "tel:+14025550142")
        expect(page.get_by_test_id("quote-reference")).to_have_text(inquiry.reference_number)
        expect(page.get_by_test_id("held").locator('[aria-current="page"]')).to_contain_text(
            inquiry.reference_number
        )

        # Three panes side by side, the number and the forms in the centre, none cut off.
        work, contact, side = (
            page.get_by_test_id(name).bounding_box()
            for name in ("pane-work", "pane-contact", "pane-context")
        )
        assert work and contact and side
        assert work["x"] + work["width"] <= contact["x"] + 1
        assert contact["x"] + contact["width"] <= side["x"] + 1
        assert side["x"] + side["width"] <= 1366 + 1
        assert page.evaluate("document.scrollingElement.scrollHeight") <= 768
        for name in ("pane-work", "pane-contact", "pane-context"):
            assert _no_sideways_scroll(page, name), name
        number = dial.bounding_box()
        assert number and contact["x"] <= number["x"]
        assert number["x"] + number["width"] <= contact["x"] + contact["width"]
        expect(page.get_by_test_id("pane-context").get_by_role(
            "heading", name="Persona y caso")).to_be_visible()  # fmt: skip
        expect(page.get_by_test_id("pane-context").get_by_role(
            "heading", name="Verificar la identidad de quien llama")).to_be_visible()  # fmt: skip

        callback.get_by_label("Resultado de la llamada").select_option("no_answer")
        callback.get_by_role("button", name="Registrar intento").click()
        expect(page.get_by_text("Intento de llamada registrado.")).to_be_visible()
        expect(page.get_by_test_id("attempts")).to_contain_text("Sin respuesta")
        expect(page.get_by_test_id("dial-number")).to_be_visible()  # still open

        page.get_by_test_id("callback").get_by_label("Resultado", exact=True).select_option(
            "referred"
        )
        page.get_by_test_id("callback").get_by_role("button", name="Resolver").click()
        expect(page.get_by_test_id("no-callbacks")).to_be_visible()
    finally:
        context.close()

    inquiry.refresh_from_db()
    assert inquiry.state == InquiryState.CLOSED and inquiry.disposition == "referred"
    assert list(CallbackAttempt.objects.values_list("outcome", flat=True)) == ["no_answer"]
