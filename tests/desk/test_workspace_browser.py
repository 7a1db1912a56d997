"""The workspace in a real browser (Debian's chromium) at a laptop's 1366x768: the three panes
side by side, each scrolling on its own, and the keyboard shortcuts and their list."""

from __future__ import annotations

import pytest

from contactcenter.desk.services import desk_presence_set
from contactcenter.routing.services import agent_ensure_for_user, work_item_decline
from contactcenter.staff.models import Role
from tests.browser import needs_chromium, tab_to

pytestmark = needs_chromium


def test_three_panes_side_by_side_and_the_shortcuts_list(
    desk_live_server,
    page_for,
    staff,
    held_chat,
):
    from playwright.sync_api import expect

    user = staff(Role.TIER1)
    item = held_chat(user)
    page = page_for(desk_live_server.url, user.username)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"/desk/inquiries/{item.inquiry.reference_number}/")

    work, contact, context = (
        page.get_by_test_id(name).bounding_box()
        for name in ("pane-work", "pane-contact", "pane-context")
    )
    assert work and contact and context
    # Side by side, left to right, top-aligned, together filling the width without overlap.
    assert work["x"] < contact["x"] < context["x"]
    assert work["x"] + work["width"] <= contact["x"] + 1
    assert contact["x"] + contact["width"] <= context["x"] + 1
    assert abs(work["y"] - contact["y"]) < 2 and abs(contact["y"] - context["y"]) < 2
    assert 270 <= work["width"] <= 290 and 390 <= context["width"] <= 410
    assert context["x"] + context["width"] <= 1366 + 1
    # Each pane ends at the bottom of the window and scrolls on its own: the page does not.
    for pane in (work, contact, context):
        assert abs(pane["y"] + pane["height"] - 768) < 2
    assert page.evaluate("document.scrollingElement.scrollHeight") <= 768
    overflow = page.get_by_test_id("pane-context").evaluate("e => getComputedStyle(e).overflowY")
    assert overflow == "auto"

    # The item held is marked as this page's.
    expect(page.get_by_test_id("held").locator('[aria-current="page"]')).to_contain_text(
        item.inquiry.reference_number
    )

    # "?" opens the list, built from the page's own data-shortcut attributes.
    page.locator("body").press("?")
    dialog = page.get_by_test_id("shortcuts")
    expect(dialog).to_be_visible()
    rows = dialog.locator("[data-shortcut-row]")
    listed = rows.evaluate_all("rows => rows.map(r => r.dataset.shortcutRow)")
    on_page = page.evaluate(
        "[...document.querySelectorAll('[data-shortcut]')].map(e => e.dataset.shortcut)"
    )
    assert (
        sorted(listed)
        == sorted(on_page)
        == sorted(["?", "alt+r", "alt+n", "alt+w", "alt+c", "alt+k", "alt+t"])
    )
    expect(dialog).to_contain_text("Add a note")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # The visible button opens the same list.
    page.get_by_role("button", name="Keyboard shortcuts").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    # Alt+N opens the note tool with its field ready; typing "?" there types it.
    page.keyboard.press("Alt+n")
    note = page.get_by_label("Note", exact=True)
    expect(note).to_be_focused()
    page.keyboard.type("Asked? yes")
    expect(note).to_have_value("Asked? yes")
    expect(dialog).to_be_hidden()
    # Alt+R goes to the reply box, even from another field.
    page.keyboard.press("Alt+r")
    expect(page.locator("#desk-chat-input")).to_be_focused()
    # Alt+W opens the wrap-up (resolve) tool.
    page.keyboard.press("Alt+w")
    expect(page.get_by_label("Disposition")).to_be_focused()


@pytest.mark.parametrize("width", [1100, 800])
def test_narrower_windows_stack_the_panes(
    desk_live_server,
    page_for,
    staff,
    held_chat,
    width,
):
    user = staff(Role.TIER1)
    item = held_chat(user)
    page = page_for(desk_live_server.url, user.username)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"/desk/inquiries/{item.inquiry.reference_number}/")
    work, contact, context = (
        page.get_by_test_id(name).bounding_box()
        for name in ("pane-work", "pane-contact", "pane-context")
    )
    assert work and contact and context
    assert work["y"] + work["height"] <= contact["y"] + 1  # my work above the contact
    if width >= 1024:
        assert abs(contact["y"] - context["y"]) < 2 and contact["x"] < context["x"]
    else:
        assert contact["y"] + contact["height"] <= context["y"] + 1
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width


def test_a_live_redraw_of_my_work_keeps_the_keyboards_place(
    desk_live_server, page_for, staff, queued_call, always_open
):
    """The focus inside "My work" when a live event redraws it stays on the same control, or
    goes to the pane's heading when that control is gone; never back to the top of the page."""
    from playwright.sync_api import expect

    user = staff(Role.TIER1)
    item = queued_call()
    agent = agent_ensure_for_user(user=user)
    assert desk_presence_set(agent=agent, presence="available").pk == item.pk
    page = page_for(desk_live_server.url, user.username)
    accept = page.get_by_test_id("offer").get_by_role("button", name="Accept")
    tab_to(page, accept)

    # A live event (as the desk's socket gives one) draws the pane again: the focus goes to
    # the new Accept.
    page.evaluate("document.querySelector('[data-testid=offer]').dataset.old = 'yes'")
    page.evaluate("htmx.trigger(document.body, 'desk-work')")
    expect(page.locator("[data-testid=offer][data-old]")).to_have_count(0)
    expect(page.get_by_test_id("offer")).to_be_visible()
    expect(accept).to_be_focused()

    # The offer is gone (declined and the agent set away elsewhere): the pane's heading.
    work_item_decline(agent=agent, item_id=item.pk)
    desk_presence_set(agent=agent, presence="away")
    page.evaluate("htmx.trigger(document.body, 'desk-work')")
    expect(page.get_by_test_id("no-offer")).to_be_visible()
    expect(page.get_by_role("heading", name="My work")).to_be_focused()
