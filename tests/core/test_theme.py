"""The site's USWDS theme (static_src/theme/styles.scss, built by make): linked by the public
and staff layouts instead of the whole of USWDS, a fraction of its size, still giving the pages
USWDS's look in a browser at a phone's and a laptop's width without moving them once shown;
and the collected, gzipped files served with the encoding a browser asks for, in production
and in the demo (DEBUG with STATIC_COLLECTED)."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

from tests.browser import live_server, needs_chromium, web_settings

STATIC = Path(__file__).resolve().parents[2] / "contactcenter" / "static"
THEME = STATIC / "theme" / "styles.css"
WHOLE_USWDS = STATIC / "vendor" / "uswds" / "css" / "uswds.min.css"

needs_theme = pytest.mark.skipif(
    not THEME.exists(), reason="the theme is not built (make deps builds it)"
)


@needs_theme
def test_the_theme_is_a_fraction_of_the_whole_of_uswds():
    theme, whole = THEME.read_bytes(), WHOLE_USWDS.read_bytes()
    assert len(theme) < 0.4 * len(whole)
    assert len(gzip.compress(theme)) < 0.4 * len(gzip.compress(whole))
    css = theme.decode()
    # What the pages need is there: components, the grid, utilities, the fonts' faces...
    needed = (".usa-button{", ".usa-alert", ".usa-table", ".grid-container{", ".text-bold{",
              "tablet\\:grid-col-6", ".margin-top-2{", ".usa-identifier")  # fmt: skip
    for selector in needed:
        assert selector in css, selector
    assert "font-display:fallback" in css
    # ...and what they do not use is not: accordions, search, combo boxes, hover utilities.
    for selector in (".usa-accordion", ".usa-search__", ".usa-combo-box", ".hover\\:"):
        assert selector not in css, selector


@needs_theme
@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/case-status/", "/desk/login/"])
def test_public_and_staff_pages_link_the_theme_and_preload_its_body_faces(settings, client, path):
    web_settings(settings)
    body = client.get(path).content.decode()
    assert '<link rel="stylesheet" href="/static/theme/styles.css">' in body
    assert "uswds.min.css" not in body
    preload = r'<link rel="preload" href="([^"]+)" as="font" type="font/woff2" crossorigin>'
    preloads = re.findall(preload, body)
    assert [Path(p).name for p in preloads] == [
        "sourcesanspro-regular-webfont.woff2",
        "sourcesanspro-bold-webfont.woff2",
    ]
    # The preloaded files are the ones the theme's @font-face rules name (else fetched twice).
    for href in preloads:
        assert href.removeprefix("/static/") in THEME.read_text().replace("../", "")


# --- compressed files -------------------------------------------------------------------------


def _collect(settings, tmp_path, *, debug: bool) -> None:
    """The settings `STATIC_COLLECTED` gives (see settings.py), files collected as a start does."""
    settings.DEBUG = debug
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = debug
    call_command("collectstatic", interactive=False, verbosity=0)


@needs_theme
@pytest.mark.parametrize("debug", [False, True], ids=["production", "demo"])
def test_the_stylesheet_is_served_gzipped_to_a_browser_that_asks(settings, tmp_path, debug):
    _collect(settings, tmp_path, debug=debug)
    client = Client()
    # The address the pages' {% static %} gives: production names the hashed file (cached
    # for a year), the demo the plain one. (That the pages link it: the test above.)
    href = static("theme/styles.css")
    assert (href == "/static/theme/styles.css") is debug
    answer = client.get(href, headers={"accept-encoding": "gzip, deflate"})
    assert answer.status_code == 200
    assert answer["Content-Encoding"] == "gzip"
    assert answer["Content-Type"].startswith("text/css")
    # The collected file: in production its font URLs carry the fonts' hashed names.
    collected = (settings.STATIC_ROOT / href.removeprefix("/static/")).read_bytes()
    assert gzip.decompress(b"".join(answer.streaming_content)) == collected
    assert (collected == THEME.read_bytes()) is debug
    plain = client.get(href)
    assert "Content-Encoding" not in plain
    assert b"".join(plain.streaming_content) == collected


@pytest.mark.parametrize(
    ("environment", "collected"),
    [({"DEBUG": "false"}, True), ({"DEBUG": "true"}, False),
     ({"DEBUG": "true", "STATIC_COLLECTED": "true"}, True)],
    ids=["production", "development", "demo"],
)  # fmt: skip
def test_static_collected_follows_debug_unless_the_demo_asks(tmp_path, environment, collected):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "STATIC_COLLECTED"}}
    env.update(environment, VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="contactcenter.settings")
    code = (
        "import json; from django.conf import settings as s; print(json.dumps("
        "[s.STATIC_COLLECTED, s.STORAGES['staticfiles']['BACKEND'], s.WHITENOISE_USE_FINDERS]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout  # fmt: skip
    got, backend, finders = json.loads(out.strip().splitlines()[-1])
    assert got is collected
    assert backend.endswith("CompressedManifestStaticFilesStorage") is collected
    assert finders is not collected


# --- in a browser -----------------------------------------------------------------------------

LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 500);
})"""


@pytest.fixture
def server(transactional_db, settings):
    web_settings(settings)
    settings.LIVE_HELP_ALWAYS_OPEN = True  # the chat widget's button shown, as in open hours
    with live_server() as live:
        yield live.url


@needs_chromium
@needs_theme
@pytest.mark.parametrize("width", [360, 1280])
def test_pages_look_like_uswds_and_do_not_move_once_shown(browser, server, width):
    context = browser.new_context(base_url=server, viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto("/case-status/")
        page.wait_for_load_state("load")
        style = page.evaluate(
            """() => {
              const look = (selector, ...props) => {
                const s = getComputedStyle(document.querySelector(selector));
                return props.map(p => s.getPropertyValue(p));
              };
              return {
                button: look(".usa-button:not(.usa-button--outline)", "background-color", "color",
                             "border-radius", "font-weight"),
                body: look("body", "font-family"),
                container: look("main.grid-container", "max-width", "padding-left"),
                footer: look(".usa-footer__primary-section", "background-color"),
                identifier: look(".usa-identifier", "background-color"),
                sheets: [...document.styleSheets].map(s => s.href || ""),
              };
            }"""
        )
        assert style["button"] == ["rgb(0, 94, 162)", "rgb(255, 255, 255)", "4px", "700"]
        assert style["body"][0].startswith('"Source Sans Pro Web"')
        assert style["container"][0] == "1024px"  # 64rem
        assert style["container"][1] == ("32px" if width >= 1024 else "16px")
        assert style["footer"] == ["rgb(240, 240, 240)"]
        assert style["identifier"] == ["rgb(27, 27, 27)"]
        assert any(s.endswith("/static/theme/styles.css") for s in style["sheets"])
        # The faces the page uses are the two preloaded ones, and no other.
        faces = page.evaluate(
            "() => document.fonts.ready.then(fs => [...fs].filter(f => f.status === 'loaded')"
            ".map(f => f.family + ' ' + f.weight))"
        )
        assert sorted(faces) == ["Source Sans Pro Web 400", "Source Sans Pro Web 700"]
        assert page.evaluate(LAYOUT_SHIFT) < 0.05
    finally:
        context.close()
