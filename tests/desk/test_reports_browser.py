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
from tests.factories import OfficeFactory, interval_facts_create

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


@pytest.fixture
def two_days(queues, settings):
    """Two days of one queue's counts, with figures worked by hand: 70 of 100 answered within
    the threshold on the first (abandons penalised: 70 / (80 + 20) = 70.00 %), 45 of 50 on the
    second (90.00 %)."""
    settings.TIME_ZONE = "America/New_York"
    general = Queue.objects.get(code="t1-general-en")
    for day, (queued, answered, within, abandoned) in enumerate(
        [(100, 80, 70, 20), (50, 50, 45, 0)]
    ):
        interval_facts_create(
            interval_start=dt.datetime(2026, 11, 2 + day, 15, 0, tzinfo=dt.UTC),
            queue_id=general.pk, channel="phone", language="en", queued=queued,
            answered=answered, answered_within=within, abandoned=abandoned,
            abandoned_within=abandoned // 2, handled=answered,
            wait_answered_ms=answered * 12_000, talk_ms=answered * 300_000,
        )  # fmt: skip


def test_the_csv_and_xlsx_downloads_hold_the_numbers_on_the_page(
    desk_live_server, browser, staff, two_days, tmp_path
):
    """What a supervisor sees in the table is what the files they download say: the same rows,
    the same counts, the same service level, abandonment, ASA and AHT."""
    import csv

    from openpyxl import load_workbook

    user = staff(Role.SUPERVISOR)
    context = browser.new_context(
        base_url=desk_live_server.url,
        accept_downloads=True,
        viewport={"width": 1366, "height": 768},
    )
    page = context.new_page()
    page.goto("/desk/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()
    page.goto("/desk/reports/?first=2026-11-02&last=2026-11-04&grain=day&by=queue")
    shown = []
    for row in page.get_by_test_id("report-row").all():
        cells = [cell.inner_text().strip() for cell in row.locator("th, td").all()]
        # Period, group, queued, answered, abandoned, service level "70.00 (in 20 s)", ...
        shown.append({
            "period": cells[0], "group": cells[1], "queued": int(cells[2]),
            "answered": int(cells[3]), "abandoned": int(cells[4]),
            "level": cells[5].split()[0], "abandonment": cells[6], "asa": cells[7],
            "aht": cells[8],
        })  # fmt: skip
    assert [(r["period"], r["queued"], r["level"]) for r in shown] == [
        ("2026-11-02", 100, "70.00"), ("2026-11-03", 50, "90.00"),
    ]  # fmt: skip

    def saved(test_id: str) -> Path:
        with page.expect_download() as download:
            page.get_by_test_id(test_id).click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        return path

    csv_path = saved("report-csv")
    assert csv_path.suffix == ".csv"
    with csv_path.open(newline="", encoding="utf-8-sig") as handle:
        from_csv = list(csv.DictReader(handle))
    book = load_workbook(saved("report-xlsx"), read_only=True)
    lines = list(book.active.iter_rows(values_only=True))
    from_xlsx = [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]
    for file_rows in (from_csv, from_xlsx):
        assert len(file_rows) == len(shown)
        for on_page, in_file in zip(shown, file_rows, strict=True):
            assert str(in_file["Period start"]) == on_page["period"]
            assert in_file["Group"] == on_page["group"]
            assert int(in_file["Queued"]) == on_page["queued"]
            assert int(in_file["Answered"]) == on_page["answered"]
            assert int(in_file["Abandoned"]) == on_page["abandoned"]
            assert f"{float(in_file['Service level (%)']):.2f}" == on_page["level"]
            assert f"{float(in_file['Abandonment rate (%)']):.2f}" == on_page["abandonment"]
            assert f"{float(in_file['Average speed of answer (seconds)']):.1f}" == on_page["asa"]
            assert f"{float(in_file['Average handle time (seconds)']):.1f}" == on_page["aht"]
    context.close()
