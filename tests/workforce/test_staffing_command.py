"""``contactcenter staffing``: the table, the JSON, the languages and refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contactcenter.cli import command_line
from contactcenter.workforce.staffing import share_parse

GOLDEN = [
    "--contacts=100",
    "--interval-minutes=30",
    "--aht-seconds=180",
    "--target-seconds=20",
    "--service-level=80%",
    "--shrinkage=0.3",
]


def run(*args: str) -> str:
    out = StringIO()
    call_command("staffing", *args, stdout=out)
    return out.getvalue()


def test_the_table_gives_erlang_c_figures_for_the_golden_problem():
    lines = run(*GOLDEN).splitlines()
    assert lines == [
        "Model                    Erlang C",
        "Offered load             10.000 Erlangs",
        "Agents                   14",
        "Scheduled positions      20 (shrinkage 30.00 %)",
        "Service level            88.84 % within 20 s (target 80.00 %)",
        "Probability of waiting   17.41 %",
        "Average speed of answer  7.84 s",
        "Occupancy                71.43 %",
    ]


def test_patience_switches_to_erlang_a_and_shows_abandons_in_spanish():
    table = run(*GOLDEN, "--patience-seconds=300", "--language=es")
    assert "Modelo                     Erlang A" in table
    assert "Agentes                    13" in table
    assert "Puestos programados        19 (reducción 30,00 %)" in table
    assert "Nivel de servicio          85,82 % en 20 s o menos (objetivo 80,00 %)" in table
    assert "Tiempo medio de respuesta  7,49 s" in table
    assert "Probabilidad de abandonar  2,50 %" in table


def test_json_carries_the_full_figures():
    answer = json.loads(run(*GOLDEN, "--max-occupancy=70%", "--json"))
    assert answer["model"] == "erlang_c"
    assert (answer["agents"], answer["positions"]) == (15, 22)
    assert round(answer["probability_of_waiting"], 6) == 0.102042
    assert round(answer["service_level"], 6) == 0.941453
    assert round(answer["asa_seconds"], 2) == 3.67
    assert round(answer["occupancy"], 6) == 0.666667
    assert answer["probability_of_abandoning"] is None
    erlang_a = json.loads(run(*GOLDEN, "--patience-seconds=300", "--json"))
    assert round(erlang_a["probability_of_abandoning"], 6) == 0.024963


def test_chat_concurrency_counts_people_and_their_places():
    answer = json.loads(run(*GOLDEN, "--concurrency=3", "--json"))
    assert (answer["agents"], answer["servers"], answer["positions"]) == (5, 15, 8)
    assert "Contacts at once per agent  3 (15 places)" in run(*GOLDEN, "--concurrency=3")


def test_no_contacts_need_no_agents():
    answer = json.loads(run(*GOLDEN[1:], "--contacts=0", "--json"))
    assert (answer["agents"], answer["positions"], answer["service_level"]) == (0, 0, 1.0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("--contacts=-5", "The number of contacts must be a number of at least 0."),
        ("--contacts=many", "many is not a number."),
        ("--aht-seconds=0", "The average handle time must be a number above 0."),
        ("--service-level=80", "80 is more than 1: write a share as 0.8 or 80%."),
        ("--service-level=100%", "The service-level target must be above 0 and below 1."),
        ("--shrinkage=1", "Shrinkage must be at least 0 and below 1 (100 %)."),
        ("--interval-minutes=0", "The interval must be above 0 and at most 1440 minutes."),
        ("--concurrency=1.5", "1.5 is not a whole number."),
    ],
)
def test_bad_input_is_a_clear_error(change, message):
    name = change.split("=")[0]
    args = [arg for arg in GOLDEN if not arg.startswith(name + "=")] + [change]
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert str(raised.value) == message


def test_errors_speak_spanish_when_asked():
    with pytest.raises(CommandError) as raised:
        run(*GOLDEN, "--patience-seconds=-3", "--language=es")
    assert str(raised.value) == "La paciencia media debe ser un número mayor que 0."


def test_shares_read_as_fractions_or_percentages():
    assert share_parse("0.8") == share_parse("80%") == share_parse(" 80 % ") == 0.8


def test_the_console_script_exits_non_zero_on_bad_input():
    assert command_line(["staffing", "--json"])[1] == "staffing"
    done = subprocess.run(
        [sys.executable, "-m", "contactcenter.cli", "staffing", *GOLDEN[1:], "--contacts=-1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "The number of contacts must be a number of at least 0." in done.stderr
    assert done.stdout == ""


def test_simulate_prints_the_simulated_service_level_beside_erlangs():
    lines = run(*GOLDEN, "--patience-seconds=300", "--simulate", "--replications=400").splitlines()
    assert lines[-1].startswith("Simulated service level    ")
    # Seeded: the same figure each run, within its half-width of Erlang A's 85.82 %.
    assert lines[-1].endswith("(Erlang 85.82 %; 400 runs)")
    level, half_width = lines[-1].split()[3], lines[-1].split()[6]
    assert abs(float(level) - 85.82) < float(half_width) + 0.5
    assert 0.5 < float(half_width) < 2.5


def test_simulate_in_spanish_and_json():
    table = run(*GOLDEN, "--simulate", "--replications=50", "--language=es")
    assert "Nivel de servicio simulado" in table
    assert "puntos (Erlang 88,84 %; 50 réplicas)" in table
    answer = json.loads(run(*GOLDEN, "--simulate", "--replications=50", "--seed=7", "--json"))
    simulated = answer["simulated"]
    assert simulated["replications"] == 50
    assert simulated["probability_of_abandoning"] == 0
    assert abs(simulated["service_level"] - 0.888350) < 0.05
    assert (
        simulated
        == json.loads(run(*GOLDEN, "--simulate", "--replications=50", "--seed=7", "--json"))[
            "simulated"
        ]
    )


def test_steadier_calls_simulate_better_than_erlang_says():
    # 12 agents for 10 Erlangs (Erlang C: 64.02 %); calls of CV 0.3 queue less than exponential
    # ones. Seeded: 67.91 % ± 2.35 points over 300 runs.
    problem = [*GOLDEN[:4], "--service-level=60%"]
    table = run(*problem, "--simulate", "--handle-cv=0.3", "--replications=300")
    words = table.splitlines()[-1].split()
    assert float(words[3]) - float(words[6]) > 64.02


@pytest.mark.parametrize(
    "bad", ["--replications=1", "--replications=x", "--seed=1.5", "--handle-cv=0", "--handle-cv=x"]
)
def test_bad_simulation_options_are_refused(bad):
    with pytest.raises(CommandError):
        run(*GOLDEN, "--simulate", bad)
