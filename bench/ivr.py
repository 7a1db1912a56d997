"""Phone-line (IVR) benchmark: whole scripted calls through the TwiML webhooks, on PostgreSQL.

A fresh PostgreSQL database, ``migrate``, ``seed --cases N --seed 1``, ``flow-load``, then the
product's own server (``contactcenter serve --no-worker``: one uvicorn process) started with
the server code of ``bench/case_status.py``. Every call is the same script of 7 turns, signed
as Twilio signs them (``X-Twilio-Signature`` over the URL; Twilio's ``GET`` webhook method, so
the parameters travel in the query string):

    answer -> 1 (English) -> 1 (case status) -> a spoken receipt number (status read)
    -> 2 (another case) -> another spoken receipt number -> 9 (goodbye: the call ends,
    its inquiry is closed as self-served)

Figures, each beside ``/healthz`` on the same server in the same run:

1. IVR turns per second at saturation with 64 and with 256 concurrent calls (closed loop:
   each caller starts the next call when one ends; median of alternating runs);
2. p50 and p99 turn latency at a fixed offered load (open loop) of 250 turns per second,
   20 times the agency's peak (50,000 calls a day, 15% in the busiest hour, about 6 turns a
   call: 12.5 turns/s). Calls start on a fixed schedule and each turn is due a fixed think
   time after the previous one's due time; latency runs from the due time, so queueing is
   counted. ``/healthz`` gets the same offered load from ``bench/loadgen.py``.

The HTTP client is ``bench/loadgen.py``'s raw keep-alive connection (``RawConnection``), run in
its own process; the healthz baselines are ``loadgen.py`` itself. Progress goes to stderr; the
figures are JSON lines on stdout and in ``bench/results/ivr.jsonl``. Exit status 1 if any IVR
turn got anything but 200.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import case_status as cs  # noqa: E402  (the sibling benchmark: database, server, healthz load)
import loadgen  # noqa: E402

AUTH_TOKEN = "bench-" + secrets.token_hex(16)
LINE = "main"
TURNS_PER_CALL = 7
PEAK_TURNS_PER_SECOND = 50_000 * 0.15 / 3600 * 6  # 12.5
THROUGHPUT_TARGET = 0.5
P99_TARGET_MS = 200.0


# --- The scripted call (runs in the driver process) ------------------------------------------


def call_script(call_sid: str, receipts: tuple[str, str]) -> list[str]:
    """The 7 request paths of one call, Twilio's GET form (parameters in the query string)."""
    from urllib.parse import urlencode

    base = {"CallSid": call_sid, "From": "+15555550142", "To": "+18005550100"}
    answers: list[dict[str, str]] = [
        {"Digits": "1"},
        {"Digits": "1"},
        {"SpeechResult": " ".join(receipts[0])},  # "E A C 2 7 ..."
        {"Digits": "2"},
        {"SpeechResult": receipts[1]},
        {"Digits": "9"},
    ]
    paths = [f"/ivr/voice/{LINE}?{urlencode(base)}"]
    for step, answer in enumerate(answers, 1):
        paths.append(f"/ivr/voice/{LINE}/step?{urlencode({'n': step, **base, **answer})}")
    return paths


class SignedConnection(loadgen.RawConnection):
    """loadgen's raw connection with one more header: Twilio's signature of the URL."""

    def __init__(self, host: str, port: int, token: str) -> None:
        super().__init__(host, port)
        from twilio.request_validator import RequestValidator

        self.validator = RequestValidator(token)
        self.origin = f"http://{host}:{port}"
        self.plain_host = self.host_header

    async def signed_get(self, path: str) -> int:
        signature = self.validator.compute_signature(self.origin + path, {})
        # RawConnection writes "Host: <host_header>\r\n\r\n"; the signature rides after it.
        self.host_header = self.plain_host + b"\r\nX-Twilio-Signature: " + signature.encode()
        return await self.get(path)


class Calls:
    def __init__(self, job: dict[str, Any]) -> None:
        self.job = job
        self.receipts: list[str] = job["receipts"]
        self.serial = 0
        self.prefix = secrets.token_hex(6)
        self.statuses: collections.Counter[str] = collections.Counter()

    def next_script(self) -> list[str]:
        self.serial += 1
        n = self.serial
        pair = (
            self.receipts[n % len(self.receipts)],
            self.receipts[(n * 7 + 3) % len(self.receipts)],
        )
        return call_script(f"CA{self.prefix}{n:020d}", pair)

    def connection(self) -> SignedConnection:
        return SignedConnection(self.job["host"], self.job["port"], self.job["token"])

    async def turn(self, conn: SignedConnection, path: str) -> bool:
        try:
            status = await conn.signed_get(path)
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            self.statuses[f"error:{type(error).__name__}"] += 1
            conn.close()
            return False
        self.statuses[str(status)] += 1
        return status == 200


async def closed(job: dict[str, Any]) -> dict[str, Any]:
    """``concurrency`` callers, each placing whole calls back to back.

    Turns are counted only in the window after ``warmup`` seconds, by which time the callers
    are spread over every step of the script (a run that started every caller at the first
    step would count the cheap early turns more often than the final one)."""
    calls = Calls(job)
    turns = 0
    completed_calls = 0

    async def caller(start: float, end: float) -> None:
        nonlocal turns, completed_calls
        conn = calls.connection()
        while time.perf_counter() < end:
            for path in calls.next_script():
                if time.perf_counter() >= end:
                    break
                if not await calls.turn(conn, path):
                    break  # a failed turn ends this call; the next call starts afresh
                if start <= time.perf_counter() < end:
                    turns += 1
            else:
                if start <= time.perf_counter() < end:
                    completed_calls += 1
        conn.close()

    cpu0, t0 = time.process_time(), time.perf_counter()
    start, end = t0 + job.get("warmup", 0.0), t0 + job.get("warmup", 0.0) + job["duration"]
    await asyncio.gather(*(caller(start, end) for _ in range(job["concurrency"])))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {"requests": turns, "calls_completed": completed_calls,
            "elapsed_s": job["duration"], "wall_s": wall, "client_cpu_s": cpu,
            "statuses": calls.statuses}  # fmt: skip


async def open_loop(job: dict[str, Any]) -> dict[str, Any]:
    """Calls start on a schedule; each turn is due ``think`` seconds after the one before.

    A turn that cannot be sent on time (the previous answer is late) is sent as soon as it
    can be, and its latency still runs from its due time."""
    calls = Calls(job)
    rate, duration, think = job["rate"], job["duration"], job["think"]
    call_rate = rate / TURNS_PER_CALL
    total_calls = max(1, int(call_rate * duration))
    latencies: list[float] = []
    idle: collections.deque[SignedConnection] = collections.deque()
    opened = 0
    send_lag_max = 0.0

    async def one_call(start: float) -> None:
        nonlocal opened, send_lag_max
        for index, path in enumerate(calls.next_script()):
            due = start + index * think
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            send_lag_max = max(send_lag_max, time.perf_counter() - due)
            if idle:
                conn = idle.pop()
            else:
                conn = calls.connection()
                opened += 1
            ok = await calls.turn(conn, path)
            if not ok:
                return
            latencies.append(time.perf_counter() - due)
            idle.append(conn)

    cpu0, t0 = time.process_time(), time.perf_counter()
    tasks = []
    for i in range(total_calls):
        start = t0 + i / call_rate
        delay = start - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(one_call(start)))
    await asyncio.gather(*tasks)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    for conn in idle:
        conn.close()
    latencies.sort()
    return {
        "requests": len(latencies),
        "scheduled": total_calls * TURNS_PER_CALL,
        "elapsed_s": elapsed,
        "client_cpu_s": cpu,
        "statuses": calls.statuses,
        "connections_opened": opened,
        "send_lag_max_ms": send_lag_max * 1000,
        "p50_ms": loadgen._percentile(latencies, 0.50) * 1000,
        "p90_ms": loadgen._percentile(latencies, 0.90) * 1000,
        "p99_ms": loadgen._percentile(latencies, 0.99) * 1000,
        "max_ms": (latencies[-1] * 1000) if latencies else float("nan"),
    }


def drive(job: dict[str, Any]) -> None:
    runner = closed if job["mode"] == "closed" else open_loop
    try:
        import uvloop

        result = uvloop.run(runner(job))
    except ImportError:
        result = asyncio.run(runner(job))
    json.dump(result, sys.stdout)


# --- The benchmark (runs in the main process) -----------------------------------------------

REDIS_URL = "redis://127.0.0.1:6379/6"  # a Redis database of its own, apart from other benches


@contextlib.contextmanager
def postgres_database() -> Any:
    """A fresh PostgreSQL database named for this benchmark, dropped afterwards."""
    import psycopg

    name = f"bench_helper_ivr_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(cs.POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    cs.progress(f"postgres: created database {name}")
    try:
        yield {"DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}", "REDIS_URL": REDIS_URL}
    finally:
        with psycopg.connect(cs.POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cs.progress(f"postgres: dropped database {name}")


class IvrServer(cs.Server):
    """case_status.Server with ``--workers N`` uvicorn processes; CPU counts them all."""

    def __init__(self, env: dict[str, str], log: Path, workers: int) -> None:
        # The same attributes case_status.Server sets up; only the command differs.
        self.port = cs.free_port()
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log.open("w")
        self.profiled = False
        self.process = subprocess.Popen(
            [cs.CONTACTCENTER, "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--no-worker", "--workers", str(workers)],
            env=env, cwd=cs.PROJECT_DIR, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.uvicorn_pid = 0

    def cpu_seconds(self) -> float:
        pids = [self.uvicorn_pid] if self.uvicorn_pid else []
        children = Path(f"/proc/{self.uvicorn_pid}/task/{self.uvicorn_pid}/children")
        with contextlib.suppress(OSError, ValueError):
            pids += [int(pid) for pid in children.read_text().split()]
        total = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total


class IvrLoad(cs.Load):
    """Healthz through loadgen.py (inherited); IVR calls through this file's driver."""

    def ivr(self, **job: Any) -> dict[str, Any]:
        job.update(host="127.0.0.1", port=self.server.port, token=AUTH_TOKEN,
                   receipts=self.receipts)  # fmt: skip
        cpu0, machine0, children0 = self.server.cpu_seconds(), cs.machine_busy(), cs.children_cpu()
        t0 = time.perf_counter()
        done = subprocess.run(
            [cs.PYTHON, __file__, "--drive", json.dumps(job)],
            capture_output=True, text=True, cwd=cs.PROJECT_DIR,
        )  # fmt: skip
        wall = time.perf_counter() - t0
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            raise SystemExit("bench: the IVR call driver failed")
        result: dict[str, Any] = json.loads(done.stdout)
        server_cpu = self.server.cpu_seconds() - cpu0
        result["server_cpu_s"] = server_cpu
        other = cs.machine_busy() - machine0 - server_cpu - (cs.children_cpu() - children0)
        result["other_cpu_share"] = round(max(other, 0.0) / wall, 3)
        self.statuses.setdefault("ivr", collections.Counter()).update(result["statuses"])
        if self.server.process.poll() is not None:
            raise SystemExit("bench: the server died during the run")
        return result

    def ivr_closed(self, *, concurrency: int, duration: float, warmup: float) -> dict[str, Any]:
        cs.progress(f"  ivr: {concurrency} concurrent calls, {duration:g}s after {warmup:g}s")
        result = self.ivr(mode="closed", concurrency=concurrency, duration=duration,
                          warmup=warmup)  # fmt: skip
        result["rps"] = result["requests"] / result["elapsed_s"]
        wall = result["wall_s"]
        cs.progress(
            f"    {result['rps']:.0f} turns/s ({result['calls_completed']} whole calls in the "
            f"window); CPU over the whole run: client {result['client_cpu_s'] / wall:.0%}, "
            f"server {result['server_cpu_s'] / wall:.0%}, other processes "
            f"{result['other_cpu_share']:.0%}"
        )
        return result

    def ivr_open(self, *, rate: float, duration: float, think: float) -> dict[str, Any]:
        cs.progress(f"  ivr: open loop at {rate:g} turns/s for {duration:g}s (think {think:g}s)")
        result = self.ivr(mode="open", rate=rate, duration=duration, think=think)
        cs.progress(
            f"    p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, max "
            f"{result['max_ms']:.1f} ms; {result['requests']}/{result['scheduled']} turns answered"
        )
        return result


def non_200(statuses: dict[str, int]) -> int:
    return sum(n for status, n in statuses.items() if status != "200")


def bench(args: argparse.Namespace) -> list[dict[str, Any]]:
    with (
        tempfile.TemporaryDirectory(prefix="bench-ivr-") as tmp,
        postgres_database() as database_env,
    ):
        workdir = Path(tmp)
        env = cs.server_env(workdir, database_env)
        env.update(TWILIO_AUTH_TOKEN=AUTH_TOKEN, TWILIO_ACCOUNT_SID="AC" + "0" * 32,
                   TWILIO_WEBHOOK_BASE_URL="", LIVE_HELP_ALWAYS_OPEN="true")  # fmt: skip
        data_source = cs.load_data(env, args.cases)
        cs.run([cs.CONTACTCENTER, "flow-load"], env, "flow-load")
        receipts = cs.receipt_numbers(env)
        if args.profile:
            return [profile(env, receipts, args)]
        server = IvrServer(env, args.artifacts / "server-ivr-postgres.log", args.workers)
        try:
            server.wait_ready()
            load = IvrLoad(server, receipts)
            lines = measure(load, args)
        finally:
            server.stop()
    common = {"database": "postgres", "data": data_source}
    for line in lines:
        line.update({k: v for k, v in common.items() if k not in line})
    return lines


def profile(env: dict[str, str], receipts: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """Whole calls at saturation on one server process running under cProfile (all threads)."""
    import pstats

    out = args.artifacts / "profile-ivr-postgres.pstats"
    server = cs.Server(env, args.artifacts / "server-ivr-profile.log", profile_to=out)
    concurrency = args.concurrency[0]
    try:
        server.wait_ready()
        cs.progress(f"profiling IVR calls (server pid {server.uvicorn_pid})")
        load = IvrLoad(server, receipts)
        result = load.ivr_closed(concurrency=concurrency, duration=args.duration,
                                 warmup=args.call_warmup)  # fmt: skip
    finally:
        server.stop()
    report = args.artifacts / "profile-ivr-postgres.txt"
    with report.open("w") as handle:
        stats = pstats.Stats(str(out), stream=handle)
        stats.sort_stats("tottime").print_stats(50)
        stats.sort_stats("cumulative").print_stats(80)
    cs.progress(f"profile written to {out} and {report}")
    return {
        "bench": "ivr",
        "metric": "profiled_turns_per_s",
        "value": round(result["rps"], 1),
        "baseline": None,
        "ratio": None,
        "unit": "turns/s (under cProfile: slower than real, compare shapes not figures)",
        "detail": {"profile": str(out), "concurrency": concurrency,
                   "run": cs.summary(result, "calls_completed")},
    }  # fmt: skip


def measure(load: IvrLoad, args: argparse.Namespace) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    others: list[float] = []
    for concurrency in args.concurrency:
        cs.progress(f"throughput at {concurrency} concurrent calls")
        load.closed("healthz", concurrency=concurrency, duration=args.warmup)
        runs: dict[str, list[dict[str, Any]]] = {"ivr": [], "healthz": []}
        for _ in range(args.runs):
            runs["ivr"].append(
                load.ivr_closed(
                    concurrency=concurrency, duration=args.duration, warmup=args.call_warmup
                )
            )
            runs["healthz"].append(
                load.closed("healthz", concurrency=concurrency, duration=args.duration)
            )
        rps = {key: statistics.median(r["rps"] for r in rs) for key, rs in runs.items()}
        others.extend(r["other_cpu_share"] for rs in runs.values() for r in rs)
        ratio = rps["ivr"] / rps["healthz"]
        lines.append({
            "bench": "ivr",
            "metric": f"throughput_turns_per_s_c{concurrency}",
            "value": round(rps["ivr"], 1),
            "baseline": round(rps["healthz"], 1),
            "ratio": round(ratio, 3),
            "unit": "turns/s (baseline: requests/s)",
            "target": f"ratio >= {THROUGHPUT_TARGET}",
            "meets_target": ratio >= THROUGHPUT_TARGET,
            "detail": {
                "method": (
                    f"{concurrency} concurrent callers, closed loop, each placing whole "
                    f"{TURNS_PER_CALL}-turn scripted calls back to back; turns counted for "
                    f"{args.duration:g}s after {args.call_warmup:g}s of calls (callers spread "
                    f"over the script); median of {args.runs} runs alternating with healthz "
                    f"({args.duration:g}s each after one {args.warmup:g}s warm-up)"
                ),
                "baseline_is": "GET /healthz from bench/loadgen.py, same server, same run, "
                               "same number of connections",
                "server_processes": args.workers,
                "runs_rps": {k: [round(r["rps"], 1) for r in rs] for k, rs in runs.items()},
                "runs": {k: [cs.summary(r, "calls_completed") for r in rs]
                         for k, rs in runs.items()},
            },
        })  # fmt: skip
    rate = args.rate
    cs.progress(f"latency at a fixed offered load of {rate:g} turns/s")
    latency = {
        "ivr": load.ivr_open(rate=rate, duration=args.latency_duration, think=args.think),
        "healthz": load.open("healthz", rate=rate, duration=args.latency_duration),
    }
    others.extend(r["other_cpu_share"] for r in latency.values())
    ivr_errors = non_200(latency["ivr"]["statuses"]) + (
        latency["ivr"]["scheduled"] - latency["ivr"]["requests"]
    )
    for pct in ("p50", "p99"):
        value, base = latency["ivr"][f"{pct}_ms"], latency["healthz"][f"{pct}_ms"]
        line: dict[str, Any] = {
            "bench": "ivr",
            "metric": f"turn_latency_{pct}_ms_at_{rate:g}_per_s",
            "value": round(value, 2),
            "baseline": round(base, 2),
            "ratio": round(value / base, 3) if base else None,
            "unit": "ms",
        }
        if pct == "p99":
            line.update(
                target=f"< {P99_TARGET_MS:g} ms with no errors ({rate / PEAK_TURNS_PER_SECOND:g}"
                       f" x the peak of {PEAK_TURNS_PER_SECOND:g} turns/s)",
                meets_target=value < P99_TARGET_MS and ivr_errors == 0,
            )  # fmt: skip
        line["detail"] = {
            "method": (
                f"open loop: {rate / TURNS_PER_CALL:.1f} calls/s start on schedule, each turn due "
                f"{args.think:g}s after the previous due time, for {args.latency_duration:g}s; "
                "latency from the due time"
            ),
            "baseline_is": f"GET /healthz from bench/loadgen.py at {rate:g} requests/s",
            "server_processes": args.workers,
            "ivr": cs.summary(latency["ivr"], "p50_ms", "p90_ms", "p99_ms", "max_ms",
                              "send_lag_max_ms", "connections_opened", "scheduled"),
            "healthz": cs.summary(latency["healthz"], "p50_ms", "p90_ms", "p99_ms", "max_ms",
                                  "send_lag_max_ms", "connections_opened"),
        }  # fmt: skip
        lines.append(line)
    statuses = load.statuses.get("ivr", collections.Counter())
    lines.append({
        "bench": "ivr",
        "metric": "non_200_turns",
        "value": non_200(statuses),
        "baseline": non_200(load.statuses["healthz"]),
        "ratio": None,
        "unit": "responses",
        "detail": {"baseline_is": "non-200 answers from /healthz",
                   "statuses": {"ivr": dict(statuses), "healthz": dict(load.statuses["healthz"])}},
    })  # fmt: skip
    other = statistics.median(others) if others else 0.0
    for line in lines:
        line["other_processes_cpu_share_median"] = round(other, 3)
        line["contended"] = other > cs.CONTENDED_SHARE
    return lines


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drive", help=argparse.SUPPRESS)  # the driver subprocess's job
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per throughput run")
    parser.add_argument("--latency-duration", type=float, default=20.0,
                        help="seconds of the fixed-load latency run (default 20)")  # fmt: skip
    parser.add_argument("--warmup", type=float, default=3.0, help="healthz warm-up seconds")
    parser.add_argument(
        "--call-warmup",
        type=float,
        default=10.0,
        help="seconds of calls before IVR turns are counted (default 10)",
    )
    parser.add_argument("--runs", type=int, default=3, help="alternating runs (default 3)")
    parser.add_argument(
        "--concurrency",
        default="64,256",
        help="concurrent calls for the throughput runs (default 64,256)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=PEAK_TURNS_PER_SECOND * 20,
        help="offered turns per second for the latency run (default 250)",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="seconds between a call's turns in the latency run (default 1)",
    )
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="uvicorn worker processes serving the app (default 1)",
    )
    parser.add_argument("--artifacts", type=Path, default=cs.PROJECT_DIR / "var" / "bench")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "ivr.jsonl")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead of the figures, profile one server process (cProfile, all threads) at "
        "the first concurrency; writes var/bench/profile-ivr-postgres.pstats and .txt",
    )
    args = parser.parse_args(argv)  # fmt: skip
    if args.drive:
        return args
    args.concurrency = [int(c) for c in str(args.concurrency).split(",") if c.strip()]
    if (args.duration <= 0 or args.latency_duration <= 0 or args.rate <= 0 or args.runs < 1
            or args.think <= 0 or not args.concurrency or min(args.concurrency) < 1
            or args.workers < 1 or args.call_warmup < 0):  # fmt: skip
        parser.error("durations, rate, think time, runs and concurrency must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.drive:
        drive(json.loads(args.drive))
        return 0
    cs.progress(
        f"IVR benchmark on PostgreSQL: {args.workers} server process(es), {args.cases} cases, "
        f"{TURNS_PER_CALL} turns a call"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    lines = bench(args)
    with args.output.open("w") as out:
        for line in lines:
            text = json.dumps(line)
            print(text, flush=True)
            out.write(text + "\n")
    cs.progress(f"results written to {args.output}")
    errors = next((line["value"] for line in lines if line["metric"] == "non_200_turns"), 0)
    if errors:
        print(f"FAIL: {errors} IVR turns answered with something other than 200 (server log: "
              f"{args.artifacts / 'server-ivr-postgres.log'})", file=sys.stderr)  # fmt: skip
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
