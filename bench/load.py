"""The agency's traffic mix through nginx on the production topology, at a multiple of peak.

Peak, per second: 12.5 IVR turns, 2.5 case-status look-ups, 10 chat messages, 1 web inquiry
(the issue's target is ten times that for ten minutes: zero errors, p99 under 200 ms per
kind). Same set-up as ``bench/faults.py`` (own PostgreSQL and Redis, ``contactcenter
cluster``: nginx, two web instances, a worker). Requests are sent open-loop on a fixed
schedule and each latency runs from its scheduled time, so queueing counts. First a baseline,
``/healthz`` through the same nginx at the mix's total rate, then the mix with ``/healthz``
at 5 a second inside it (the same baseline under the same load); p50/p99 and errors per
kind, one JSON object per line (``bench/results/load.jsonl``).

Per-address rate limits are raised for the run (one machine sends everything); chat, whose
limit is fixed, asks from a loopback address per conversation.

    BENCH_LOAD=600 make bench     or     .venv/bin/python bench/load.py --duration 60 --multiple 10
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import secrets
import shutil
import ssl
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import faults  # noqa: E402  (the sibling benchmark: PostgreSQL, Redis, the cluster)

RESULTS = BENCH_DIR / "results" / "load.jsonl"
PAGE_LEAD_SECONDS = 1.0  # a page is loaded this long before its first timed request
PEAK = {"ivr_turn": 12.5, "case_status": 2.5, "chat_message": 10.0, "web_inquiry": 1.0}
QUESTIONS = ("what are your office hours", "how do I change my address",
             "how long does an I-130 take", "where is my green card")  # fmt: skip


class Mix:
    def __init__(self, port: int) -> None:
        import httpx
        from twilio.request_validator import RequestValidator

        self.httpx = httpx
        self.origin = f"http://127.0.0.1:{port}"
        self.validator = RequestValidator(faults.TOKEN)
        self.latencies: dict[str, list[float]] = collections.defaultdict(list)
        self.errors: dict[str, collections.Counter[str]] = collections.defaultdict(
            collections.Counter
        )
        self.shared = httpx.AsyncClient(
            base_url=self.origin, timeout=30, limits=httpx.Limits(max_connections=200)
        )
        self.serial = 0
        self.prefix = secrets.token_hex(4)
        self.tls = ssl.create_default_context()

    def _own_client(self):
        self.serial += 1
        n = self.serial
        address = f"127.{(n >> 16) % 250 + 1}.{(n >> 8) % 256}.{n % 250 + 2}"
        # One TLS context for all (plain HTTP here, but each transport would otherwise load the
        # CA bundle again: tens of milliseconds of this process's loop per conversation).
        transport = self.httpx.AsyncHTTPTransport(local_address=address, verify=self.tls)
        return self.httpx.AsyncClient(base_url=self.origin, transport=transport, timeout=30), n

    async def _until(self, at: float) -> None:
        delay = at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)

    async def _timed(self, kind: str, due: float, client, method: str, url: str, **kw):
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            response = await client.request(method, url, **kw)
        except self.httpx.HTTPError as error:
            self.errors[kind][type(error).__name__] += 1
            return None
        if response.status_code >= 400:
            self.errors[kind][str(response.status_code)] += 1
        else:
            self.latencies[kind].append(time.perf_counter() - due)
        return response

    async def healthz(self, due: float) -> None:
        await self._timed("healthz", due, self.shared, "GET", "/healthz")

    async def case_status(self, due: float) -> None:
        receipt = faults.RECEIPTS[int(due * 1000) % len(faults.RECEIPTS)]
        await self._timed("case_status", due, self.shared, "GET", f"/api/v1/case-status/{receipt}")

    async def call(self, due: float, think: float) -> None:
        self.serial += 1
        n = self.serial
        base = {"CallSid": f"CA{self.prefix}{n:024d}", "From": f"+1555{n % 10_000_000:07d}",
                "To": "+18005550100"}  # fmt: skip
        answers = [{"Digits": "1"}, {"Digits": "1"},
                   {"SpeechResult": " ".join(faults.RECEIPTS[n % len(faults.RECEIPTS)])},
                   {"Digits": "2"}, {"SpeechResult": faults.RECEIPTS[(n + 1) % 4]},
                   {"Digits": "9"}]  # fmt: skip
        paths = [f"/ivr/voice/main?{urlencode(base)}"] + [
            f"/ivr/voice/main/step?{urlencode({'n': step, **base, **answer})}"
            for step, answer in enumerate(answers, 1)
        ]
        for index, path in enumerate(paths):
            signature = self.validator.compute_signature(self.origin + path, {})
            response = await self._timed(
                "ivr_turn", due + index * think, self.shared, "GET", path,
                headers={"X-Twilio-Signature": signature},
            )  # fmt: skip
            if response is None or response.status_code != 200:
                return

    async def _csrf(self, kind: str, client) -> str | None:
        """The CSRF cookie a person's browser gets from a page first (not timed)."""
        try:
            await client.get("/account-help/")
        except self.httpx.HTTPError as error:
            self.errors[kind][f"page:{type(error).__name__}"] += 1
            return None
        return client.cookies.get("csrftoken", "")

    async def chat(self, due: float, messages: int, every: float) -> None:
        # The person opens the page a moment before asking, not all at the run's start.
        await self._until(due - PAGE_LEAD_SECONDS)
        client, n = self._own_client()
        async with client:
            token = await self._csrf("chat_message", client)
            if token is None:
                return
            for index in range(messages):
                await self._timed(
                    "chat_message", due + index * every, client, "POST", "/chat/ask/",
                    json={"question": QUESTIONS[(n + index) % len(QUESTIONS)]},
                    headers={"X-CSRFToken": token},
                )  # fmt: skip

    async def inquiry(self, due: float) -> None:
        await self._until(due - PAGE_LEAD_SECONDS)
        client, n = self._own_client()
        async with client:
            token = await self._csrf("web_inquiry", client)
            if token is None:
                return
            await self._timed(
                "web_inquiry", due, client, "POST", "/account-help/",
                data={"csrfmiddlewaretoken": token, "topic": "password", "phone": "",
                      "email": f"load+{self.prefix}{n}@example.org",
                      "description": "I cannot reset my password.", "website": ""},
            )  # fmt: skip


async def run_schedule(starts: dict[str, float], duration: float, launch, errors: dict) -> None:
    """Start ``launch(kind, due)`` ``rate`` times a second per kind for ``duration`` s. Past
    the schedule, a minute for answers still on their way; what is left counts as errors."""
    t0 = time.perf_counter() + 0.5
    tasks: dict[asyncio.Task, str] = {}
    for kind, rate in starts.items():
        for i in range(int(rate * duration)):
            tasks[asyncio.create_task(launch(kind, t0 + i / rate))] = kind
    _done, late = await asyncio.wait(list(tasks), timeout=duration + 60)
    for task in late:
        task.cancel()
        errors[tasks[task]]["unfinished"] += 1


def summary(kind: str, mix: Mix, offered: float, duration: float) -> dict:
    values = sorted(mix.latencies.get(kind, []))
    p = (
        (lambda q: round(values[min(int(q * len(values)), len(values) - 1)] * 1000, 1))
        if values
        else (lambda q: None)
    )
    return {
        "bench": "load", "kind": kind, "offered_per_s": offered, "duration_s": duration,
        "answered": len(values), "errors": sum(mix.errors[kind].values()),
        "error_kinds": dict(mix.errors[kind]), "p50_ms": p(0.5), "p99_ms": p(0.99),
        "mean_ms": round(statistics.fmean(values) * 1000, 1) if values else None,
    }  # fmt: skip


async def mix_run(port: int, rates: dict[str, float], duration: float) -> Mix:
    mix = Mix(port)
    think, chat_messages, chat_every = 1.0, 5, 2.0
    starts = {
        "ivr_turn": rates["ivr_turn"] / 7,  # calls of 7 turns, a second apart
        "case_status": rates["case_status"],
        "chat_message": rates["chat_message"] / chat_messages,  # 5 questions, 2 s apart
        "web_inquiry": rates["web_inquiry"],
        # The baseline again, inside the mix: what the machine does to a request that does
        # nothing (other processes, the client itself) shows here too.
        "healthz": 5.0,
    }

    def launch(kind: str, due: float):
        if kind == "healthz":
            return mix.healthz(due)
        if kind == "ivr_turn":
            return mix.call(due, think)
        if kind == "chat_message":
            return mix.chat(due, chat_messages, chat_every)
        if kind == "case_status":
            return mix.case_status(due)
        return mix.inquiry(due)

    lag = asyncio.create_task(_loop_lag(mix.latencies["client_loop_lag"]))
    await run_schedule(starts, duration, launch, mix.errors)
    lag.cancel()
    await mix.shared.aclose()
    return mix


async def _loop_lag(found: list[float], every: float = 0.05) -> None:
    """How late this process's own event loop wakes: a stall here delays every request's
    send and so shows in every kind, whatever the servers do; reported beside them."""
    while True:
        started = time.perf_counter()
        await asyncio.sleep(every)
        found.append(max(time.perf_counter() - started - every, 0.0))


async def measure(port: int, duration: float, multiple: float) -> list[dict]:
    rates = {kind: rate * multiple for kind, rate in PEAK.items()}
    total = sum(rates.values())
    # Each web instance builds its assistant index, parses the flows and fills its pools on
    # first use: a short run at peak, not measured, warms both behind nginx.
    faults.say("load: warming up at 1 x peak for 8 s (not measured) ...")
    await mix_run(port, dict(PEAK), 8)
    baseline = Mix(port)
    faults.say(f"load: baseline /healthz at {total:g}/s for {min(duration, 15):g} s ...")
    await run_schedule(
        {"healthz": total},
        min(duration, 15),
        lambda kind, due: baseline.healthz(due),
        baseline.errors,
    )
    await baseline.shared.aclose()
    faults.say(f"load: the mix at {multiple:g} x peak ({total:g}/s) for {duration:g} s ...")
    mix = await mix_run(port, rates, duration)
    lines = [summary("healthz", baseline, total, min(duration, 15))]
    lines += [summary(kind, mix, rates[kind], duration) for kind in PEAK]
    during = summary("healthz", mix, 5.0, duration)
    lines.append({**during, "kind": "healthz_during_mix"})
    lag = summary("client_loop_lag", mix, 20.0, duration)
    lines.append({"bench": "load", "kind": "client_loop_lag", "p50_ms": lag["p50_ms"],
                  "p99_ms": lag["p99_ms"], "max_ms": round(max(mix.latencies["client_loop_lag"],
                  default=0) * 1000, 1)})  # fmt: skip
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of the mix")
    parser.add_argument("--multiple", type=float, default=10.0, help="times the agency's peak")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        raise SystemExit("nginx is not installed; `make nginx` installs Debian's.")
    root = Path(tempfile.mkdtemp(prefix="cc-load-"))
    pg, redis = faults.Postgres(root), faults.Redis(root)
    cluster = None
    high = str(10**9)
    try:
        cluster, _env, port = faults.cluster_start(
            root, pg, redis,
            {"CASE_STATUS_RATE_LIMIT": high, "ASSISTANT_RATE_LIMIT": high,
             "PORTAL_FORM_RATE_LIMIT": high, "SMS_PROVIDER": "console"},
        )  # fmt: skip
        lines = asyncio.run(measure(port, args.duration, args.multiple))
    finally:
        faults.cluster_stop(cluster, pg, redis)
        if args.keep:
            faults.say(f"load: kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    RESULTS.parent.mkdir(exist_ok=True)
    with RESULTS.open("w") as out:
        for line in lines:
            text = json.dumps(line)
            print(text)
            out.write(text + "\n")
    return 1 if any(line.get("errors") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
