""" "My cases" benchmark: the online account's case list for an account with 50 cases.

For each database: a fresh database, ``migrate``, the reference data, then one account linked
to an applicant with ``--cases`` cases (each with three status events and a posted processing
time), and a signed-in session made for it. The product's own server (``contactcenter serve
--no-worker``, one uvicorn process) runs as a subprocess; the load comes from
``bench/loadgen.py`` in another process, carrying the session cookie. Figures:

1. throughput at saturation (closed loop): "My cases" requests per second beside ``/healthz``
   on the same server in the same run (median of alternating runs);
2. latency at a fixed offered load of 20 pages per second (open loop, latency from the
   scheduled send time): p50 and p99 beside ``/healthz`` at the same load. Target: p99 under
   100 ms.

The number of database queries per page is held constant by
``tests/portal/test_my_cases.py``; this file measures time only. One JSON line per figure on
stdout (and appended to ``bench/results/latest.jsonl``), progress on stderr; exit status 1 if
any "My cases" request got anything but 200 (a lost session would show as 302).

loadgen.py has no header option, so its child process is started through this file
(``--loadgen-child``), which adds the Cookie header to every request it sends and then runs
loadgen's own ``main()`` unchanged.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import case_status as cs  # noqa: E402  (reuses its server, database and CPU helpers)

PATH = "/account/"
HEALTHZ = "/healthz"
P99_TARGET_MS = 100.0

SETUP = """
import datetime as dt, json, random
from decimal import Decimal
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from allauth.account.models import EmailAddress
from contactcenter.cases.models import Case, CaseStatusEvent, FormType, ProcessingTime
from contactcenter.cases.reference_data import reference_data_load
from contactcenter.offices.models import Office
from contactcenter.people.models import Person
from contactcenter.portal.models import AccountLink

reference_data_load()
rng = random.Random(1)
office = Office.objects.filter(kind="service_center").order_by("code").first()
forms = list(FormType.objects.filter(categories__isnull=False).distinct().order_by("code")[:5])
person = Person.objects.create(given_name="Bench", family_name="Person", zip_code="68508")
user = get_user_model().objects.create_user(username="bench", email="bench@example.com")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
AccountLink.objects.create(user=user, person=person)
statuses = ["received", "fee_received", "biometrics_scheduled", "under_review"]
for n in range(CASES):
    form = forms[n % len(forms)]
    category = form.categories.order_by("code").first()
    receipt = dt.date(2024, 1, 2) + dt.timedelta(days=n)
    ProcessingTime.objects.get_or_create(
        form=form, category=category, office=office, published_on=dt.date(2024, 1, 1),
        defaults={"months": Decimal("8.5")},
    )
    case = Case.objects.create(
        receipt_number=f"EAC24{90000000 + n:08d}", form=form, category=category,
        receipt_date=receipt, office=office, status=statuses[2], applicant=person,
        status_date=receipt + dt.timedelta(days=20),
    )
    for i, status in enumerate(statuses[:3]):
        CaseStatusEvent.objects.create(
            case=case, status=status, status_date=receipt + dt.timedelta(days=10 * i),
            office=office,
        )
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(json.dumps({"session": session.session_key, "cases": Case.objects.count()}))
"""


def setup(env: dict[str, str], cases: int) -> tuple[str, int]:
    cs.run([cs.CONTACTCENTER, "migrate", "--no-input"], env, "migrate")
    # The page is HTML: its stylesheet links need the static manifest, as in production.
    cs.run([cs.CONTACTCENTER, "collectstatic", "--no-input"], env, "collectstatic")
    out = cs.run(
        [cs.CONTACTCENTER, "shell", "-c", SETUP.replace("CASES", str(cases))],
        env,
        "account with cases",
    )
    data = json.loads(out.strip().splitlines()[-1])
    return data["session"], data["cases"]


class Load:
    def __init__(self, server: cs.Server, session: str) -> None:
        self.server = server
        self.session = session
        self.statuses: dict[str, dict[str, int]] = {"my_cases": {}, "healthz": {}}

    def job(self, endpoint: str, **job: Any) -> dict[str, Any]:
        job.update(host="127.0.0.1", port=self.server.port)
        job["path"] = PATH if endpoint == "my_cases" else HEALTHZ
        cpu0, machine0, children0 = (
            self.server.cpu_seconds(),
            cs.machine_busy(),
            cs.children_cpu(),
        )
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--loadgen-child", self.session, json.dumps(job)],
            capture_output=True,
            text=True,
            cwd=cs.PROJECT_DIR,
        )
        wall = time.perf_counter() - t0
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            raise SystemExit("bench: the load generator failed")
        result: dict[str, Any] = json.loads(done.stdout)
        server_cpu = self.server.cpu_seconds() - cpu0
        result["server_cpu_s"] = server_cpu
        other = cs.machine_busy() - machine0 - server_cpu - (cs.children_cpu() - children0)
        result["other_cpu_share"] = round(max(other, 0.0) / wall, 3)
        tally = self.statuses[endpoint]
        for status, count in result["statuses"].items():
            tally[status] = tally.get(status, 0) + count
        if self.server.process.poll() is not None:
            raise SystemExit("bench: the server died during the run")
        return result

    def closed(self, endpoint: str, *, concurrency: int, duration: float) -> dict[str, Any]:
        cs.progress(f"  {endpoint}: {concurrency} clients for {duration:g}s")
        result = self.job(endpoint, mode="closed", concurrency=concurrency, duration=duration)
        result["rps"] = result["requests"] / result["elapsed_s"]
        other = result["other_cpu_share"]
        cs.progress(f"    {result['rps']:.0f} req/s; other processes {other:.0%}")
        return result

    def open(self, endpoint: str, *, rate: float, duration: float) -> dict[str, Any]:
        cs.progress(f"  {endpoint}: open loop at {rate:g} req/s for {duration:g}s")
        result = self.job(endpoint, mode="open", rate=rate, duration=duration)
        cs.progress(f"    p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms")
        return result


def bench_database(database: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    cs.progress(f"== {database} ==")
    with (
        tempfile.TemporaryDirectory(prefix=f"bench-portal-{database}-") as tmp,
        cs.DATABASES[database](Path(tmp)) as database_env,
    ):
        env = cs.server_env(Path(tmp), database_env)
        session, cases = setup(env, args.cases)
        server = cs.Server(env, args.artifacts / f"portal-server-{database}.log")
        try:
            server.wait_ready()
            return measure(database, server, session, cases, args)
        finally:
            server.stop()
            cs.progress("server stopped")


def measure(
    database: str, server: cs.Server, session: str, cases: int, args: argparse.Namespace
) -> list[dict[str, Any]]:
    load = Load(server, session)
    common = {
        "database": database,
        "server": "contactcenter serve --no-worker (uvicorn, 1 process)",
        "data": f"one account linked to {cases} cases, 3 status events each",
        "cpus": os.cpu_count(),
    }
    cs.progress("warm-up")
    for endpoint in ("healthz", "my_cases"):
        load.closed(endpoint, concurrency=args.concurrency, duration=args.warmup)
    runs: dict[str, list[dict[str, Any]]] = {"healthz": [], "my_cases": []}
    for _ in range(args.runs):
        for endpoint in ("healthz", "my_cases"):
            runs[endpoint].append(
                load.closed(endpoint, concurrency=args.concurrency, duration=args.duration)
            )
    rps = {endpoint: statistics.median(r["rps"] for r in rs) for endpoint, rs in runs.items()}
    latency = {
        endpoint: load.open(endpoint, rate=args.rate, duration=args.latency_duration)
        for endpoint in ("my_cases", "healthz")
    }
    other = statistics.median(
        r["other_cpu_share"] for r in [*runs["healthz"], *runs["my_cases"], *latency.values()]
    )
    common["other_processes_cpu_share_median"] = round(other, 3)
    common["contended"] = other > cs.CONTENDED_SHARE
    lines: list[dict[str, Any]] = [
        {
            "bench": "portal",
            "metric": "my_cases_throughput_rps",
            "value": round(rps["my_cases"], 1),
            "baseline": round(rps["healthz"], 1),
            "ratio": round(rps["my_cases"] / rps["healthz"], 3),
            "unit": "requests/s",
            **common,
            "detail": {
                "method": (
                    f"{args.concurrency} keep-alive clients, closed loop, bench/loadgen.py raw "
                    f"generator; median of {args.runs} alternating runs of {args.duration:g}s"
                ),
                "baseline_is": "GET /healthz, same server, same run",
                "runs_rps": {k: [round(r["rps"], 1) for r in v] for k, v in runs.items()},
                "statuses": load.statuses,
            },
        }
    ]
    for pct in ("p50", "p99"):
        value, base = latency["my_cases"][f"{pct}_ms"], latency["healthz"][f"{pct}_ms"]
        line: dict[str, Any] = {
            "bench": "portal",
            "metric": f"my_cases_latency_{pct}_ms",
            "value": round(value, 2),
            "baseline": round(base, 2),
            "ratio": round(value / base, 3) if base else None,
            "unit": "ms",
        }
        if pct == "p99":
            line.update(target=f"< {P99_TARGET_MS:g} ms", meets_target=value < P99_TARGET_MS)
        line.update(common)
        line["detail"] = {
            "method": (
                f"open loop, {args.rate:g} pages/s offered for {args.latency_duration:g}s; "
                "latency from the scheduled send time (queueing counted)"
            ),
            "baseline_is": "GET /healthz at the same offered load, same server",
            "requests": latency["my_cases"]["requests"],
        }
        lines.append(line)
    return lines


def loadgen_child(session: str, job: str) -> None:
    """Run loadgen.py's main() with a Cookie header on every request it sends."""
    import loadgen

    original = loadgen.RawConnection.__init__

    def with_cookie(self, host: str, port: int) -> None:
        original(self, host, port)
        # The request line is "... Host: <host_header>\r\n\r\n": one more header rides along.
        self.host_header += b"\r\nCookie: sessionid=" + session.encode()

    loadgen.RawConnection.__init__ = with_cookie  # type: ignore[method-assign]
    sys.argv = [loadgen.__file__, job]
    loadgen.main()


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--loadgen-child":
        loadgen_child(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--latency-duration", type=float, default=15.0)
    parser.add_argument("--artifacts", type=Path, default=BENCH_DIR / "results")
    args = parser.parse_args()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    failed = False
    for database in databases:
        lines = bench_database(database, args)
        with (args.artifacts / "latest.jsonl").open("a") as out:
            for line in lines:
                print(json.dumps(line), flush=True)
                out.write(json.dumps(line) + "\n")
        statuses = lines[0]["detail"]["statuses"]["my_cases"]
        if set(statuses) != {"200"}:
            cs.progress(f"bench: 'My cases' answered {statuses}")
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
