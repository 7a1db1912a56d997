"""Case-status API benchmark against the real server, on SQLite and on PostgreSQL.

For each database: a fresh database, ``migrate``, ``seed --cases N --seed 1``, then the
product's own server (``contactcenter serve --no-worker``: uvicorn, one process) started as a
subprocess. The load comes from ``bench/loadgen.py`` in another process. Figures:

1. throughput at saturation (64 keep-alive clients): case-status requests per second against
   ``/healthz`` on the same server in the same run (median of 3 alternating runs each);
2. latency at a fixed offered load (100 requests per second, open loop): p50 and p99 for
   case-status against ``/healthz`` at the same load;
3. a check on the load generator: ``/healthz`` measured with httpx against the raw generator.

Each figure is one JSON line on stdout and in ``bench/results/latest.jsonl``; progress goes to
stderr. Exit status 1 if any case-status request got anything but 200. See
docs/benchmarks.md for the method and its limits.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
PYTHON = sys.executable
CONTACTCENTER = str(Path(PYTHON).with_name("contactcenter"))
LOADGEN = str(BENCH_DIR / "loadgen.py")
SEED_COMMAND = PROJECT_DIR / "contactcenter/setup/management/commands/seed.py"
RATE_LIMIT = 10_000_000
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
CASE_STATUS_PATH = "/api/v1/case-status/{receipt}"
HEALTHZ_PATH = "/healthz"
THROUGHPUT_TARGET = 0.5
P99_TARGET_MS = 50.0
# Median CPU used by unrelated processes during the runs, in cores, above which the figures
# are marked as taken on a busy machine.
CONTENDED_SHARE = 0.25

_started = time.monotonic()


def progress(message: str) -> None:
    print(f"[{time.monotonic() - _started:6.1f}s] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(command: list[str], env: dict[str, str], what: str) -> str:
    t0 = time.monotonic()
    done = subprocess.run(command, env=env, cwd=PROJECT_DIR, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench: {what} failed (exit {done.returncode})")
    progress(f"{what}: done in {time.monotonic() - t0:.1f}s")
    return done.stdout


# --- Databases ------------------------------------------------------------------------------


@contextlib.contextmanager
def sqlite_database(workdir: Path) -> Iterator[dict[str, str]]:
    yield {"DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}"}


@contextlib.contextmanager
def postgres_database(workdir: Path) -> Iterator[dict[str, str]]:
    import psycopg

    name = f"bench_case_status_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    progress(f"postgres: created database {name}")
    try:
        yield {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
            "REDIS_URL": REDIS_URL,
        }
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        progress(f"postgres: dropped database {name}")


DATABASES = {"sqlite": sqlite_database, "postgres": postgres_database}


def server_env(workdir: Path, database_env: dict[str, str]) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "VAR_DIR", "STATIC_ROOT"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
            "VAR_DIR": str(workdir),
            "STATIC_ROOT": str(workdir / "static"),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "AUDIT_CHAIN_KEY": secrets.token_urlsafe(32),  # production refuses to start without
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            # The limiter stays in the request path (its cache round trips are part of the
            # cost being measured) but a budget this large never trips.
            "CASE_STATUS_RATE_LIMIT": str(RATE_LIMIT),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(database_env)
    return env


def load_data(env: dict[str, str], cases: int) -> str:
    run([CONTACTCENTER, "migrate", "--no-input"], env, "migrate")
    if not SEED_COMMAND.exists():
        raise SystemExit("bench: the `contactcenter seed` command is missing")
    run([CONTACTCENTER, "seed", "--cases", str(cases), "--seed", "1"], env, "seed")
    return "contactcenter seed --seed 1"


def receipt_numbers(env: dict[str, str]) -> list[str]:
    code = (
        "import json; from contactcenter.cases.models import Case; "
        "print(json.dumps(list(Case.objects.order_by('id')"
        ".values_list('receipt_number', flat=True))))"
    )
    out = run([CONTACTCENTER, "shell", "-c", code], env, "read receipt numbers")
    receipts = json.loads(out.strip().splitlines()[-1])
    if not receipts:
        raise SystemExit("bench: the database holds no cases to ask about")
    return receipts


# --- Server ---------------------------------------------------------------------------------


class Server:
    """``contactcenter serve --no-worker`` and the uvicorn process it starts."""

    def __init__(self, env: dict[str, str], log: Path, profile_to: Path | None = None) -> None:
        self.port = free_port()
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log.open("w")
        self.profiled = profile_to is not None
        if profile_to is None:
            command = [CONTACTCENTER, "serve", "--host", "127.0.0.1", "--port", str(self.port),
                       "--no-worker"]  # fmt: skip
        else:
            command = [
                PYTHON,
                str(BENCH_DIR / "profile_server.py"),
                str(self.port),
                str(profile_to),
            ]
        self.process = subprocess.Popen(
            command, env=env, cwd=PROJECT_DIR, stdout=self.log, stderr=subprocess.STDOUT
        )
        self.uvicorn_pid = 0

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: server exited early; see {self.log.name}")
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}{HEALTHZ_PATH}", timeout=2
                ) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"bench: server not ready after {timeout}s; see {self.log.name}")
        if self.profiled:  # uvicorn runs inside the profiling process itself
            self.uvicorn_pid = self.process.pid
            return
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        with contextlib.suppress(OSError, ValueError, IndexError):
            self.uvicorn_pid = int(children.read_text().split()[0])

    def cpu_seconds(self) -> float:
        """User + system CPU of the uvicorn process so far (Linux /proc), 0 if unknown."""
        if not self.uvicorn_pid:
            return 0.0
        try:
            stat = Path(f"/proc/{self.uvicorn_pid}/stat").read_text()
        except OSError:
            return 0.0
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # serve passes it on to uvicorn
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.uvicorn_pid and not self.profiled:
            # serve normally takes uvicorn down with it; make sure, by pid, that it did.
            with contextlib.suppress(OSError):
                cmdline = Path(f"/proc/{self.uvicorn_pid}/cmdline").read_bytes()
                if b"uvicorn" in cmdline:
                    os.kill(self.uvicorn_pid, signal.SIGKILL)
        self.log.close()


# --- Load -----------------------------------------------------------------------------------


class Load:
    """Runs loadgen.py jobs against one server and keeps the tally of answers."""

    def __init__(self, server: Server, receipts: list[str]) -> None:
        self.server = server
        self.receipts = receipts
        self.statuses: dict[str, Counter[str]] = {"case_status": Counter(), "healthz": Counter()}

    def job(self, endpoint: str, **job: Any) -> dict[str, Any]:
        job.update(host="127.0.0.1", port=self.server.port)
        if endpoint == "case_status":
            job.update(path_template=CASE_STATUS_PATH, receipts=self.receipts)
        else:
            job.update(path=HEALTHZ_PATH)
        cpu0, machine0, children0 = self.server.cpu_seconds(), machine_busy(), children_cpu()
        t0 = time.perf_counter()
        done = subprocess.run(
            [PYTHON, LOADGEN, json.dumps(job)], capture_output=True, text=True, cwd=PROJECT_DIR
        )
        wall = time.perf_counter() - t0
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            raise SystemExit("bench: the load generator failed")
        result: dict[str, Any] = json.loads(done.stdout)
        server_cpu = self.server.cpu_seconds() - cpu0
        result["server_cpu_s"] = server_cpu
        # CPU the rest of the machine used meanwhile (other people's tests, builds...): with
        # two cores, anything here is taken from the server or the client.
        other = machine_busy() - machine0 - server_cpu - (children_cpu() - children0)
        result["other_cpu_share"] = round(max(other, 0.0) / wall, 3)
        self.statuses[endpoint].update(result["statuses"])
        if self.server.process.poll() is not None:
            raise SystemExit("bench: the server died during the run")
        return result

    def closed(
        self, endpoint: str, *, concurrency: int, duration: float, generator: str = "raw"
    ) -> dict[str, Any]:
        progress(f"  {endpoint}: {concurrency} clients for {duration:g}s ({generator})")
        result = self.job(
            endpoint, mode="closed", generator=generator, concurrency=concurrency,
            duration=duration,
        )  # fmt: skip
        result["rps"] = result["requests"] / result["elapsed_s"]
        progress(
            f"    {result['rps']:.0f} req/s; CPU (share of one core): client "
            f"{cpu_share(result, 'client')}, server {cpu_share(result, 'server')}, "
            f"other processes {result['other_cpu_share']:.0%}"
        )
        return result

    def open(self, endpoint: str, *, rate: float, duration: float) -> dict[str, Any]:
        progress(f"  {endpoint}: open loop at {rate:g} req/s for {duration:g}s")
        result = self.job(endpoint, mode="open", rate=rate, duration=duration)
        progress(
            f"    p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms, "
            f"max {result['max_ms']:.1f} ms; other processes {result['other_cpu_share']:.0%} "
            "of a core"
        )
        return result


def machine_busy() -> float:
    """CPU seconds all processes on the machine have used (Linux /proc/stat), 0 if unknown."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    """CPU seconds used by finished child processes (the load generators)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_share(result: dict[str, Any], who: str) -> str:
    return f"{result[f'{who}_cpu_s'] / result['elapsed_s']:.0%}"


def summary(result: dict[str, Any], *keys: str) -> dict[str, Any]:
    wanted = (
        "requests", "elapsed_s", "client_cpu_s", "server_cpu_s", "other_cpu_share", "statuses",
        *keys,
    )  # fmt: skip
    return {
        key: round(result[key], 3) if isinstance(result[key], float) else result[key]
        for key in wanted
        if key in result
    }


# --- One database ---------------------------------------------------------------------------


def bench_database(database: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    progress(f"== {database} ==")
    with (
        tempfile.TemporaryDirectory(prefix=f"bench-case-status-{database}-") as tmp,
        DATABASES[database](Path(tmp)) as database_env,
    ):
        workdir = Path(tmp)
        env = server_env(workdir, database_env)
        data_source = load_data(env, args.cases)
        receipts = receipt_numbers(env)
        progress(f"{len(receipts)} receipt numbers to cycle through")
        if args.profile:
            return [
                profile_endpoint(database, endpoint, env, receipts, args)
                for endpoint in ("healthz", "case_status")
            ]
        server = Server(env, args.artifacts / f"server-{database}.log")
        try:
            server.wait_ready()
            progress(f"server up on port {server.port} (uvicorn pid {server.uvicorn_pid})")
            lines = measure(database, server, receipts, args, data_source)
        finally:
            server.stop()
            progress("server stopped")
        return lines


def measure(
    database: str,
    server: Server,
    receipts: list[str],
    args: argparse.Namespace,
    data_source: str,
) -> list[dict[str, Any]]:
    load = Load(server, receipts)
    common = {
        "database": database,
        "server": "contactcenter serve --no-worker (uvicorn, 1 process)",
        "data": f"{data_source}, {len(receipts)} cases",
        "rate_limiter": f"in the path, CASE_STATUS_RATE_LIMIT={RATE_LIMIT} (never trips)",
        "cpus": os.cpu_count(),
    }

    progress("warm-up")
    for endpoint in ("healthz", "case_status"):
        load.closed(endpoint, concurrency=args.concurrency, duration=args.warmup)

    progress(f"throughput: {args.runs} alternating runs of {args.duration:g}s each")
    runs: dict[str, list[dict[str, Any]]] = {"healthz": [], "case_status": []}
    for _ in range(args.runs):
        for endpoint in ("healthz", "case_status"):
            runs[endpoint].append(
                load.closed(endpoint, concurrency=args.concurrency, duration=args.duration)
            )
    rps = {endpoint: statistics.median(r["rps"] for r in rs) for endpoint, rs in runs.items()}

    progress("load-generator check: /healthz with httpx")
    httpx_run = load.closed(
        "healthz", concurrency=args.concurrency, duration=args.duration, generator="httpx"
    )

    progress(f"latency: open loop at {args.rate:g} req/s")
    latency = {
        endpoint: load.open(endpoint, rate=args.rate, duration=args.latency_duration)
        for endpoint in ("case_status", "healthz")
    }

    # Other people's processes on the same two cores take CPU from the server; flag it.
    other = statistics.median(
        r["other_cpu_share"] for r in [*runs["healthz"], *runs["case_status"], *latency.values()]
    )
    common["other_processes_cpu_share_median"] = round(other, 3)
    common["contended"] = other > CONTENDED_SHARE
    lines = [
        {
            "bench": "case_status",
            "metric": "throughput_rps",
            "value": round(rps["case_status"], 1),
            "baseline": round(rps["healthz"], 1),
            "ratio": round(rps["case_status"] / rps["healthz"], 3),
            "unit": "requests/s",
            "target": f"ratio >= {THROUGHPUT_TARGET}",
            "meets_target": rps["case_status"] / rps["healthz"] >= THROUGHPUT_TARGET,
            **common,
            "detail": {
                "method": (
                    f"{args.concurrency} keep-alive clients, closed loop, raw asyncio HTTP/1.1 "
                    f"generator in its own process; median of {args.runs} alternating runs of "
                    f"{args.duration:g}s after {args.warmup:g}s warm-up each"
                ),
                "baseline_is": "GET /healthz, same server, same run",
                "runs_rps": {
                    endpoint: [round(r["rps"], 1) for r in rs] for endpoint, rs in runs.items()
                },
                "runs": {endpoint: [summary(r) for r in rs] for endpoint, rs in runs.items()},
            },
        }
    ]
    for pct in ("p50", "p99"):
        cs, hz = latency["case_status"][f"{pct}_ms"], latency["healthz"][f"{pct}_ms"]
        line: dict[str, Any] = {
            "bench": "case_status",
            "metric": f"latency_{pct}_ms",
            "value": round(cs, 2),
            "baseline": round(hz, 2),
            "ratio": round(cs / hz, 3) if hz else None,
            "unit": "ms",
        }
        if pct == "p99":
            line.update(target=f"< {P99_TARGET_MS:g} ms", meets_target=cs < P99_TARGET_MS)
        line.update(common)
        line["detail"] = {
            "method": (
                f"open loop, {args.rate:g} requests/s offered for {args.latency_duration:g}s; "
                "latency from the scheduled send time (queueing counted)"
            ),
            "baseline_is": "GET /healthz at the same offered load, same server",
            "case_status": summary(
                latency["case_status"], "p50_ms", "p90_ms", "p99_ms", "max_ms",
                "send_lag_max_ms", "connections_opened",
            ),
            "healthz": summary(
                latency["healthz"], "p50_ms", "p90_ms", "p99_ms", "max_ms",
                "send_lag_max_ms", "connections_opened",
            ),
        }  # fmt: skip
        lines.append(line)
    raw_hz = rps["healthz"]
    lines.append(
        {
            "bench": "case_status",
            "metric": "loadgen_check_healthz_rps",
            "value": round(httpx_run["rps"], 1),
            "baseline": round(raw_hz, 1),
            "ratio": round(httpx_run["rps"] / raw_hz, 3),
            "unit": "requests/s",
            **common,
            "detail": {
                "method": "GET /healthz with httpx.AsyncClient (value) vs the raw generator "
                "(baseline, median above); a generator that limited the figure would show "
                "client CPU near 100% of a core and disagree with the other",
                "httpx": summary(httpx_run),
                "raw_median_run": summary(
                    sorted(runs["healthz"], key=lambda r: r["rps"])[len(runs["healthz"]) // 2]
                ),
            },
        }
    )
    lines.append(
        {
            "bench": "case_status",
            "metric": "non_200_case_status",
            "value": sum(
                n for status, n in load.statuses["case_status"].items() if status != "200"
            ),
            "baseline": sum(n for status, n in load.statuses["healthz"].items() if status != "200"),
            "ratio": None,
            "unit": "responses",
            "database": database,
            "detail": {
                "baseline_is": "non-200 answers from /healthz",
                "statuses": {endpoint: dict(c) for endpoint, c in load.statuses.items()},
            },
        }
    )
    return lines


def profile_endpoint(
    database: str,
    endpoint: str,
    env: dict[str, str],
    receipts: list[str],
    args: argparse.Namespace,
) -> dict[str, Any]:
    """One endpoint at saturation on a server running under cProfile (all threads)."""
    import pstats

    out = args.artifacts / f"profile-{database}-{endpoint}.pstats"
    server = Server(env, args.artifacts / f"server-{database}-profile.log", profile_to=out)
    try:
        server.wait_ready()
        progress(f"profiling {endpoint} on {database} (server pid {server.uvicorn_pid})")
        load = Load(server, receipts)
        load.closed(endpoint, concurrency=args.concurrency, duration=args.warmup)
        result = load.closed(endpoint, concurrency=args.concurrency, duration=args.duration)
    finally:
        server.stop()
    report = args.artifacts / f"profile-{database}-{endpoint}.txt"
    with report.open("w") as handle:
        stats = pstats.Stats(str(out), stream=handle)
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(60)
    progress(f"profile written to {out} and {report}")
    return {
        "bench": "case_status",
        "metric": f"profiled_{endpoint}_rps",
        "value": round(result["rps"], 1),
        "baseline": None,
        "ratio": None,
        "unit": "requests/s (under cProfile: slower than real, compare shapes not figures)",
        "database": database,
        "detail": {"profile": str(out), "run": summary(result)},
    }


# --- Main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds per throughput run (default 10)"
    )
    parser.add_argument(
        "--latency-duration",
        type=float,
        default=15.0,
        help="seconds per fixed-load latency run (default 15)",
    )
    parser.add_argument(
        "--warmup", type=float, default=3.0, help="seconds of warm-up per endpoint (default 3)"
    )
    parser.add_argument(
        "--databases",
        default="sqlite,postgres",
        help="comma-separated: sqlite, postgres (default both)",
    )
    parser.add_argument("--cases", type=int, default=2000, help="cases to seed (default 2000)")
    parser.add_argument(
        "--concurrency", type=int, default=64, help="clients for the throughput runs (default 64)"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=100.0,
        help="offered load for the latency runs, requests/s (default 100)",
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="alternating throughput runs per endpoint (default 3)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead of the figures, profile the server (cProfile, all threads) at saturation "
        "on healthz and case-status; writes bench/results/profile-*.pstats and .txt",
    )
    parser.add_argument(
        "--artifacts",
        type=Path,
        default=PROJECT_DIR / "var" / "bench",
        help="where server logs and profiles go (default var/bench, which git ignores)",
    )
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "latest.jsonl")
    args = parser.parse_args(argv)  # fmt: skip
    args.databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(args.databases) - set(DATABASES)
    if unknown or not args.databases:
        parser.error(f"--databases takes sqlite and/or postgres, not {sorted(unknown)}")
    if args.duration <= 0 or args.latency_duration <= 0 or args.rate <= 0 or args.runs < 1:
        parser.error("durations, rate and runs must be positive")
    if args.cases < 1 or args.concurrency < 1:
        parser.error("--cases and --concurrency must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    progress(
        f"case-status benchmark: databases {','.join(args.databases)}, {args.cases} cases, "
        f"rate limiter in the path with a limit of {RATE_LIMIT:,} so it never trips"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    with args.output.open("w") as out:
        for database in args.databases:
            lines = bench_database(database, args)
            for line in lines:
                text = json.dumps(line)
                print(text, flush=True)
                out.write(text + "\n")
                out.flush()
                if line["metric"] == "non_200_case_status" and line["value"]:
                    failures.append(
                        f"{database}: {line['detail']['statuses']['case_status']} "
                        f"(server log: {args.artifacts / f'server-{database}.log'})"
                    )
    progress(f"results written to {args.output}")
    if failures:
        print(
            "FAIL: case-status requests answered with something other than 200: "
            + "; ".join(failures),
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
