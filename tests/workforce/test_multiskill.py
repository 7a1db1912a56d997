"""Multi-skill sizing: hand-checked integer programs, the shortfall, groups read from files and
from the agents' profiles, and the ``plan`` command's multi-skill section."""

from __future__ import annotations

import csv
import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from contactcenter.workforce.errors import SkillGroupsInvalid
from contactcenter.workforce.multiskill import (
    SkillGroup,
    multiskill_size,
    multiskill_size_one,
    multiskill_staff,
    skill_groups_check,
    skill_groups_from_sets,
    skill_groups_read,
)
from contactcenter.workforce.selectors import agent_skill_sets
from tests.workforce.test_plan import QUEUE, history_file

ZONE = ZoneInfo("America/New_York")
EN, ES = "t1-general-en", "t1-general-es"


def group(name: str, *queues: str, cost: float = 1.0, limit: int | None = None) -> SkillGroup:
    return SkillGroup(name=name, queues=frozenset(queues), cost=cost, limit=limit)


def test_one_two_skill_group_counts_each_agent_once():
    """Queues of 3 and 2 agents, one group serving both: 5 agents, 3 on A and 2 on B."""
    answer = multiskill_size_one(required={"A": 3, "B": 2}, groups=[group("both", "A", "B")])
    assert answer.agents == {"both": 5}
    assert answer.allocation == {("both", "A"): 3, ("both", "B"): 2}
    assert answer.shortfall == {}


def test_the_cheapest_mix_of_single_and_two_skill_groups():
    """{A} and {B} at 1, {A,B} at 1.2: single-skill agents only, 3 + 2 at cost 5. With {A}
    limited to 2 and {B} to 1, two bilingual agents fill the gap: 2 + 2 + 1, cost 5.4."""
    groups = [group("a", "A"), group("ab", "A", "B", cost=1.2), group("b", "B")]
    free = multiskill_size_one(required={"A": 3, "B": 2}, groups=groups)
    assert free.agents == {"a": 3, "ab": 0, "b": 2}
    assert free.cost == pytest.approx(5.0)
    limited = [
        group("a", "A", limit=2),
        group("ab", "A", "B", cost=1.2),
        group("b", "B", limit=1),
    ]
    tight = multiskill_size_one(required={"A": 3, "B": 2}, groups=limited)
    assert tight.agents == {"a": 2, "ab": 2, "b": 1}
    assert tight.allocation == {("a", "A"): 2, ("ab", "A"): 1, ("ab", "B"): 1, ("b", "B"): 1}
    assert tight.cost == pytest.approx(5.4)
    assert tight.shortfall == {}


def test_equal_costs_prefer_the_group_with_fewer_skills():
    groups = [group("ab", "A", "B"), group("a", "A"), group("b", "B")]
    answer = multiskill_size_one(required={"A": 4, "B": 1}, groups=groups)
    assert answer.agents == {"ab": 0, "a": 4, "b": 1}


def test_a_limit_that_cannot_be_met_reports_the_shortfall():
    """A two-skill group limited to 4 against 3 + 2: four agents placed, one short."""
    answer = multiskill_size_one(
        required={"A": 3, "B": 2}, groups=[group("both", "A", "B", limit=4)]
    )
    assert answer.agents == {"both": 4}
    assert sum(answer.shortfall.values()) == 1
    assert sum(answer.allocation.values()) == 4


def test_a_queue_no_group_serves_is_a_shortfall_of_its_whole_requirement():
    run = multiskill_size(
        requirements={dt.datetime(2026, 3, 2, 9, tzinfo=ZONE): {"A": 3, "C": 2}},
        groups=[group("a", "A")],
    )
    assert run.unserved == ["C"]
    row = run.intervals[0]
    assert row.sizing.agents == {"a": 3}
    assert row.sizing.shortfall == {"C": 2}
    assert (row.single_skill, row.pooled, row.shortfall) == (5, 3, 2)


def test_a_week_solves_each_distinct_vector_once_and_days_show_the_peaks():
    """Monday: A peaks at 9 (4 agents), B at 14 (3 agents). Dedicated staff need 4 + 3 = 7 on
    the day; two-skill agents only the busiest interval's sum, 5."""
    monday = dt.date(2026, 3, 2)
    at = lambda hour: dt.datetime(2026, 3, 2, hour, tzinfo=ZONE)  # noqa: E731
    requirements = {
        at(8): {"A": 0, "B": 0},
        at(9): {"A": 4, "B": 1},
        at(10): {"A": 4, "B": 1},
        at(14): {"A": 2, "B": 3},
        at(20): {"A": 0, "B": 0},
    }
    run = multiskill_size(requirements=requirements, groups=[group("ab", "A", "B")])
    assert run.solved == 2
    assert [row.pooled for row in run.intervals] == [0, 5, 5, 5, 0]
    days = run.days(monday=monday, zone=ZONE, minutes=60)
    assert len(days) == 7
    monday_ = days[0]
    assert (monday_.single_skill, monday_.multi_skill, monday_.saving) == (7, 5, 2)
    assert (monday_.pooled_peak, monday_.agent_hours, monday_.shortfall) == (5, 15, 0)
    assert monday_.staff == {"ab": 5}
    assert days[1].multi_skill == 0


def test_a_day_uses_two_skill_agents_where_the_peaks_differ():
    """English needs 16 in the morning and 9 in the afternoon, Spanish 5 and 10. Single-skill
    agents at 1, bilingual at 1.1: 11 English, 5 Spanish and 5 bilingual (cost 21.5, 21
    agents: on English in the morning, Spanish in the afternoon) beat 16 + 10 = 26; with 4
    bilingual the day costs 12 + 6 + 4.4 = 22.4, with 6 at least 15 + 6.6 = 21.6."""
    groups = [group("en", "A"), group("es", "B"), group("both", "A", "B", cost=1.1)]
    staff, shortfall = multiskill_staff(
        vectors=[{"A": 16, "B": 5}, {"A": 9, "B": 10}, {"A": 8, "B": 4}, {"A": 0, "B": 0}],
        groups=groups,
    )
    assert staff == {"en": 11, "es": 5, "both": 5}
    assert shortfall == 0
    # Each interval alone takes only the cheaper single-skill agents.
    morning = multiskill_size_one(required={"A": 16, "B": 5}, groups=groups)
    assert morning.agents == {"en": 16, "es": 5, "both": 0}
    # Sized by day, each interval's mix stays within the day's agents.
    at = lambda hour: dt.datetime(2026, 3, 2, hour, tzinfo=ZONE)  # noqa: E731
    run = multiskill_size(
        requirements={at(9): {"A": 16, "B": 5}, at(15): {"A": 9, "B": 10}},
        groups=groups,
        zone=ZONE,
    )
    assert run.day_staff[dt.date(2026, 3, 2)] == ({"en": 11, "es": 5, "both": 5}, 0)
    nine, three = run.intervals
    assert nine.sizing.allocation == {("en", "A"): 11, ("both", "A"): 5, ("es", "B"): 5}
    assert three.sizing.agents == {"en": 9, "es": 5, "both": 5}
    assert three.sizing.allocation[("both", "B")] == 5
    day = run.days(monday=dt.date(2026, 3, 2), zone=ZONE, minutes=30)[0]
    assert (day.single_skill, day.multi_skill, day.saving, day.pooled_peak) == (26, 21, 5, 21)


def test_a_day_limited_below_its_peak_reports_the_shortfall():
    staff, shortfall = multiskill_staff(
        vectors=[{"A": 3, "B": 2}, {"A": 1, "B": 4}], groups=[group("ab", "A", "B", limit=4)]
    )
    assert staff == {"ab": 4}
    assert shortfall == 1


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ([], "No skill groups"),
        ([group("a")], "needs at least one queue"),
        ([group("a", "A"), group("a", "B")], "named twice"),
        ([group("a", "A"), group("b", "A")], "same queues"),
        ([group("a", "A", cost=0)], "the cost must be a number"),
        ([group("a", "A", cost=float("nan"))], "the cost must be a number"),
        ([SkillGroup("a", frozenset({"A"}), limit=-1)], "the limit must be a whole number"),
    ],
)
def test_bad_groups_are_refused(groups, message):
    with pytest.raises(SkillGroupsInvalid, match=message):
        skill_groups_check(groups)


def test_groups_from_yaml_and_csv(tmp_path):
    yaml_file = tmp_path / "groups.yaml"
    yaml_file.write_text(
        "groups:\n"
        "  - {name: english, queues: [t1-general-en]}\n"
        "  - {name: bilingual, queues: [t1-general-en, t1-general-es], cost: 1.2, limit: 5}\n"
    )
    assert skill_groups_read(yaml_file) == [
        group("english", EN),
        group("bilingual", EN, ES, cost=1.2, limit=5),
    ]
    csv_file = tmp_path / "groups.csv"
    csv_file.write_text(
        "name,queues,cost,limit\nenglish,t1-general-en,,\nbilingual,t1-general-en;t1-general-es,1.2,5\n"
    )
    assert skill_groups_read(csv_file) == skill_groups_read(yaml_file)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("g.txt", "x", "must end in .yaml"),
        ("g.yaml", "groups: [", "not valid YAML"),
        ("g.yaml", "name: a", "must hold a list"),
        ("g.yaml", "- {name: a, queues: A}\n- {name: b, skills: [B]}", "g.yaml group 2: unknown"),
        ("g.yaml", "- {name: a, queues: [A], cost: cheap}", "cost cheap is not a number"),
        ("g.csv", "team,queues\na,A\n", "must name the columns"),
        ("g.csv", "name,queues,limit\na,A,many\n", "g.csv line 2: limit many is not a number"),
        ("g.csv", "name,queues,limit\na,A,2.5\n", "limit 2.5 is not a number"),
    ],
)
def test_bad_files_are_refused(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(SkillGroupsInvalid, match=message):
        skill_groups_read(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(SkillGroupsInvalid, match="cannot be read"):
        skill_groups_read(tmp_path / "none.yaml")


def test_skill_sets_from_the_active_agents(queues, make_agent, django_user_model):
    """Routing's eligibility: tier, language, skill (when the queue has one) and a channel."""
    make_agent(languages=["en"])
    make_agent(languages=["en"])
    make_agent(languages=["en", "es"])
    make_agent(languages=["en"], skills=["adoption"])
    make_agent(languages=["es"], capacity={"email": 1})  # t1-general-es takes email
    make_agent(languages=["es"], capacity={"phone": 0})  # takes no channel: left out
    make_agent(tiers=["tier2"], languages=["en"])  # another tier: left out
    gone = make_agent(languages=["en", "es"])
    django_user_model.objects.filter(pk=gone.user_id).update(is_active=False)
    codes = [EN, ES, "t1-intercountry-adoption"]
    sets = agent_skill_sets(queue_codes=codes)
    assert sets == {
        frozenset({EN}): 2,
        frozenset({EN, ES}): 1,
        frozenset({EN, "t1-intercountry-adoption"}): 1,
        frozenset({ES}): 1,
    }
    groups = skill_groups_from_sets(sets)
    assert [(g.name, g.limit, g.headcount) for g in groups] == [
        (EN, 2, 2),
        (ES, 1, 1),
        (f"{EN}+{ES}", 1, 1),
        (f"{EN}+t1-intercountry-adoption", 1, 1),
    ]


def test_no_agent_for_the_queues_is_refused():
    with pytest.raises(SkillGroupsInvalid, match="No active agent"):
        skill_groups_from_sets({})


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("plan", *args, "--no-progress", stdout=out, stderr=StringIO())
    return out.getvalue()


PLAN_ARGS = ("--week", "2026-03-02", "--aht-seconds", "180", "--method", "seasonal_naive",
             "--interval-minutes", "30")  # fmt: skip


def test_the_command_adds_a_multi_skill_section(queues, tmp_path):
    """One queue of 14 agents per open half-hour, served by one group."""
    groups = tmp_path / "groups.yaml"
    groups.write_text(f"- {{name: english, queues: [{QUEUE}]}}\n")
    plain = run_command("--queue", QUEUE, "--history-csv", str(history_file(tmp_path)), *PLAN_ARGS)
    table = run_command(
        "--queue", QUEUE, "--history-csv", str(history_file(tmp_path)), *PLAN_ARGS,
        "--skill-groups", str(groups),
    )  # fmt: skip
    assert table.startswith(plain)
    assert "Multi-skill sizing, week of 2026-03-02" in table
    monday = [line for line in table.splitlines() if line.startswith("2026-03-02")][-1]
    # single-skill, multi-skill, saving, peak interval, agent-hours, shortfall, english
    assert monday.split()[2:] == ["14", "14", "0", "14", "168.0", "0", "14"]


def test_the_command_with_the_agents_groups_and_csv(queues, tmp_path, make_agent):
    for _ in range(10):
        make_agent(languages=["en"])
    text = run_command(
        "--queue", QUEUE, "--history-csv", str(history_file(tmp_path)), *PLAN_ARGS,
        "--skill-groups", "agents", "--csv",
    )  # fmt: skip
    rows = list(csv.DictReader(StringIO(text)))
    assert len(rows) == 7 * 48 - 2  # no row for the hour clocks skip on Sunday 8 March
    nine = next(row for row in rows if row["interval_start"] == "2026-03-02T09:00:00-05:00")
    assert nine == {
        "interval_start": "2026-03-02T09:00:00-05:00",
        "skill_group": QUEUE,
        "queues": QUEUE,
        "cost": "1",
        "limit": "10",
        "day_agents": "10",
        "agents": "10",
        "allocation": f"{QUEUE}:10",
        "single_skill_agents": "14",
        "pooled_agents": "10",
        "shortfall": "4",
    }


def test_the_command_in_spanish_with_groups(queues, tmp_path):
    groups = tmp_path / "groups.csv"
    groups.write_text(f"name,queues\ningles,{QUEUE}\n")
    table = run_command(
        "--queue", QUEUE, "--history-csv", str(history_file(tmp_path)), *PLAN_ARGS,
        "--skill-groups", str(groups), "--language", "es",
    )  # fmt: skip
    assert "Dimensionamiento multihabilidad, semana del 2026-03-02" in table


def test_the_command_refuses_a_bad_groups_file_in_one_line(queues, tmp_path):
    groups = tmp_path / "groups.yaml"
    groups.write_text("- {name: english}\n")
    with pytest.raises(CommandError, match="queues must be a list") as caught:
        run_command(
            "--queue", QUEUE, "--history-csv", str(history_file(tmp_path)), *PLAN_ARGS,
            "--skill-groups", str(groups),
        )  # fmt: skip
    assert "\n" not in str(caught.value)
