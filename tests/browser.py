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
