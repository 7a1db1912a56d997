"""Routing benchmark: how fast agents can claim work, against the floor PostgreSQL sets.

On a fresh PostgreSQL database (``contactcenter migrate``, dropped at the end): a backlog of N
queued work items (20,000) is claimed to the last item by C concurrent agents (16 and 64), once
through the product's ``work_item_claim`` and once through one bare SQL statement per claim::

    UPDATE routing_workitem SET state = 'assigned', assigned_to_id = %s, ...
    WHERE id = (SELECT id FROM routing_workitem WHERE state = 'queued'
                ORDER BY priority DESC, enqueued_at, id FOR UPDATE SKIP LOCKED LIMIT 1)
    RETURNING id

Both run with the same layout: P spawned OS processes (so the GIL is not what is measured),
each running C/P threads, one agent and one database connection per thread. After every run
each item must have been claimed exactly once: double claims (an id reported twice, or by an
agent the database does not show as owner) and lost items (never reported, or not assigned in
the database) are counted for both paths. Median of 3 runs per path and concurrency; the two
paths alternate so drift (autovacuum, caches) does not favour one.

Each figure is one JSON line on stdout and appended to ``bench/results/latest.jsonl`` (the
case-status benchmark writes there too). Progress goes to stderr. Exit status 1 on any double
claim or lost item. ``--profile`` adds a profiled ORM run: cProfile in every claiming thread and
the time spent in each kind of query. See docs/benchmarks-routing.md.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import importlib
import json
import math
import multiprocessing
import os
import pstats
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
PYTHON = sys.executable
CONTACTCENTER = str(Path(PYTHON).with_name("contactcenter"))
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
TARGET_RATIO = 0.5
# Connections kept free for the parent process and for anyone else using the server.
CONNECTION_HEADROOM = 4
MODES = ("orm", "sql")
DEFAULT_CLAIM = "contactcenter.routing.services:work_item_claim"

BARE_CLAIM_SQL = """
UPDATE routing_workitem
   SET state = 'assigned', assigned_to_id = %s, assigned_at = now(), updated_at = now()
 WHERE id = (SELECT id FROM routing_workitem
              WHERE state = 'queued'
              ORDER BY priority DESC, enqueued_at, id
              FOR UPDATE SKIP LOCKED
              LIMIT 1)
RETURNING id
"""


_STARTED = time.monotonic()


def progress(message: str) -> None:
    # Seconds since start: Django's TIME_ZONE setting changes the process's local time.
    sys.stderr.write(f"[routing +{time.monotonic() - _STARTED:6.1f}s] {message}\n")
    sys.stderr.flush()


# --- The claiming processes -------------------------------------------------------------------


def _child_environment(database_url: str, threads: int) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["LIVE_HELP_ALWAYS_OPEN"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    # One pooled connection per claiming thread, opened before the start line, no more.
    os.environ["DATABASE_POOL_MIN"] = str(threads)
    os.environ["DATABASE_POOL_MAX"] = str(threads)


class QueryClock:
    """Wall time and count per kind of query, for one thread (``--profile`` only)."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.count: Counter[str] = Counter()

    @staticmethod
    def kind(sql: str) -> str:
        if "SKIP LOCKED" in sql:
            return "select_next_for_update"
        if sql.startswith("UPDATE"):
            return "update_item"
        if sql.startswith("SELECT") and '"assigned_to_id"' in sql and '"offered_to_id"' in sql:
            return "free_channels_load"
        return "other: " + sql[:60]

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = self.kind(sql)
            self.seconds[kind] += time.perf_counter() - started
            self.count[kind] += 1


def backend_cpu_seconds(pid: int) -> float | None:
    """CPU time used so far by a PostgreSQL backend on this machine, or None if not readable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # utime and stime, the 14th and 15th fields of proc(5), in clock ticks.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU used by this claiming thread and by its database backend, from start to stop."""

    def __init__(self, backend_pid: int) -> None:
        self.backend_pid = backend_pid

    def start(self) -> None:
        self.client = time.thread_time()
        self.server = backend_cpu_seconds(self.backend_pid)

    def stop(self, out: dict[str, Any]) -> None:
        out["client_cpu"] = time.thread_time() - self.client
        server = backend_cpu_seconds(self.backend_pid)
        out["server_cpu"] = None if server is None or self.server is None else server - self.server


def resolve_claim(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _orm_claimer(
    agent_id: int,
    barrier: Any,
    out: dict[str, Any],
    claim_path: str,
    profile_dir: str | None,
) -> None:
    from django.db import connection

    from contactcenter.routing.models import Agent

    try:
        claim = resolve_claim(claim_path)
        agent = Agent.objects.get(pk=agent_id)  # also opens this thread's connection
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            meter = CpuMeter(cursor.fetchone()[0])
        clock = QueryClock() if profile_dir else None
        profiler = cProfile.Profile() if profile_dir else None
        claim_seconds = 0.0
        ids: list[int] = []
        barrier.wait()
        out["start"] = time.monotonic()
        meter.start()
        with connection.execute_wrapper(clock) if clock else contextlib.nullcontext():
            if profiler:
                profiler.enable()
            while True:
                began = time.perf_counter()
                item = claim(agent=agent)
                claim_seconds += time.perf_counter() - began
                if item is None:
                    break
                ids.append(item.pk)
            if profiler:
                profiler.disable()
        out["end"] = time.monotonic()
        meter.stop(out)
        out["ids"] = ids
        if profile_dir and clock and profiler:
            profiler.dump_stats(str(Path(profile_dir) / f"claimer-{agent_id}.pstats"))
            out["query_seconds"] = dict(clock.seconds)
            out["query_count"] = dict(clock.count)
            out["claim_seconds"] = claim_seconds
    finally:
        connection.close()


def _sql_claimer(
    agent_id: int,
    barrier: Any,
    out: dict[str, Any],
    database_url: str,
) -> None:
    import psycopg

    # psycopg's defaults (server-side binding, statements prepared after 5 uses): the floor.
    with psycopg.connect(database_url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        meter = CpuMeter(cursor.fetchone()[0])  # type: ignore[index]
        ids: list[int] = []
        barrier.wait()
        out["start"] = time.monotonic()
        meter.start()
        while True:
            cursor.execute(BARE_CLAIM_SQL, (agent_id,))
            row = cursor.fetchone()
            if row is None:
                break
            ids.append(row[0])
        out["end"] = time.monotonic()
        meter.stop(out)
        out["ids"] = ids


def claim_process(
    mode: str,
    database_url: str,
    agent_ids: Sequence[int],
    barrier: Any,
    results: Any,
    claim_path: str,
    profile_dir: str | None,
) -> None:
    """One OS process: one thread per agent, each claiming until nothing is left."""
    outs: list[dict[str, Any]] = [{"agent_id": agent_id} for agent_id in agent_ids]
    try:
        if mode == "orm":
            _child_environment(database_url, len(agent_ids))
            import django

            django.setup()

        def run(out: dict[str, Any]) -> None:
            try:
                if mode == "orm":
                    _orm_claimer(out["agent_id"], barrier, out, claim_path, profile_dir)
                else:
                    _sql_claimer(out["agent_id"], barrier, out, database_url)
            except BaseException as error:  # reported to the parent, which fails the run
                out["error"] = f"{type(error).__name__}: {error}"
                barrier.abort()

        threads = [threading.Thread(target=run, args=(out,)) for out in outs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    except BaseException as error:
        barrier.abort()
        for out in outs:
            out.setdefault("error", f"{type(error).__name__}: {error}")
    finally:
        if mode == "orm" and "django.db" in sys.modules:
            close_django()
    results.put(outs)


def run_claimers(
    *,
    mode: str,
    database_url: str,
    agent_ids: Sequence[int],
    processes: int,
    claim_path: str,
    profile_dir: str | None = None,
) -> list[dict[str, Any]]:
    context = multiprocessing.get_context("spawn")
    groups = [list(agent_ids[index::processes]) for index in range(processes)]
    groups = [group for group in groups if group]
    barrier = context.Barrier(len(agent_ids) + 1)
    results = context.Queue()
    workers = [
        context.Process(
            target=claim_process,
            args=(mode, database_url, group, barrier, results, claim_path, profile_dir),
            daemon=True,
        )
        for group in groups
    ]
    outs: list[dict[str, Any]] = []
    try:
        for worker in workers:
            worker.start()
        # Every connection open and every agent loaded; if a child failed to start, its
        # error comes back with the results.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=180)
        for _ in workers:
            outs.extend(results.get(timeout=1800))
        for worker in workers:
            worker.join(timeout=60)
    finally:
        barrier.abort()
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
    errors = [out["error"] for out in outs if "error" in out]
    if errors:
        raise SystemExit(f"bench: {mode} claimers failed: {errors[:3]}")
    return outs


# --- The database ------------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    import psycopg

    name = f"cc_bench_routing_{secrets.token_hex(4)}"
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    progress(f"created database {name}")
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        progress(f"dropped database {name}")


def free_connections() -> int:
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        row = admin.execute(
            "SELECT current_setting('max_connections')::int"
            " - current_setting('superuser_reserved_connections')::int"
            " - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')"
        ).fetchone()
    assert row is not None
    return int(row[0])


def migrate(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "DATABASE_POOL_MIN": "1"}
    done = subprocess.run(
        [CONTACTCENTER, "migrate", "--no-input"],
        env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("bench: migrate failed")


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["LIVE_HELP_ALWAYS_OPEN"] = "true"
    os.environ["DATABASE_POOL_MIN"] = "1"
    os.environ["DATABASE_POOL_MAX"] = "2"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    import django

    django.setup()


def close_django() -> None:
    from django.db import connections

    connections.close_all()
    # The pool keeps its connections open after close_all(); end them, or DROP DATABASE and
    # the server's connection limit see them until the process exits.
    for conn in connections.all(initialized_only=True):
        close_pool = getattr(conn, "close_pool", None)  # PostgreSQL with a pool only
        if close_pool:
            with contextlib.suppress(Exception):
                close_pool()


def make_agents(count: int) -> list[int]:
    from django.contrib.auth import get_user_model

    from contactcenter.routing.models import Agent, Presence

    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench-agent-{index}") for index in range(count)
    )
    agents = Agent.objects.bulk_create(
        Agent(
            user=user, tiers=["tier1"], languages=["en"], skills=[],
            capacity={"phone": 100_000}, presence=Presence.AVAILABLE,
        )
        for user in users
    )  # fmt: skip
    return [agent.pk for agent in agents]


def make_backlog(items: int) -> set[int]:
    """Empty the work-item table and queue ``items`` phone calls on one inquiry.

    TRUNCATE rather than UPDATE back to queued, so no run inherits dead rows from the last.
    """
    from django.db import connection
    from django.utils import timezone

    from contactcenter.inquiries.services import inquiry_open
    from contactcenter.routing.models import Queue, WorkItem

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE routing_workitem CASCADE")
    queue = Queue.objects.get(code="t1-general-en")
    inquiry = inquiry_open(channel="phone")
    start = timezone.now() - dt.timedelta(hours=1)
    created = WorkItem.objects.bulk_create(
        (
            WorkItem(
                queue=queue, inquiry=inquiry, kind="call", channel="phone", tier=queue.tier,
                language=queue.language, skill=queue.skill, live_hours_only=False,
                priority=index % 3, enqueued_at=start + dt.timedelta(milliseconds=index),
            )
            for index in range(items)
        ),
        batch_size=2000,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE routing_workitem")
    return {item.pk for item in created}


def check_claims(outs: Sequence[dict[str, Any]], backlog: set[int]) -> dict[str, int]:
    """Every backlog item claimed exactly once, by the agent the database names."""
    from contactcenter.routing.models import WorkItem, WorkState

    reported = Counter(pk for out in outs for pk in out["ids"])
    claimer = {pk: out["agent_id"] for out in outs for pk in out["ids"]}
    rows = WorkItem.objects.values_list("pk", "state", "assigned_to_id")
    in_database = {pk: (state, owner) for pk, state, owner in rows}
    double = sum(count - 1 for count in reported.values() if count > 1)
    wrong_owner = sum(
        1 for pk, agent_id in claimer.items()
        if reported[pk] == 1 and in_database.get(pk, ("", None))[1] != agent_id
    )  # fmt: skip
    lost = sum(
        1 for pk in backlog
        if pk not in reported or in_database.get(pk, ("", None))[0] != WorkState.ASSIGNED
    )  # fmt: skip
    strays = sum(1 for pk in reported if pk not in backlog)
    return {"double_claims": double + wrong_owner, "lost": lost + strays}


def one_run(
    *,
    mode: str,
    items: int,
    agent_ids: Sequence[int],
    processes: int,
    database_url: str,
    claim_path: str,
    profile_dir: str | None = None,
) -> dict[str, Any]:
    backlog = make_backlog(items)
    outs = run_claimers(
        mode=mode, database_url=database_url, agent_ids=agent_ids, processes=processes,
        claim_path=claim_path, profile_dir=profile_dir,
    )  # fmt: skip
    elapsed = max(out["end"] for out in outs) - min(out["start"] for out in outs)
    claims = sum(len(out["ids"]) for out in outs)
    per_agent = [len(out["ids"]) for out in outs]
    server_cpu = [out["server_cpu"] for out in outs]
    return {
        "mode": mode,
        "claims": claims,
        "seconds": round(elapsed, 3),
        "claims_per_second": claims / elapsed,
        "agents_with_work": sum(1 for n in per_agent if n),
        # CPU per claim explains the ratio on a small machine better than wall time can: the
        # claimers and PostgreSQL share the same cores.
        "client_cpu_ms_per_claim": 1000 * sum(out["client_cpu"] for out in outs) / claims,
        "server_cpu_ms_per_claim": (
            None if None in server_cpu else 1000 * sum(server_cpu) / claims
        ),
        "outs": outs,
        **check_claims(outs, backlog),
    }


# --- Figures -----------------------------------------------------------------------------------


def round_figure(key: str, value: Any) -> Any:
    if not isinstance(value, float):
        return value
    return round(value, 3 if "cpu" in key else 1)


def median_or_none(values: Iterator[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    if not known:
        return None
    return round(statistics.median(known), 3)


def measure(args: argparse.Namespace, database_url: str, agents: list[int]) -> list[dict]:
    lines: list[dict[str, Any]] = []
    for concurrency in args.concurrency:
        agent_ids = agents[:concurrency]
        processes = min(args.processes, concurrency)
        runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
        for index in range(args.runs):
            # Alternate which path goes first, so drift does not favour one.
            for mode in MODES if index % 2 == 0 else tuple(reversed(MODES)):
                result = one_run(
                    mode=mode, items=args.items, agent_ids=agent_ids, processes=processes,
                    database_url=database_url, claim_path=args.claim,
                )  # fmt: skip
                result.pop("outs")
                runs[mode].append(result)
                progress(
                    f"{concurrency} agents, run {index + 1}/{args.runs}, {mode}: "
                    f"{result['claims_per_second']:.0f} claims/s in {result['seconds']} s, "
                    f"{result['agents_with_work']} agents got work, "
                    f"double claims {result['double_claims']}, lost {result['lost']}; "
                    f"CPU ms per claim: client {result['client_cpu_ms_per_claim']:.2f}, "
                    f"server {result['server_cpu_ms_per_claim'] or float('nan'):.2f}"
                )
        orm = statistics.median(run["claims_per_second"] for run in runs["orm"])
        bare = statistics.median(run["claims_per_second"] for run in runs["sql"])
        lines.append(
            {
                "bench": "routing",
                "metric": "claims_per_second",
                "value": round(orm, 1),
                "baseline": round(bare, 1),
                "ratio": round(orm / bare, 3),
                "unit": "claims/s",
                "concurrency": concurrency,
                "double_claims": sum(run["double_claims"] for run in runs["orm"]),
                "lost": sum(run["lost"] for run in runs["orm"]),
                "baseline_double_claims": sum(run["double_claims"] for run in runs["sql"]),
                "baseline_lost": sum(run["lost"] for run in runs["sql"]),
                "target_ratio": TARGET_RATIO,
                "database": "postgresql",
                "detail": {
                    "value_is": f"{args.claim} (Django ORM), median of runs",
                    "baseline_is": "one bare UPDATE ... FOR UPDATE SKIP LOCKED per claim "
                    "(psycopg, autocommit), median of runs",
                    "items": args.items,
                    "cpu_ms_per_claim_median": {
                        mode: {
                            side: median_or_none(run[f"{side}_cpu_ms_per_claim"] for run in rs)
                            for side in ("client", "server")
                        }
                        for mode, rs in runs.items()
                    },
                    "processes": processes,
                    "threads_per_process": math.ceil(concurrency / processes),
                    "runs": {
                        mode: [{k: round_figure(k, v) for k, v in r.items()} for r in rs]
                        for mode, rs in runs.items()
                    },
                },
            }
        )
    return lines


def profile(args: argparse.Namespace, database_url: str, agents: list[int]) -> dict[str, Any]:
    """One ORM run with cProfile in every claiming thread and a clock on every query."""
    concurrency = args.concurrency[0]
    processes = min(args.processes, concurrency)
    artifacts = PROJECT_DIR / "var" / "bench"
    artifacts.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile_dir:
        result = one_run(
            mode="orm", items=args.items, agent_ids=agents[:concurrency], processes=processes,
            database_url=database_url, claim_path=args.claim, profile_dir=profile_dir,
        )  # fmt: skip
        files = sorted(str(path) for path in Path(profile_dir).glob("*.pstats"))
        report = artifacts / "routing-claim.txt"
        with report.open("w") as handle:
            stats = pstats.Stats(*files, stream=handle)
            stats.dump_stats(str(artifacts / "routing-claim.pstats"))
            stats.sort_stats("tottime").print_stats(40)
            stats.sort_stats("cumulative").print_stats(60)
    outs = result.pop("outs")
    claims = max(result["claims"], 1)
    seconds: defaultdict[str, float] = defaultdict(float)
    counts: Counter[str] = Counter()
    for out in outs:
        for kind, spent in out["query_seconds"].items():
            seconds[kind] += spent
        counts.update(out["query_count"])
    claim_seconds = sum(out["claim_seconds"] for out in outs)
    per_claim_ms = {
        kind: round(1000 * s / claims, 3)
        for kind, s in sorted(seconds.items(), key=lambda kv: -kv[1])
    }
    per_claim_ms["rest (Python, BEGIN/COMMIT)"] = round(
        1000 * (claim_seconds - sum(seconds.values())) / claims, 3
    )
    progress(f"profile written to {report}")
    return {
        "bench": "routing",
        "metric": "profiled_claims_per_second",
        "value": round(result["claims_per_second"], 1),
        "baseline": None,
        "ratio": None,
        "unit": "claims/s",
        "concurrency": concurrency,
        "double_claims": result["double_claims"],
        "lost": result["lost"],
        "database": "postgresql",
        "detail": {
            "method": "work_item_claim under cProfile in every thread, each query timed "
            "(wall time seen by the claiming thread, waits included)",
            "wall_ms_per_claim_by_kind": per_claim_ms,
            "wall_ms_per_claim": round(1000 * claim_seconds / claims, 3),
            "queries_per_claim": {kind: round(n / claims, 3) for kind, n in counts.items()},
            "profile": str(report.relative_to(PROJECT_DIR)),
        },
    }


def agent_load_query_plan(agent_id: int) -> list[str]:
    """What the capacity check in ``_free_channels`` costs on the server for a busy agent."""
    from django.db import connection
    from django.db.models import Q

    from contactcenter.routing.models import WorkItem, WorkState

    query = WorkItem.objects.filter(
        Q(assigned_to_id=agent_id, state=WorkState.ASSIGNED)
        | Q(offered_to_id=agent_id, state=WorkState.OFFERED)
    ).values_list("channel", flat=True)
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=20_000, help="backlog size (20000)")
    parser.add_argument("--concurrency", default="16,64", help="agents at once (16,64)")
    parser.add_argument("--runs", type=int, default=3, help="runs per path, median (3)")
    parser.add_argument(
        "--processes", type=int, default=8,
        help="OS processes the agents are spread over (8; never more than the agents)",
    )  # fmt: skip
    parser.add_argument(
        "--profile", action="store_true",
        help="add one profiled ORM run at the first concurrency (var/bench/routing-claim.*)",
    )  # fmt: skip
    parser.add_argument(
        "--claim", default=DEFAULT_CLAIM, metavar="MODULE:FUNCTION",
        help="the claim to measure against the bare loop, called as f(agent=...) and "
        f"returning the item or None ({DEFAULT_CLAIM}); for trying a change before making it",
    )  # fmt: skip
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "latest.jsonl")
    args = parser.parse_args(argv)
    try:
        args.concurrency = [int(part) for part in args.concurrency.split(",") if part.strip()]
    except ValueError:
        parser.error("--concurrency takes whole numbers separated by commas, e.g. 16,64")
    if not args.concurrency or min(args.concurrency) < 1:
        parser.error("--concurrency needs at least one number of agents, each 1 or more")
    if args.items < 1 or args.runs < 1 or args.processes < 1:
        parser.error("--items, --runs and --processes must be 1 or more")
    return args


def _stop(signum: int, frame: Any) -> None:
    raise SystemExit(f"bench: stopped by signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Stopped from outside (a CI timeout, kill): still stop the claimers and drop the database.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    needed = max(args.concurrency) + CONNECTION_HEADROOM
    available = free_connections()
    if available < needed:
        raise SystemExit(
            f"bench: PostgreSQL has {available} free connections; {needed} are needed "
            f"({max(args.concurrency)} agents + {CONNECTION_HEADROOM})"
        )
    lines: list[dict[str, Any]] = []
    with fresh_database() as database_url:
        try:
            progress("migrating")
            migrate(database_url)
            setup_django(database_url)
            from contactcenter.routing.reference_data import queues_load

            queues_load()
            agents = make_agents(max(args.concurrency))
            lines.extend(measure(args, database_url, agents))
            if args.profile:
                line = profile(args, database_url, agents)
                line["detail"]["agent_load_plan"] = agent_load_query_plan(agents[0])
                lines.append(line)
        finally:
            if "django.db" in sys.modules:
                close_django()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("a") as out:
        for line in lines:
            text = json.dumps(line)
            print(text, flush=True)
            out.write(text + "\n")
    failed = [line for line in lines if line["double_claims"] or line["lost"]]
    failed += [line for line in lines if line.get("baseline_double_claims")]
    failed += [line for line in lines if line.get("baseline_lost")]
    if failed:
        progress("FAILED: double claims or lost items (see the lines above)")
        return 1
    for line in lines:
        if line["ratio"] is not None and line["ratio"] < TARGET_RATIO:
            progress(
                f"below target: {line['concurrency']} agents at {line['ratio']} of the bare "
                f"SQL loop (target {TARGET_RATIO})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
