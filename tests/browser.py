"""Debian's Chromium driven by Playwright, shared by every browser test.

``pytestmark = needs_chromium`` skips a module with a visible reason where the browser is not
installed (``make test`` installs it); the ``browser`` fixture in tests/conftest.py launches it
once per module.
"""

from pathlib import Path

import pytest

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

PASSWORD = "correct horse battery staple"  # every member of staff the tests make


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in at the desk's sign-in page (the staff pages' one) and wait for the page after."""
    page.goto("/desk/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


# --- the keyboard alone --------------------------------------------------------------------

_FOCUS_RING = """element => {
  const ring = style => (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== "none");
  if (ring(getComputedStyle(element))) { return true; }
  // USWDS hides a radio or checkbox itself and draws its focus on the label's box.
  if (element.labels && element.labels.length) {
    return ring(getComputedStyle(element.labels[0], "::before"));
  }
  return false;
}"""


def tab_to(page, target, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (Shift+Tab with ``backwards``) until ``target``, a locator, has the focus,
    as someone without a mouse would; fails if it is not reached within ``limit`` presses or
    shows no focus ring when it is."""
    key = "Shift+Tab" if backwards else "Tab"
    handle = target.element_handle()
    for _ in range(limit):
        if page.evaluate("element => document.activeElement === element", handle):
            assert handle.evaluate(_FOCUS_RING), f"no focus ring on {target}"
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
