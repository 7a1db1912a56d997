"""Workforce benchmark: how fast the project sizes staff, beside pyworkforce on the same problems.

* **A grid of interval problems**: ``--volumes`` × AHTs × answer-time thresholds × service-level
  targets (10 × 5 × 4 × 5 = 1,000 half-hour problems), each solved for the fewest agents by
  Erlang C with ``workforce.erlang.required_agents``: problems per second (median of ``--runs``
  passes). The baseline is ``pyworkforce``'s ``ErlangC.required_positions`` on the same grid in
  the same run, in a venv of its own under ``var/bench/`` (it is not a project dependency: it
  pulls in OR-Tools and pandas), run as a subprocess that prints its answers and timings as
  JSON. Its ``asa`` argument is the answer-time threshold; it works in any one time unit (here
  minutes). Every problem's answer is compared; mismatches are listed with their problem. If
  pyworkforce cannot be installed (offline), the bench says so and prints its own figures alone.
* **A week of plans**: 20 queues × 7 days × 48 half-hours = 6,720 interval problems (contacts,
  handle time, target and shrinkage as a planner gives them, through
  ``workforce.staffing.staffing_solve``) by Erlang C, against a target of one second; then the
  same week with a mean patience per queue (Erlang A), against the same second.

* **A schedule for about 500 agents**: a week of half-hours whose requirement (two daily peaks,
  weekends at 40 %, 10 % absence added) takes about 500 agents on the shipped shift patterns
  (full time with breaks and lunch, four tens, part time), through
  ``workforce.schedule.schedule_make``; seconds against the target of 30 s. The baseline, in
  the same run, is the linear relaxation of the same model (fractional agents): its seconds,
  and its cost as a lower bound, with the schedule's gap above it.

``--part erlang`` or ``--part schedule`` runs one half only; ``--part week`` only the two
weeks of plans (no grid, no pyworkforce, no schedule).

One JSON line per figure on stdout, appended to ``bench/results/latest.jsonl``; progress on
stderr. Exit status 1 if an answer differs from pyworkforce's (when it ran); a missed speed
target is a figure to read, not a failure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
VENV = PROJECT_DIR / "var" / "bench" / "pyworkforce-venv"
PYWORKFORCE = "pyworkforce==0.5.1"
INTERVAL_MINUTES = 30

_started = time.monotonic()

# Run inside pyworkforce's venv: problems on stdin, answers and timings on stdout.
_PYWORKFORCE_SCRIPT = """
import json, sys, time
from pyworkforce.queuing import ErlangC
request = json.load(sys.stdin)
problems, runs = request["problems"], request["runs"]
seconds, answers = [], []
for _ in range(runs):
    started = time.perf_counter()
    answers = [
        ErlangC(transactions=volume, aht=aht / 60, asa=target / 60, interval=interval)
        .required_positions(service_level=level)["raw_positions"]
        for volume, aht, target, level, interval in problems
    ]
    seconds.append(time.perf_counter() - started)
json.dump({"answers": answers, "seconds": seconds}, sys.stdout)
"""


def progress(message: str) -> None:
    print(
        f"[workforce +{time.monotonic() - _started:6.1f}s] {message}", file=sys.stderr, flush=True
    )


def grid(volumes: Sequence[float]) -> list[tuple[float, float, float, float, int]]:
    """(contacts per half hour, AHT s, threshold s, service-level target, interval minutes)."""
    return [
        (volume, aht, target, level, INTERVAL_MINUTES)
        for volume in volumes
        for aht in (120, 180, 300, 420, 600)
        for target in (10, 20, 30, 60)
        for level in (0.7, 0.8, 0.85, 0.9, 0.95)
    ]


def pyworkforce_python() -> Path | None:
    """The venv's interpreter with pyworkforce importable, installing it once; None offline."""
    python = VENV / "bin" / "python"
    check = [str(python), "-c", "import pyworkforce.queuing"]
    if python.exists() and subprocess.run(check, capture_output=True, check=False).returncode == 0:
        return python
    progress(f"installing {PYWORKFORCE} into {VENV.relative_to(PROJECT_DIR)} (once)")
    VENV.parent.mkdir(parents=True, exist_ok=True)
    steps = [
        [sys.executable, "-m", "venv", str(VENV)],
        [str(python), "-m", "pip", "install", "--quiet", PYWORKFORCE],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            progress(f"could not install {PYWORKFORCE}: {done.stderr.strip()[-300:]}")
            return None
    if subprocess.run(check, capture_output=True, check=False).returncode != 0:
        return None
    return python


def ours(problems: list[tuple[float, float, float, float, int]], runs: int) -> tuple[list, list]:
    from contactcenter.workforce.erlang import offered_load, required_agents

    seconds: list[float] = []
    answers: list[int] = []
    for _run in range(runs):
        started = time.perf_counter()
        answers = [
            required_agents(
                load=offered_load(contacts=volume, interval_seconds=interval * 60, aht_seconds=aht),
                aht_seconds=aht,
                target_seconds=target,
                service_level=level,
            ).agents
            for volume, aht, target, level, interval in problems
        ]
        seconds.append(time.perf_counter() - started)
    return answers, seconds


def theirs(python: Path, problems: list, runs: int) -> tuple[list, list]:
    done = subprocess.run(
        [str(python), "-c", _PYWORKFORCE_SCRIPT],
        input=json.dumps({"problems": problems, "runs": runs}),
        capture_output=True, text=True, check=False, cwd=VENV.parent,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"bench: pyworkforce failed: {done.stderr.strip()[-500:]}")
    reply = json.loads(done.stdout)
    return reply["answers"], reply["seconds"]


def week(queues: int, seed: int, *, patient: bool) -> list[dict[str, Any]]:
    """A week of half-hours per queue: a daily volume, two peaks, quieter weekends and nights.
    With ``patient`` each queue has a mean patience (Erlang A), otherwise none (Erlang C)."""
    chance = random.Random(seed)
    problems = []
    for _queue in range(queues):
        daily = chance.uniform(500, 20_000)
        aht = chance.choice([150, 240, 360, 480, 600])
        target = chance.choice([20, 30, 60])
        patience = chance.choice([120, 180, 300, 600]) if patient else None
        shape = [
            0.2 + 1.5 * max(0.0, 1 - abs(slot - 21) / 8) + 1.2 * max(0.0, 1 - abs(slot - 30) / 8)
            for slot in range(48)
        ]
        total = sum(shape)
        for day in range(7):
            weight = 0.4 if day >= 5 else 1.0
            for slot in range(48):
                problems.append({
                    "contacts": round(daily * weight * shape[slot] / total, 1),
                    "interval_minutes": INTERVAL_MINUTES, "aht_seconds": aht,
                    "target_seconds": target, "service_level": 0.8,
                    "patience_seconds": patience, "shrinkage": 0.3,
                })  # fmt: skip
    return problems


def schedule_requirement(scale: float) -> list[int]:
    """Agents on the floor per half-hour of a week: open 8:00-20:00, a morning and an afternoon
    peak, weekends at 40 %; ``scale`` 1.07 takes about 500 agents with 10 % absence."""
    agents = []
    for day in range(7):
        weight = 0.4 if day >= 5 else 1.0
        for slot in range(48):
            if 16 <= slot < 40:
                shape = (
                    0.5
                    + 1.0 * max(0.0, 1 - abs(slot - 21) / 8)
                    + 0.8 * max(0.0, 1 - abs(slot - 30) / 8)
                )
                agents.append(round(scale * 200 * weight * shape))
            else:
                agents.append(0)
    return agents


def schedule_figure(scale: float, figure: Any) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    from contactcenter.workforce.schedule import Requirement, schedule_make
    from contactcenter.workforce.shifts import patterns_load

    requirement = Requirement(
        dt.date(2026, 3, 2), INTERVAL_MINUTES, ZoneInfo("America/New_York"),
        tuple(schedule_requirement(scale)),
    )  # fmt: skip
    patterns = patterns_load()
    progress("schedule: linear relaxation (the baseline)")
    relaxed = schedule_make(requirement=requirement, patterns=patterns, relax=True)
    progress("schedule: whole agents, breaks and lunches placed")
    result = schedule_make(requirement=requirement, patterns=patterns, time_limit=60)
    gap = (result.objective - relaxed.objective) / relaxed.objective
    figure("schedule_500_agents_seconds", result.seconds, relaxed.seconds, "s",
           agents=len(result.lines), paid_hours=round(result.paid_hours, 2),
           required_hours=round(result.required_hours, 2),
           short_hours=round(result.short_hours, 2), over_hours=round(result.over_hours, 2),
           cost=round(result.objective, 2), lower_bound=round(relaxed.objective, 2),
           gap_above_lower_bound=round(gap, 5), finished=result.optimal,
           patterns=[p.code for p in patterns], target="under 30 s",
           baseline_is="the linear relaxation of the same model, same run (seconds; its cost "
           "is the lower bound)")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--volumes", default="5,10,25,50,100,200,400,800,1500,3000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--queues", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-pyworkforce", action="store_true", help="skip the baseline")
    parser.add_argument("--part", choices=["all", "erlang", "week", "schedule"], default="all")
    parser.add_argument("--schedule-scale", type=float, default=1.07, help="about 500 agents")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "latest.jsonl")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()
    from contactcenter.workforce.staffing import staffing_solve

    lines: list[dict[str, object]] = []
    failed = False

    def figure(metric: str, value: float, baseline: float | None, unit: str, **detail) -> None:
        ratio = round(value / baseline, 3) if baseline else None
        line = {"bench": "workforce", "metric": metric, "value": round(value, 4),
                "baseline": None if baseline is None else round(baseline, 4), "ratio": ratio,
                "unit": unit, "database": None, "detail": detail}  # fmt: skip
        lines.append(line)
        print(json.dumps(line), flush=True)
        progress(f"{metric} = {value:.4g} {unit} (baseline {baseline}, ratio {ratio})")

    if args.part in ("all", "erlang", "week"):
        if args.part != "week":
            failed = grid_figure(args, figure)
        for model, patient in (("erlang_c", False), ("erlang_a", True)):
            plans = week(args.queues, args.seed, patient=patient)
            progress(f"week, {model}: {len(plans)} interval plans ({args.queues} queues × 7 × 48)")
            times = []
            positions = 0
            for _run in range(args.runs):
                started = time.perf_counter()
                positions = sum(staffing_solve(**plan).positions for plan in plans)
                times.append(time.perf_counter() - started)
            median = statistics.median(times)
            # One second for either model: the plan uses Erlang A wherever a queue has a patience.
            figure(f"week_of_half_hours_planned_{model}", median, 1.0, "s", problems=len(plans),
                   queues=args.queues, runs=args.runs, worst_seconds=round(max(times), 4),
                   positions_summed=positions, target="under 1 s",
                   baseline_is="one second")  # fmt: skip
    if args.part in ("all", "schedule"):
        schedule_figure(args.schedule_scale, figure)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("a") as out:
        for line in lines:
            out.write(json.dumps(line) + "\n")
    return 1 if failed else 0


def grid_figure(args: argparse.Namespace, figure: Any) -> bool:
    """The grid of Erlang C problems beside pyworkforce; True if an answer differs."""
    failed = False
    problems = grid([float(volume) for volume in args.volumes.split(",")])
    progress(f"grid: {len(problems)} Erlang C problems, {args.runs} passes")
    answers, seconds = ours(problems, args.runs)
    our_speed = len(problems) / statistics.median(seconds)
    python = None if args.no_pyworkforce else pyworkforce_python()
    if python is None:
        figure("erlang_c_required_agents_per_second", our_speed, None, "problems/s",
               problems=len(problems), runs=args.runs, best_seconds=round(min(seconds), 4),
               baseline_is=f"{PYWORKFORCE}: not run (skipped, or not installable)")  # fmt: skip
    else:
        their_answers, their_seconds = theirs(python, problems, args.runs)
        their_speed = len(problems) / statistics.median(their_seconds)
        mismatches = [
            {
                "contacts": volume,
                "aht_seconds": aht,
                "target_seconds": target,
                "service_level": level,
                "ours": mine,
                "pyworkforce": other,
            }
            for (volume, aht, target, level, _minutes), mine, other in zip(
                problems, answers, their_answers, strict=True
            )
            if mine != other
        ]
        failed = failed or bool(mismatches)
        figure("erlang_c_required_agents_per_second", our_speed, their_speed, "problems/s",
               problems=len(problems), runs=args.runs, mismatches=len(mismatches),
               mismatched_problems=mismatches[:20], target="ratio at least 1",
               baseline_is=f"{PYWORKFORCE} ErlangC.required_positions, same grid, same run, "
               "its own venv")  # fmt: skip
    return failed


if __name__ == "__main__":
    raise SystemExit(main())
