"""The processing-times page in Chromium at a phone's, a tablet's, a laptop's and a wide
screen's width, in both languages: no sideways scrolling anywhere, and the unfiltered page a
list a person can scan (one line per form) rather than every form, category and office."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from contactcenter.cases.models import FormCategory, FormType, ProcessingTime
from contactcenter.offices.models import Office, OfficeKind
from tests.browser import live_server, needs_chromium, web_settings

pytestmark = needs_chromium

WIDTHS = (360, 768, 1280, 1600)


@pytest.fixture
def server(transactional_db, settings):
    web_settings(settings)
    published = timezone.localdate() - dt.timedelta(days=20)
    offices = [
        Office.objects.create(
            code=f"O{n:02d}", kind=OfficeKind.FIELD_OFFICE,
            name_en=f"Field Office Number {n} of the Northern Region",
            name_es=f"Oficina Local Número {n} de la Región Norte",
        )
        for n in range(12)
    ]  # fmt: skip
    for f in range(6):
        form = FormType.objects.create(
            code=f"I-{700 + f}", title_en=f"Application for a Benefit of Kind {f}",
            title_es=f"Solicitud de un beneficio de tipo {f}",
        )  # fmt: skip
        for c in range(3):
            category = FormCategory.objects.create(
                form=form, code=f"c{c}", title_en=f"A rather long category name number {c}",
                title_es=f"Un nombre de categoría bastante largo número {c}",
            )  # fmt: skip
            for n, office in enumerate(offices):
                ProcessingTime.objects.create(
                    form=form, category=category, office=office,
                    months=Decimal(4 + (n + c + f) % 9) + Decimal("0.5"), published_on=published,
                )  # fmt: skip
    with live_server() as live:
        yield live.url


@pytest.mark.parametrize("language", ["en", "es"])
def test_processing_times_fit_every_width(browser, server, language):
    context = browser.new_context(base_url=server, locale="es-ES" if language == "es" else "en-US")
    page = context.new_page()
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for path in ("/processing-times/", "/processing-times/?form=I-702"):
                page.goto(path)
                overflow = page.evaluate(
                    "() => document.documentElement.scrollWidth - window.innerWidth"
                )
                assert overflow <= 0, f"{path} at {width}px scrolls sideways by {overflow}px"
                table = page.locator("table.cc-times")
                box = table.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
            page.goto("/processing-times/")
            # 6 forms x 3 categories x 12 offices = 216 figures, shown as 6 lines.
            assert page.locator("table.cc-times tbody tr").count() == 6
            link = page.locator("table.cc-times tbody a").first
            months = "meses" if language == "es" else "Months"
            assert months.lower() in page.locator("table.cc-times thead").inner_text().lower()
            link.click()
            page.wait_for_load_state()
            assert page.locator("table.cc-times tbody tr").count() == 36
            if language == "es":  # a decimal comma in Spanish
                assert "," in page.locator("table.cc-times tbody td").nth(1).inner_text()
    finally:
        context.close()
