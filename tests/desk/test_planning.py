"""The what-if planning page: supervisors only; the plan's figures by default; the live
fragment sizing again on every change; refusals as 400 with a message beside the field and
the last result kept; both languages; the base plan made once and kept in the cache."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from contactcenter.staff.models import Role
from tests.desk.planning_data import PLAN_AGENTS, QUEUE, WEDNESDAY, facts_write

PAGE = "/desk/planning/"
FRAGMENT = "/desk/planning/result/"
BASE = {"queue": QUEUE, "day": WEDNESDAY.isoformat()}


@pytest.fixture
def facts(queues, settings):
    settings.OPERATIONS_INTERVAL_MINUTES = 30
    cache.clear()
    yield facts_write()
    cache.clear()


def _figure(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">([^<]*)<', html)
    assert found, f"no {testid} in the page"
    return found.group(1).strip()


def test_only_supervisors_and_admins_open_the_page(signed_in, facts):
    client, _user = signed_in(Role.TIER1)
    refused = client.get(PAGE, BASE)
    assert refused.status_code == 403
    assert "Not a page for your role" in refused.content.decode()  # the styled page
    assert client.get(FRAGMENT, BASE).status_code == 403
    client.logout()
    for role in (Role.SUPERVISOR, Role.ADMIN):
        client, _user = signed_in(role)
        page = client.get(PAGE, BASE)
        assert page.status_code == 200, role
        html = page.content.decode()
        # A tab beside the reports, under the Reports menu entry.
        assert 'href="/desk/planning/" aria-current="page"' in html
        client.logout()


def test_without_a_choice_the_page_shows_the_first_tier_1_queue_tomorrow(signed_in, facts):
    client, _user = signed_in(Role.SUPERVISOR)
    html = client.get(PAGE).content.decode()
    assert '<option value="t1-general-en" selected>' in html
    # Tier 1 first, the supervisors' queues last.
    assert html.index('value="t1-general-en"') < html.index('value="supervisor"')


def test_another_interval_can_be_simulated(signed_in, facts):
    client, _user = signed_in(Role.SUPERVISOR)
    html = client.get(FRAGMENT, {**BASE, "check_at": "17:30"}).content.decode()
    assert "At 17:30 (Phone, 12 agents)" in _section(html, "planning-check")
    busiest = client.get(FRAGMENT, BASE).content.decode()
    assert "At 08:00 (Phone, 12 agents)" in _section(busiest, "planning-check")
    page = client.get(PAGE, BASE).content.decode()
    assert '<option value="08:00">08:00</option>' in page
    assert '<option value="19:30">19:30</option>' in page
    assert '<option value="20:00">' not in page  # closed


def test_a_change_reads_the_plan_from_the_cache(signed_in, facts, django_assert_max_num_queries):
    client, _user = signed_in(Role.SUPERVISOR)
    client.get(PAGE, BASE)
    # The session, the user and roles, the queues for the list: no history read again.
    with django_assert_max_num_queries(8):
        assert client.get(FRAGMENT, {**BASE, "volume": "10"}).status_code == 200


def test_the_page_shows_the_plans_day(signed_in, facts):
    client, _user = signed_in(Role.SUPERVISOR)
    html = client.get(PAGE, BASE).content.decode()
    assert _figure(html, "peak-agents") == str(PLAN_AGENTS)
    # 24 open half-hours of 12 agents: 144 agent-hours; 12 / 0.7 = 17.1, so 18 positions.
    assert _figure(html, "agent-hours") == "144.0"
    assert _figure(html, "peak-positions") == "18"
    assert len(re.findall('data-testid="planning-row"', html)) == 24
    # The controls start at the plan's figures.
    assert 'name="aht" value="180"' in html
    assert 'name="target" value="80"' in html
    assert 'name="patience" value="150"' in html
    assert "Erlang A" in html
    # The chart is drawn and described; no schedule yet, and the legend says so.
    assert 'data-testid="planning-chart"' in html and "<desc" in html
    assert "No schedule published for this week" in _section(html, "planning-legend")
    # The simulation beside Erlang's figure.
    assert re.search(r'data-testid="simulated-level">\d+\.\d %', html)
    assert re.search(r'data-testid="erlang-level">\d+\.\d %', html)


def _section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : start + 2000]


def test_twice_the_volume_needs_more_agents(signed_in, facts):
    client, _user = signed_in(Role.SUPERVISOR)
    base = client.get(FRAGMENT, BASE, HTTP_HX_REQUEST="true")
    assert base.status_code == 200
    assert int(_figure(base.content.decode(), "peak-agents")) == PLAN_AGENTS
    doubled = client.get(FRAGMENT, {**BASE, "volume": "100"}, HTTP_HX_REQUEST="true")
    assert doubled.status_code == 200
    html = doubled.content.decode()
    assert int(_figure(html, "peak-agents")) > PLAN_AGENTS
    # The address follows the figures, so the page can be reloaded or shared as it is.
    assert "volume=100" in doubled["HX-Replace-Url"]
    # Each change on its own moves the answer the right way.
    for change, more in (({"aht": "360"}, True), ({"target": "95"}, True),
                         ({"threshold": "60"}, False), ({"patience": ""}, True)):  # fmt: skip
        html = client.get(FRAGMENT, {**BASE, **change}).content.decode()
        agents = int(_figure(html, "peak-agents"))
        assert (agents > PLAN_AGENTS) if more else (agents < PLAN_AGENTS), change
    # Shrinkage leaves the agents and moves the positions: 12 / 0.5 = 24.
    html = client.get(FRAGMENT, {**BASE, "shrinkage": "50"}).content.decode()
    assert (_figure(html, "peak-agents"), _figure(html, "peak-positions")) == ("12", "24")
    # A tight occupancy cap needs more agents than the target alone.
    html = client.get(FRAGMENT, {**BASE, "max_occupancy": "70"}).content.decode()
    assert int(_figure(html, "peak-agents")) > PLAN_AGENTS


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("volume", "abc", "Enter a change from -100 to 500 (per cent)."),
        ("volume", "900", "Enter a change from -100 to 500 (per cent)."),
        ("aht", "0", "Enter a handle time from 1 to 7200 seconds."),
        ("target", "100", "Enter a target above 0 and below 100 (per cent)."),
        ("shrinkage", "", "Enter a shrinkage from 0 to 95 (per cent)."),
        ("patience", "-5", "Enter a patience from 1 to 36000 seconds, or leave it blank."),
        ("max_occupancy", "nan", "Enter a cap from 1 to 100 (per cent), or leave it blank."),
        ("check_at", "03:00", "Choose an interval from the list."),  # closed then
    ],
)
def test_a_bad_figure_is_refused_beside_its_field(signed_in, facts, name, value, message):
    client, _user = signed_in(Role.SUPERVISOR)
    response = client.get(FRAGMENT, {**BASE, name: value}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    html = response.content.decode()
    # The message goes beside the field (out of band), the status line says the last result
    # is kept, and the result itself is not in the answer, so the page keeps the last one.
    assert re.search(rf'id="id_{name}-error"[^>]*hx-swap-oob="true">{re.escape(message)}<', html)
    assert "The last result is kept." in html
    assert response["HX-Retarget"] == "#planning-status"
    assert 'data-testid="planning-chart"' not in html
    # Without JavaScript the whole page answers 400 with the message beside the field.
    page = client.get(PAGE, {**BASE, name: value})
    assert page.status_code == 400
    assert message in page.content.decode()
    assert 'aria-invalid="true"' in page.content.decode()


def test_a_bad_queue_or_day_or_a_queue_with_no_history_is_refused(signed_in, facts):
    client, _user = signed_in(Role.SUPERVISOR)
    for query, message in (
        ({"queue": "no-such-queue", "day": "2026-03-04"}, "Choose a queue from the list."),
        ({"queue": QUEUE, "day": "2026-13-45"}, "Enter a day as YYYY-MM-DD."),
        ({"queue": QUEUE, "day": "0001-01-01"}, "Choose a day from the year 2000 to a year ahead."),
        ({"queue": QUEUE, "day": "9999-12-31"}, "Choose a day from the year 2000 to a year ahead."),
        ({"queue": "t1-general-es", "day": "2026-03-04"}, "t1-general-es"),
    ):
        page = client.get(PAGE, query)
        assert page.status_code == 400, query
        assert message in _section(page.content.decode(), "planning-error")
        assert client.get(FRAGMENT, query).status_code == 400


def test_the_page_in_spanish(signed_in, facts):
    client, _user = signed_in(Role.SUPERVISOR)
    html = client.get(PAGE, BASE, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    for label in ("Planificación", "Cambio en el volumen (%)", "Tiempo medio de gestión (segundos)",
                  "Agentes necesarios", "Comprobado por simulación",
                  "No hay un horario de turnos publicado para esta semana"):  # fmt: skip
        assert label in html, label
    # Figures written the Spanish way.
    assert _figure(html, "agent-hours") == "144,0"
    refused = client.get(FRAGMENT, {**BASE, "volume": "x"}, HTTP_ACCEPT_LANGUAGE="es")
    assert "Escriba un cambio de -100 a 500 (por ciento)." in refused.content.decode()


def test_the_base_plan_is_made_once_for_every_change(signed_in, facts, monkeypatch):
    from contactcenter.desk import planning

    calls = []
    real = planning.plan_make

    def counted(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(planning, "plan_make", counted)
    client, _user = signed_in(Role.SUPERVISOR)
    client.get(PAGE, BASE)
    for volume in ("10", "20", "30"):
        assert client.get(FRAGMENT, {**BASE, "volume": volume}).status_code == 200
    # Another day of the same week is the same plan.
    client.get(PAGE, {**BASE, "day": "2026-03-05"})
    assert len(calls) == 1


def test_the_scheduled_figures_come_from_one_function(signed_in, facts, monkeypatch):
    """When a schedule is saved, its agents are drawn as a line and listed per interval."""
    from contactcenter.desk import planning

    def scheduled(queue, day):
        from contactcenter.core.business_calendar import BusinessCalendar

        zone = BusinessCalendar().zone
        import datetime as dt

        return {
            dt.datetime.combine(day, dt.time(hour, minute), zone): 10
            for hour in range(8, 20) for minute in (0, 30)
        }  # fmt: skip

    monkeypatch.setattr(planning, "_scheduled_by_interval", scheduled)
    client, _user = signed_in(Role.SUPERVISOR)
    html = client.get(PAGE, BASE).content.decode()
    assert 'data-testid="planning-scheduled-line"' in html
    assert "Agents scheduled" in _section(html, "planning-legend")
    assert "No schedule published" not in _section(html, "planning-legend")


API = "/api/v1/operations/planning"


def test_the_api_gives_the_pages_day_to_supervisors_only(signed_in, facts):
    from django.test import Client

    client, _user = signed_in(Role.SUPERVISOR)
    answer = client.get(API, {**BASE, "volume": "100"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["queue"], body["day"], body["model"]) == (QUEUE, "2026-03-04", "erlang_a")
    assert body["peak_agents"] > PLAN_AGENTS
    assert len(body["intervals"]) == 48 and body["interval_minutes"] == 30
    assert client.get(API, BASE).json()["peak_agents"] == PLAN_AGENTS
    refused = client.get(API, {**BASE, "target": "120"})
    assert refused.status_code == 400
    assert refused.json()["message"] == ("target: Enter a target above 0 and below 100 (per cent).")
    assert client.get(API, {**BASE, "day": "0001-01-01"}).status_code == 400
    client.logout()
    assert Client().get(API, BASE).status_code == 401
    client, _user = signed_in(Role.TIER1)
    tier1 = client.get(API, BASE)
    assert tier1.status_code == 403 and tier1.json()["code"] == "permission_denied"


def test_the_chart_scale_ends_close_above_the_highest_bar_with_a_whole_middle():
    from contactcenter.desk.planning import _scale_top

    for highest, top in ((0, 2), (3, 4), (10, 10), (11, 12), (13, 16), (21, 30), (101, 120)):
        assert _scale_top(highest) == top
        assert top % 2 == 0 and top >= highest


def test_a_published_schedule_is_shared_among_queues_by_their_plans(signed_in, facts):
    """The schedule is one pool: 16 agents on the floor in each half-hour, and two queues with
    the same plan (12 agents each), so this queue's part is 8 in every open interval."""
    import datetime as dt

    from contactcenter.core.business_calendar import BusinessCalendar
    from contactcenter.workforce.models import Schedule, ScheduleInterval, ScheduleStatus
    from tests.desk.planning_data import MONDAY

    facts_write("t1-general-es")
    zone = BusinessCalendar().zone
    schedule = Schedule.objects.create(
        week_start=MONDAY, interval_minutes=30, status=ScheduleStatus.PUBLISHED
    )
    ScheduleInterval.objects.bulk_create(
        ScheduleInterval(
            schedule=schedule,
            start=dt.datetime.combine(WEDNESDAY, dt.time(hour, minute), zone),
            required=26,
            scheduled=16.0,
        )
        for hour in range(8, 20)
        for minute in (0, 30)
    )
    client, _user = signed_in(Role.SUPERVISOR)
    html = client.get(PAGE, BASE).content.decode()
    assert 'data-testid="planning-scheduled-line"' in html
    rows = re.findall(r'data-testid="planning-row">(.*?)</tr>', html, re.S)
    scheduled = {re.findall(r"<td[^>]*>(.*?)</td>", row)[3] for row in rows}
    assert scheduled == {"8"}
    # A draft is not what agents work to: with only a draft, no line.
    schedule.status = ScheduleStatus.DRAFT
    schedule.save()
    cache.clear()
    html = client.get(PAGE, BASE).content.decode()
    assert 'data-testid="planning-scheduled-line"' not in html
