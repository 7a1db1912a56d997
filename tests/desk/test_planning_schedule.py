"""The schedule pages: the supervisors' week (totals, a day's coverage with the short intervals
marked, shifts per agent line, the CSV files matching the page, publishing a draft, refusals
that change nothing) and each agent's own shifts; both languages.

The schedule is one a reader can check by hand: a pattern starting at 08:00 or 10:00, eight
hours with an unpaid half-hour lunch four hours in; one agent needed 08:00-10:00 and
16:00-18:00, two in between except while each of them is at lunch, on weekdays; and one agent
on Saturday 10:00-12:00, which no pattern works, so those four half-hours are short.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from contactcenter.workforce.models import Schedule, ScheduledShift, ScheduleStatus
from contactcenter.workforce.schedule import requirement_from_starts, schedule_make
from contactcenter.workforce.services import schedule_publish, schedule_save
from contactcenter.workforce.shifts import patterns_parse
from tests.browser import needs_chromium, sign_in

ZONE = ZoneInfo(settings.LIVE_HELP_TIME_ZONE)


def this_monday() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday())


def _need(monday: dt.date) -> dict[dt.datetime, int]:
    need: dict[dt.datetime, int] = {}

    def put(day: int, begin: int, end: int, agents: int) -> None:
        for minute in range(begin, end, 30):
            start = dt.datetime.combine(
                monday + dt.timedelta(days=day), dt.time(minute // 60, minute % 60), ZONE
            )
            need[start] = agents

    for day in range(5):
        put(day, 8 * 60, 18 * 60, 1)
        put(day, 10 * 60, 16 * 60, 2)
        put(day, 12 * 60, 12 * 60 + 30, 1)  # the 08:00 agent's lunch
        put(day, 14 * 60, 14 * 60 + 30, 1)  # the 10:00 agent's lunch
    put(5, 10 * 60, 12 * 60, 1)  # Saturday: no pattern works it
    return need


PATTERNS = {
    "patterns": [
        {
            "code": "day",
            "label": {"en": "Day shift", "es": "Turno de día"},
            "starts": ["08:00", "10:00"],
            "length": 480,
            "lunch": {"minutes": 30, "earliest": 240, "latest": 240},
            "days": 5,
            "consecutive_days_off": True,
            "weekdays": ["mon", "tue", "wed", "thu", "fri"],
        }
    ]
}


@pytest.fixture
def make_schedule(staff):
    """``make_schedule(monday, publish=False)``: the hand-checked week stored (and published),
    Line 1 (08:00) handed to ``early`` and Line 2 (10:00) to ``late``, two tier 1 agents."""
    agents = {"early": staff("tier1", username="early"), "late": staff("tier1", username="late")}

    def make(monday: dt.date | None = None, *, publish: bool = False) -> Schedule:
        monday = monday or this_monday()
        result = schedule_make(
            requirement=requirement_from_starts(
                monday=monday, minutes=30, zone=ZONE, agents_by_start=_need(monday)
            ),
            patterns=patterns_parse(PATTERNS, source="test.yaml"),
            absence=0.0,
            agents=[(agents["early"].pk, "early"), (agents["late"].pk, "late")],
        )
        schedule = schedule_save(result=result)
        return schedule_publish(schedule=schedule) if publish else schedule

    make.agents = agents  # type: ignore[attr-defined]
    return make


def page(client, **query):
    return client.get(reverse("desk:planning-schedule"), query)


# --- who may see what ------------------------------------------------------------------------


def test_tier1_is_refused_the_supervisors_page_but_has_their_own(signed_in):
    client, _user = signed_in("tier1")
    assert page(client).status_code == 403
    assert client.get(reverse("desk:my-schedule")).status_code == 200


@pytest.mark.parametrize("role", ["tier2", "supervisor", "admin"])
def test_every_desk_role_has_their_own_schedule(signed_in, role):
    client, _user = signed_in(role)
    response = client.get(reverse("desk:my-schedule"))
    assert response.status_code == 200
    assert "No published schedule for this week yet." in response.content.decode()


def test_signed_out_people_go_to_sign_in(client):
    response = client.get(reverse("desk:my-schedule"))
    assert response.status_code == 302 and "/desk/login/" in response["Location"]


def test_an_agent_sees_only_their_own_shifts(client, make_schedule):
    make_schedule(publish=True)
    client.force_login(make_schedule.agents["early"])
    body = client.get(reverse("desk:my-schedule")).content.decode()
    this_week = body.split('data-testid="my-week-2"')[0]
    assert this_week.count('data-testid="my-shift"') == 5
    assert "08:00" in this_week and "16:00" in this_week
    assert "Lunch 12:00–12:30" in this_week
    assert "10:00" not in this_week.split("<tbody>")[1]  # the late agent's start is not there
    assert "Lunch 14:00–14:30" not in body
    assert "No published schedule for this week yet." in body.split('data-testid="my-week-2"')[1]
    assert "Day off" in this_week  # Saturday and Sunday


def test_a_draft_is_not_shown_to_agents(client, make_schedule):
    make_schedule()
    client.force_login(make_schedule.agents["early"])
    body = client.get(reverse("desk:my-schedule")).content.decode()
    assert 'data-testid="my-shift"' not in body
    assert body.count("No published schedule for this week yet.") == 2


def test_agents_find_it_under_my_work_and_supervisors_in_the_menu(signed_in, client):
    url = reverse("desk:my-schedule")
    _client, _agent = signed_in("tier1")
    home = client.get(reverse("desk:home")).content.decode()
    assert 'data-testid="my-schedule-link"' in home and f'href="{url}"' in home
    assert 'class="cc-user-link' not in home  # one more entry would wrap their Spanish menu
    _client, _supervisor = signed_in("supervisor")
    body = client.get(url).content.decode()
    assert f'class="cc-user-link is-current" href="{url}" aria-current="page"' in body


# --- the supervisors' page ---------------------------------------------------------------------


def test_no_schedule_says_so_and_offers_a_draft(signed_in):
    client, _user = signed_in("supervisor")
    body = page(client).content.decode()
    assert "No schedule has been made for this week yet." in body
    assert 'data-testid="schedule-draft-form"' in body


def test_the_week_shows_totals_chart_and_lines(signed_in, make_schedule):
    schedule = make_schedule()
    client, _user = signed_in("supervisor")
    monday = schedule.week_start
    response = page(client, week=(monday + dt.timedelta(days=2)).isoformat(), day=monday)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="schedule-status">Draft<' in body
    assert "Agent lines: <strong>2</strong>, 75.0 paid hours" in body
    assert "Short: <strong>2.00</strong> agent-hours in 4 intervals" in body
    assert 'data-testid="schedule-chart"' in body and "<svg" in body
    assert 'data-testid="schedule-publish-form"' in body
    lines = body.split('data-testid="schedule-lines"')[1]
    assert lines.index("early") < lines.index("late")
    assert lines.count("08:00–16:00") == 5 and lines.count("10:00–18:00") == 5
    assert "Lunch 12:00–12:30" in lines and "Lunch 14:00–14:30" in lines


def test_the_short_intervals_are_marked_not_by_colour_alone(signed_in, make_schedule):
    schedule = make_schedule()
    client, _user = signed_in("supervisor")
    saturday = schedule.week_start + dt.timedelta(days=5)
    body = page(client, week=saturday, day=saturday).content.decode()
    chart = body.split('data-testid="schedule-chart"')[1].split("</figure>")[0]
    assert chart.count('data-short="1"') == 4
    assert chart.count('fill="url(#short-hatch)"') == 4  # the hatching, beside the red
    table = body.split('data-testid="schedule-coverage"')[1].split("</table>")[0]
    assert table.count('data-short="1"') == 4
    assert table.count(">Short</span>") == 4  # a word in each short row
    # Monday has nothing short.
    monday = page(client, week=schedule.week_start, day=schedule.week_start).content.decode()
    assert 'data-short="1"' not in monday


def test_the_csv_files_match_the_page(signed_in, make_schedule):
    schedule = make_schedule()
    client, _user = signed_in("supervisor")
    monday = schedule.week_start
    response = page(client, week=monday, format="shifts")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 10
    first = rows[0]
    assert (first["agent"], first["line"], first["pattern"]) == ("early", "Line 1", "day")
    assert first["day"] == monday.isoformat()
    assert first["start"] == dt.datetime.combine(monday, dt.time(8), ZONE).isoformat()
    assert first["breaks"] == "12:00-12:30 unpaid"
    assert first["paid_hours"] == "7.50"
    assert sum(float(row["paid_hours"]) for row in rows) == 75.0
    coverage = list(
        csv.DictReader(io.StringIO(page(client, week=monday, format="coverage").content.decode()))
    )
    short = [row for row in coverage if float(row["short"]) > 0]
    assert [row["interval_start"][11:16] for row in short] == ["10:00", "10:30", "11:00", "11:30"]
    assert sum(float(row["short"]) for row in coverage) * 0.5 == schedule.short_hours == 2.0
    body = page(client, week=monday, day=monday).content.decode()
    table = body.split('data-testid="schedule-coverage"')[1].split("</table>")[0]
    monday_rows = [row for row in coverage if row["interval_start"][:10] == monday.isoformat()]
    for row in monday_rows:
        if float(row["required"]) or float(row["scheduled"]):
            assert f"{row['interval_start'][11:16]}" in table


def test_the_paid_hours_on_the_page_are_the_csvs(signed_in, make_schedule):
    # Eight hours on site less the unpaid half-hour lunch, five days: 37.5 a line, the CSV's
    # paid_hours summed per line.
    schedule = make_schedule()
    client, _user = signed_in("supervisor")
    body = page(client, week=schedule.week_start).content.decode()
    lines = body.split('data-testid="schedule-lines"')[1]
    assert lines.count(">37.5</td>") == 2


def test_publishing_a_draft(signed_in, make_schedule):
    older = make_schedule(publish=True)
    draft = make_schedule()
    client, _user = signed_in("supervisor")
    monday = draft.week_start
    shown = page(client, week=monday).content.decode()
    assert 'data-testid="schedule-newer-draft"' in shown  # the published one, and a newer draft
    response = client.post(
        reverse("desk:planning-schedule-publish"),
        {"schedule": draft.pk, "week": monday.isoformat(), "day": monday.isoformat()},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    older.refresh_from_db()
    assert draft.status == ScheduleStatus.PUBLISHED
    assert older.status == ScheduleStatus.SUPERSEDED
    body = client.get(response["Location"]).content.decode()
    assert "is published" in body
    assert 'data-testid="schedule-status">Published<' in body
    assert 'data-testid="schedule-publish-form"' not in body


def test_publishing_twice_is_refused(signed_in, make_schedule):
    published = make_schedule(publish=True)
    client, _user = signed_in("supervisor")
    response = client.post(
        reverse("desk:planning-schedule-publish"),
        {"schedule": published.pk, "week": published.week_start.isoformat()},
    )
    assert response.status_code == 409
    assert "only a draft can be published" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"week": "next tuesday"}, "is not a date written YYYY-MM-DD"),
        ({"day": "2001-01-01"}, "is not in the week of"),
        ({"format": "xlsx"}, "only shifts or coverage"),
    ],
)
def test_a_bad_query_is_refused_with_a_message(signed_in, make_schedule, query, message):
    make_schedule()
    client, _user = signed_in("supervisor")
    response = page(client, **query)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="schedule-error"' in body and message in body


@pytest.mark.parametrize(
    "form",
    [
        {"week": "soon", "schedule": "1"},
        {"week": "2001-01-01", "schedule": "1"},
        {"schedule": "not a number"},
    ],
)
def test_a_bad_publish_changes_nothing(signed_in, make_schedule, form):
    draft = make_schedule()
    form = {**form, "schedule": str(draft.pk) if form["schedule"] == "1" else form["schedule"]}
    client, _user = signed_in("supervisor")
    response = client.post(reverse("desk:planning-schedule-publish"), form)
    assert response.status_code == 400
    assert 'data-testid="schedule-error"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ScheduleStatus.DRAFT


def test_a_bad_week_makes_no_draft(signed_in):
    client, _user = signed_in("supervisor")
    response = client.post(reverse("desk:planning-schedule-draft"), {"week": "someday"})
    assert response.status_code == 400
    assert Schedule.objects.count() == 0


def test_tier1_cannot_publish(signed_in, make_schedule):
    draft = make_schedule()
    client, _user = signed_in("tier1")
    response = client.post(
        reverse("desk:planning-schedule-publish"),
        {"schedule": draft.pk, "week": draft.week_start.isoformat()},
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == ScheduleStatus.DRAFT


def test_a_draft_from_the_plan(signed_in, monkeypatch, make_schedule):
    """The button runs what the command's --all --save runs; here the plan is replaced by the
    hand-checked week, so the test reads what the page does with it, not the forecasts."""
    from contactcenter.desk import planning_schedule

    made = {}

    def fake(*, week, created_by):
        made["week"], made["by"] = week, created_by
        return make_schedule(week)

    monkeypatch.setattr(planning_schedule, "schedule_draft_from_plan", fake)
    client, user = signed_in("supervisor")
    monday = this_monday()
    response = client.post(
        reverse("desk:planning-schedule-draft"),
        {"week": (monday + dt.timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 302 and "draft=1" in response["Location"]
    assert made == {"week": monday, "by": user}
    body = client.get(response["Location"]).content.decode()
    assert "Draft schedule made" in body and 'data-testid="schedule-publish-form"' in body
    assert ScheduledShift.objects.count() == 10


# --- Spanish -----------------------------------------------------------------------------------


def test_the_pages_in_spanish(signed_in, make_schedule, client):
    schedule = make_schedule(publish=True)
    client, _user = signed_in("supervisor")
    body = client.get(
        reverse("desk:planning-schedule"), {"week": schedule.week_start}, HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Turnos por agente" in body
    assert "Lunes" in body
    assert "Publicado" in body
    client.force_login(make_schedule.agents["early"])
    mine = client.get(reverse("desk:my-schedule"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Mi horario" in mine and "Almuerzo 12:00–12:30" in mine and "Esta semana" in mine


# --- in a real browser -------------------------------------------------------------------------

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@needs_chromium
@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (run npm ci)")
def test_the_page_switches_day_in_a_browser(
    desk_live_server, browser, staff, make_schedule, tmp_path
):
    """A supervisor opens the week at 1366 px, sees Monday's chart with nothing short, moves to
    Saturday by its tab and sees the four short half-hours marked; no serious or critical
    axe-core finding on either."""
    from playwright.sync_api import expect

    schedule = make_schedule()
    user = staff("supervisor")
    context = browser.new_context(
        base_url=desk_live_server.url, locale="en-US", viewport={"width": 1366, "height": 768}
    )
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    sign_in(page, user.username)
    monday = schedule.week_start
    page.goto(f"/desk/planning/schedule/?week={monday.isoformat()}&day={monday.isoformat()}")
    expect(page.get_by_test_id("schedule-chart")).to_be_visible()
    expect(page.get_by_test_id("schedule-day-heading")).to_contain_text("Monday")
    expect(page.locator('[data-testid="schedule-chart"] g[data-short]')).to_have_count(0)
    assert _axe_problems(page) == []
    page.get_by_test_id("schedule-days").get_by_role("link", name="Saturday").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("schedule-day-heading")).to_contain_text("Saturday")
    expect(page.locator('[data-testid="schedule-chart"] g[data-short]')).to_have_count(4)
    current = page.get_by_test_id("schedule-days").locator('[aria-current="page"]')
    expect(current).to_contain_text("Saturday")
    expect(page.get_by_test_id("schedule-coverage-details")).to_have_attribute("open", "")
    assert _axe_problems(page) == []
    page.screenshot(path=str(tmp_path / "schedule-saturday-1366.png"), full_page=True)
    context.close()


def _axe_problems(page) -> list[dict]:
    page.wait_for_load_state("load")
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]
