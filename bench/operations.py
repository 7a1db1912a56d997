"""Operations benchmark: a year of a large agency's contacts through the event log, the fold,
the year's report and the wallboard.

On a fresh database each (a temporary SQLite file; a PostgreSQL database created and dropped),
after ``contactcenter migrate``:

* **Events.** ``--contacts`` (10 million) contacts over the last ``--days`` (365) days, on
  business days, in ``--queues`` (20) queues of phone and chat in English and Spanish, with a
  morning and an afternoon peak: a fifth settled in self-service (one ``self_served`` event),
  the rest ``queued``, then ``answered`` (with the seconds waited; ``wrapped_up`` some minutes
  later) or ``abandoned``. About 2.6 events a contact.
* **Fold against plain inserts**, day by day, timed apart: the day's events written to the
  event log with plain ``INSERT``s through the driver's ``executemany`` (no receiver, no
  conflict check, no Python model), then ``operations.services.interval_facts_fold`` over the
  same events. The figure is the fold's speed as a share of the insert's (target at least 0.5).
* **A year's report by day** for all queues (``operations.reports.report_rows``, grain day,
  grouped by queue, and all together): median and worst of ``--report-runs`` (5) against
  under one second; the baseline is the same report for one week.
* **The wallboard** with ``--agents`` (200) agents signed in across the queues, calls waiting
  and ``--finished-items`` (300,000) finished work items behind the queues:
  ``GET /desk/wallboard/board/`` (the fragment the page reloads) through Django's test client,
  signed in as a supervisor, ``--refreshes`` (300) times: p50/p99 against under 100 ms, beside
  ``GET /healthz`` through the same client.

One JSON line per figure on stdout and in ``bench/results/latest.jsonl``; progress on stderr.
Exit status 1 if the fold's counts do not add up to the events written.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import json
import math
import os
import pstats
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
CONTACTCENTER = str(Path(sys.executable).with_name("contactcenter"))
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
# Shares of the contacts: self-served, and of those queued, answered.
SELF_SERVED_SHARE = 0.2
ANSWERED_SHARE = 0.9

_started = time.monotonic()


def progress(message: str) -> None:
    print(
        f"[operations +{time.monotonic() - _started:7.1f}s] {message}", file=sys.stderr, flush=True
    )


@contextlib.contextmanager
def fresh_database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(dir=PROJECT_DIR / "var") as directory:
            yield f"sqlite:///{directory}/bench.sqlite3"
        return
    import psycopg

    name = f"cc_bench_operations_{secrets.token_hex(4)}"
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    progress(f"created database {name}")
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        if os.environ.get("BENCH_KEEP_DATABASE"):
            progress(f"kept database {name}")
        else:
            with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            progress(f"dropped database {name}")


def run_one(kind: str, args: argparse.Namespace) -> list[dict[str, object]]:
    """Each database in its own process: Django is set up once per process."""
    (PROJECT_DIR / "var").mkdir(exist_ok=True)
    with fresh_database(kind) as database_url:
        env = {**os.environ, "DATABASE_URL": database_url, "DATABASE_POOL_MIN": "1",
               "LOG_LEVEL": "WARNING", "REDIS_URL": "", "DEBUG": "false"}  # fmt: skip
        done = subprocess.run(
            [CONTACTCENTER, "migrate", "--no-input"],
            env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit("bench: migrate failed")
        progress(f"{kind}: migrated")
        child = subprocess.run(
            [sys.executable, __file__, "--measure", kind, *_passed_on(args)],
            env=env, cwd=PROJECT_DIR, stdout=subprocess.PIPE, text=True, check=False,
        )  # fmt: skip
        if child.returncode != 0:
            raise SystemExit(f"bench: {kind} run failed")
        return [json.loads(line) for line in child.stdout.splitlines() if line.strip()]


def _passed_on(args: argparse.Namespace) -> list[str]:
    return [
        "--contacts", str(args.contacts), "--days", str(args.days), "--queues", str(args.queues),
        "--agents", str(args.agents), "--refreshes", str(args.refreshes),
        "--finished-items", str(args.finished_items),
        "--report-runs", str(args.report_runs), "--seed", str(args.seed),
        *(["--profile"] if args.profile else []),
    ]  # fmt: skip


# --- The year's events ------------------------------------------------------------------------


def business_days(last: dt.date, days: int) -> list[dt.date]:
    first = last - dt.timedelta(days=days - 1)
    return [
        first + dt.timedelta(days=n)
        for n in range(days)
        if (first + dt.timedelta(days=n)).weekday() < 5
    ]


def arrival_seconds(chance: random.Random, count: int) -> list[int]:
    """``count`` arrival times in seconds after 8:00, over twelve hours, with peaks at about
    10:00 and 14:00 (a mixture of two bell curves and a flat floor), sorted."""
    span = 12 * 3600
    times = []
    for _ in range(count):
        pick = chance.random()
        if pick < 0.35:
            second = chance.gauss(2 * 3600, 3600)
        elif pick < 0.7:
            second = chance.gauss(6 * 3600, 4000)
        else:
            second = chance.uniform(0, span)
        times.append(min(span - 1, max(0, int(second))))
    times.sort()
    return times


class EventWriter:
    """Makes one day's events as rows for the event log's table, columns in ``COLUMNS``."""

    COLUMNS = (
        "event_id", "kind", "channel", "at", "recorded_at", "language", "inquiry_id",
        "queue_id", "work_item_id", "agent_id", "actor_user_id", "record_id", "detail",
    )  # fmt: skip

    def __init__(self, *, vendor: str, queues: Sequence[tuple[int, str, str]], agents: int):
        self.vendor = vendor
        self.queues = queues  # (id, channel, language)
        self.agents = agents
        self.serial = 0
        self.contact = 0

    def _moment(self, base: dt.datetime, second: int) -> object:
        moment = base + dt.timedelta(seconds=second)
        if self.vendor == "sqlite":
            return moment.strftime("%Y-%m-%d %H:%M:%S")
        return moment

    def day(self, chance: random.Random, day: dt.date, contacts: int, zone) -> list[tuple]:
        eight = dt.datetime.combine(day, dt.time(8), tzinfo=zone).astimezone(dt.UTC)
        base = eight.replace(tzinfo=None) if self.vendor == "sqlite" else eight
        events: list[tuple[int, tuple]] = []
        moment = self._moment
        for second in arrival_seconds(chance, contacts):
            self.contact += 1
            contact = self.contact
            queue_id, channel, language = self.queues[contact % len(self.queues)]
            if chance.random() < SELF_SERVED_SHARE:
                at = moment(base, second)
                events.append((second, self._row("self_served", channel, at, language, None,
                                                 None, None, None, "{}")))  # fmt: skip
                continue
            at = moment(base, second)
            work = '"work": "call"' if channel == "phone" else '"work": "chat"'
            events.append((second, self._row("queued", channel, at, language, contact, queue_id,
                                             contact, None, "{" + work + "}")))  # fmt: skip
            waited = int(chance.expovariate(1 / 25)) + 1
            agent = 1 + contact % self.agents
            left = second + waited
            if chance.random() < ANSWERED_SHARE:
                detail = "{" + work + f', "waited_seconds": {waited}' + "}"
                answer = self._row("answered", channel, moment(base, left), language, contact,
                                   queue_id, contact, agent, detail)  # fmt: skip
                events.append((left, answer))
                done = left + 180 + int(chance.expovariate(1 / 240))
                events.append((done, self._row("wrapped_up", channel, moment(base, done),
                                               language, contact, queue_id, contact, agent,
                                               "{" + work + "}")))  # fmt: skip
            else:
                detail = "{" + work + f', "waited_seconds": {waited}' + "}"
                events.append((left, self._row("abandoned", channel, moment(base, left),
                                               language, contact, queue_id, contact, None,
                                               detail)))  # fmt: skip
        events.sort(key=lambda pair: pair[0])
        return [row for _second, row in events]

    def _row(self, kind, channel, at, language, inquiry, queue, item, agent, detail) -> tuple:
        self.serial += 1
        number = uuid.UUID(int=self.serial)
        event_id = number.hex if self.vendor == "sqlite" else str(number)
        return (event_id, kind, channel, at, at, language, inquiry, queue, item, agent, None,
                None, detail)  # fmt: skip


def insert_events(rows: Sequence[tuple], table: str, columns: Sequence[str]) -> None:
    """Plain INSERTs of the rows through the driver's executemany (pipelined on PostgreSQL),
    one transaction for the lot: the fastest plain way in measured here on both databases."""
    from django.db import connection, transaction

    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# --- Measuring --------------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def measure(kind: str, args: argparse.Namespace) -> list[dict[str, object]]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Sum
    from django.test import Client
    from django.utils import timezone

    from contactcenter.inquiries.models import Inquiry
    from contactcenter.operations.intervals import agency_zone
    from contactcenter.operations.models import ContactEventRecord, IntervalFacts
    from contactcenter.operations.reports import ReportSpec, report_rows
    from contactcenter.operations.services import interval_facts_fold
    from contactcenter.routing.models import (
        Agent,
        Presence,
        Queue,
        QueueTier,
        WorkItem,
        WorkKind,
        WorkState,
    )
    from contactcenter.staff.models import Role

    sys.path.insert(0, str(PROJECT_DIR))
    from contactcenter.inquiries.services import inquiry_open
    from tests.factories import StaffUserFactory

    # Staff accounts are made here by the hundred; their passwords are never typed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The page is measured, not the sign-in: the supervisor's session is made by the client.
    settings.STAFF_REQUIRE_TWO_STEP = False
    figures: list[dict[str, object]] = []

    def figure(metric: str, value: float, baseline: float | None, unit: str, **detail) -> None:
        ratio = round(value / baseline, 3) if baseline else None
        line = {"bench": "operations", "metric": metric, "value": round(value, 4),
                "baseline": None if baseline is None else round(baseline, 4), "ratio": ratio,
                "unit": unit, "database": kind, "detail": detail}  # fmt: skip
        figures.append(line)
        progress(f"{kind}: {metric} = {value:.4g} {unit} (baseline {baseline}, ratio {ratio})")

    zone = agency_zone()
    chance = random.Random(args.seed)
    queues = []
    for number in range(args.queues):
        language = "es" if number % 3 == 2 else "en"
        queue = Queue.objects.create(
            code=f"bench-{number:02d}", name_en=f"Line {number}", name_es=f"Línea {number}",
            tier=QueueTier.TIER1, language=language, channels=["phone", "chat"],
            service_level_seconds=20 if number % 2 else 60,
        )  # fmt: skip
        queues.extend([(queue.pk, "phone", language), (queue.pk, "chat", language)])
    today = timezone.localdate()
    days = business_days(today - dt.timedelta(days=1), args.days)
    per_day = max(1, args.contacts // len(days))
    writer = EventWriter(vendor=connection.vendor, queues=queues, agents=args.agents)
    table = ContactEventRecord._meta.db_table
    progress(f"{kind}: {len(days)} business days, {per_day} contacts a day")

    # The fold is told it is far past the last event, so every row has settled.
    fold_now = timezone.now() + dt.timedelta(days=1)
    profiler = cProfile.Profile() if args.profile else None
    generating = inserting = folding = 0.0
    events = 0
    for number, day in enumerate(days, start=1):
        began = time.perf_counter()
        rows = writer.day(chance, day, per_day, zone)
        generating += time.perf_counter() - began
        began = time.perf_counter()
        insert_events(rows, table, EventWriter.COLUMNS)
        inserting += time.perf_counter() - began
        began = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        folded = interval_facts_fold(now=fold_now)
        if profiler is not None:
            profiler.disable()
        folding += time.perf_counter() - began
        if folded.events != len(rows):
            progress(f"{kind}: folded {folded.events} of {len(rows)} events on {day}")
            raise SystemExit(1)
        events += len(rows)
        if number % 10 == 0 or number == len(days):
            progress(
                f"{kind}: day {number}/{len(days)}: {events:,} events; "
                f"insert {events / inserting:,.0f}/s, fold {events / folding:,.0f}/s"
            )
    if profiler is not None:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    contacts = writer.contact
    totals = IntervalFacts.objects.aggregate(q=Sum("queued"), s=Sum("self_served"))
    if (totals["q"] or 0) + (totals["s"] or 0) != contacts:
        progress(f"{kind}: facts count {totals} for {contacts} contacts")
        raise SystemExit(1)
    figure("fold speed as a share of plain inserts", (events / folding) / (events / inserting),
           None, "ratio", events=events, contacts=contacts, insert_seconds=round(inserting, 1),
           fold_seconds=round(folding, 1), generate_seconds=round(generating, 1),
           target="at least 0.5")  # fmt: skip
    figure("fold events per second", events / folding, events / inserting, "events/s",
           baseline_is="plain INSERTs (executemany) of the same events")  # fmt: skip
    fact_rows = IntervalFacts.objects.count()

    def report_seconds(first: dt.date, by: str) -> float:
        began = time.perf_counter()
        rows = report_rows(ReportSpec(first=first, last=days[-1], grain="day", by=by))
        assert rows
        return time.perf_counter() - began

    for by in ("queue", "all"):
        year = [report_seconds(days[0], by) for _ in range(args.report_runs)]
        week = [report_seconds(days[-1] - dt.timedelta(days=6), by)
                for _ in range(args.report_runs)]  # fmt: skip
        figure(f"year report by day, by {by} (median)", statistics.median(year),
               statistics.median(week), "s", worst=round(max(year), 4), fact_rows=fact_rows,
               baseline_is="the same report for the last week", target="under 1 s")  # fmt: skip

    # The wallboard: agents signed in across the queues, a busy day today, calls waiting.
    progress(f"{kind}: today and {args.agents} agents for the wallboard")
    today_rows = writer.day(chance, today, per_day, zone)
    now = timezone.now()
    moment_of = (lambda row: dt.datetime.fromisoformat(row[3]).replace(tzinfo=dt.UTC)) if (
        connection.vendor == "sqlite") else (lambda row: row[3])  # fmt: skip
    today_rows = [row for row in today_rows if moment_of(row) < now]
    insert_events(today_rows, table, EventWriter.COLUMNS)
    interval_facts_fold(now=now)  # the last minute stays past the watermark, as it would live
    states = [Presence.AVAILABLE, Presence.BUSY, Presence.BUSY, Presence.WRAP_UP, Presence.AWAY]
    users = [StaffUserFactory(username=f"agent{n}", role=Role.TIER1) for n in range(args.agents)]
    Agent.objects.bulk_create(
        [Agent(user=user, tiers=["tier1"], languages=["en", "es"] if n % 2 else ["en"],
               capacity={"phone": 1, "chat": 2}, presence=states[n % len(states)],
               presence_since=now - dt.timedelta(minutes=n % 50))
         for n, user in enumerate(users)]
    )  # fmt: skip
    # A year's finished work behind the queues: the boards count only what waits now.
    progress(f"{kind}: {args.finished_items:,} finished work items")
    done_at = now - dt.timedelta(days=1)
    for start in range(0, args.finished_items, 5000):
        count = min(5000, args.finished_items - start)
        inquiries = Inquiry.objects.bulk_create(
            [Inquiry(reference_number=f"9{start + n:09d}", channel="phone", state="closed",
                     disposition="answered", closed_at=done_at) for n in range(count)]
        )  # fmt: skip
        WorkItem.objects.bulk_create(
            [WorkItem(inquiry=inquiry, queue_id=queues[n % len(queues)][0], kind=WorkKind.CALL,
                      channel="phone", tier="tier1", language="en", enqueued_at=done_at,
                      state=WorkState.DONE, completed_at=done_at)
             for n, inquiry in enumerate(inquiries)]
        )  # fmt: skip
    for number in range(40):
        queue_id, channel, _language = queues[number % len(queues)]
        inquiry = inquiry_open(channel=channel, language="en", contact_phone="+14025550100")
        WorkItem.objects.create(
            inquiry=inquiry, queue_id=queue_id,
            kind=WorkKind.CALL if channel == "phone" else WorkKind.CHAT,
            enqueued_at=now - dt.timedelta(seconds=5 * number),
        )  # fmt: skip
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load: the planner's statistics of the new rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(StaffUserFactory(username="boss", role=Role.SUPERVISOR))
    first = client.get("/desk/wallboard/board/", secure=True)
    assert first.status_code == 200, (first.status_code, first.headers.get("Location"))
    board, health = [], []
    profiler = cProfile.Profile() if args.profile else None
    for _ in range(args.refreshes):
        began = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        response = client.get("/desk/wallboard/board/", secure=True)
        if profiler is not None:
            profiler.disable()
        board.append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
        began = time.perf_counter()
        assert client.get("/healthz", secure=True).status_code == 200
        health.append(time.perf_counter() - began)
    if profiler is not None:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    for share, name in ((0.5, "p50"), (0.99, "p99")):
        figure(f"wallboard refresh {name}", percentile(board, share) * 1000,
               percentile(health, share) * 1000, "ms", agents=args.agents, queues=args.queues,
               baseline_is="GET /healthz through the same client",
               target="p99 under 100 ms")  # fmt: skip
    return figures


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--queues", type=int, default=20)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--refreshes", type=int, default=300)
    parser.add_argument("--finished-items", type=int, default=300_000)
    parser.add_argument("--report-runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--profile", action="store_true", help="the fold under cProfile")
    parser.add_argument("--quick", action="store_true", help="100,000 contacts over 60 days")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "latest.jsonl")
    args = parser.parse_args(argv)
    if args.quick:
        args.contacts, args.days, args.refreshes, args.finished_items = 100_000, 60, 100, 20_000
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.measure:
        for line in measure(args.measure, args):
            print(json.dumps(line), flush=True)
        return 0
    lines: list[dict[str, object]] = []
    for kind in [name.strip() for name in args.databases.split(",") if name.strip()]:
        lines.extend(run_one(kind, args))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("a") as out:
        for line in lines:
            out.write(json.dumps(line) + "\n")
    for line in lines:
        print(json.dumps(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
