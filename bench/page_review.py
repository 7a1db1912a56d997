"""A page-by-page look at the public side, as a reviewer would take it: every public page in
English and Spanish at a phone's, a tablet's, a laptop's and a wide screen's width, in
Debian's Chromium, against a running demo (`make run`).

For each page, language and width it records what a person would notice first: the page
scrolling sideways, the menu wrapping under the agency's name, a heading or the chat button
off screen, and the page's height; then it saves a screenshot of the first screen
(`--out`, palette PNGs small enough for the docs). It prints one table and exits 1 when any
page scrolls sideways. docs/public-pages.md shows the pictures of the last run.

    .venv/bin/python bench/page_review.py --base http://127.0.0.1:8000 --out docs/images/public
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

PAGES = {
    "home": "/",
    "case-status": "/case-status/",
    "case-status-result": "/case-status/?receipt_number={receipt}",
    "processing-times": "/processing-times/",
    "processing-times-form": "/processing-times/?form=I-765",
    "contact": "/contact/",
    "events": "/events/",
    "feedback": "/feedback/",
    "account-help": "/account-help/",
    "sign-in": "/accounts/login/",
    "sign-up": "/accounts/signup/",
}
WIDTHS = (360, 768, 1280, 1600)
SAVED_WIDTHS = (360, 1280)  # the docs show two; all four are measured

MEASURE = """() => {
  const box = e => e ? e.getBoundingClientRect() : null;
  const logo = box(document.querySelector('.cc-logo'));
  const menu = box(document.querySelector('.cc-nav'));
  const h1 = box(document.querySelector('main h1'));
  const chat = box(document.querySelector('[data-chat-toggle]'));
  return {
    sideways: document.documentElement.scrollWidth - innerWidth,
    height: document.documentElement.scrollHeight,
    menu_under_name: !!(logo && menu && menu.top >= logo.bottom),
    heading_in_view: !!(h1 && h1.top >= 0 && h1.bottom <= innerHeight),
    chat_in_view: !chat || (chat.width === 0) ||
      (chat.right <= innerWidth && chat.bottom <= innerHeight),
  };
}"""


def save(png: bytes, path: Path) -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=96, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, help="where to save the screenshots")
    parser.add_argument("--receipt", default="EAC2512000004", help="a receipt number to look up")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    rows, failed = [], False
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        for language in ("en", "es"):
            context = browser.new_context(locale="es-ES" if language == "es" else "en-US")
            page = context.new_page()
            for name, path in PAGES.items():
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    page.goto(args.base + path.format(receipt=args.receipt))
                    page.wait_for_load_state("load")
                    seen = page.evaluate(MEASURE)
                    failed |= seen["sideways"] > 0
                    rows.append((name, language, width, seen))
                    if args.out and width in SAVED_WIDTHS:
                        save(page.screenshot(), args.out / f"{name}-{language}-{width}.png")
                    sys.stderr.write(f"{name} {language} {width}: {seen}\n")
            context.close()
        browser.close()
    print("| page | language | width | sideways px | height px | menu under name | h1 in view |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, language, width, seen in rows:
        print(
            f"| {name} | {language} | {width} | {max(seen['sideways'], 0)} | {seen['height']} "
            f"| {'yes' if seen['menu_under_name'] else 'no'} "
            f"| {'yes' if seen['heading_in_view'] else 'no'} |"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
