"""Staff workspace benchmark: 50 agents working chats at once over real HTTP and WebSockets.

Setup: a fresh database (PostgreSQL by default, or a SQLite file), ``migrate``, the queues,
``--agents`` Tier 1 agents with passwords and enough chats waiting in the Tier 1 chat queue
for every run, all built through the product's own services; then the product's server
(uvicorn on ``contactcenter.asgi``, one process) on that database with Redis for the channel
layer and the cache.

Each agent is a client of its own (its own cookies, as a browser has) that signs in on the
desk's sign-in page, then works one chat after another:

- ``available``: set presence to available (the desk offers the next chat at once); the
  page's form posts it with htmx and gets back "My work", which shows the offer;
- ``accept``: accept the offer (a plain form post), load the inquiry page it lands on and
  open the chat panel's socket (``ws/chat/desk/<reference>``) up to its first status;
- ``reply``: send a message on that socket until it comes back stored (its acknowledgement);
- ``note``: add an internal note (htmx: the answer is the history with the note in it);
- ``resolve``: resolve with a disposition (the work item is finished and the agent moves to
  wrap-up; htmx: the answer is the right pane, "My work" and the contact's heading); the chat
  socket is closed.

Each request is the one the page's own form sends in a browser with JavaScript: the forms that
post with htmx (presence, note, resolve) carry htmx's headers (``HX-Request``,
``HX-Current-URL``, ``HX-Target``, the CSRF header from the page) and the same fields and
address as the form, and are answered with a fragment, which must be a 200 (a redirect would be
a change of behaviour, and fails the action); a plain form post (accept, "Get next") follows
its redirect and loads the whole page, as the browser does. An action's time is what the agent
waits for. Load (open loop): actions are due on a fixed clock, ``--rate`` a second in all,
over the agents in turn (with 50 agents at 20 a second, each agent's next action is due every
2.5 s); each is timed from when it was due, so an agent still busy with its previous action
counts that wait instead of hiding it. Agents are not in step, as people on a shift are not:
before the clock starts, agent i takes the first ``i mod 5`` actions of its cycle (untimed), so
that in every 2.5 s a fifth of the agents go available, a fifth accept, and so on. With
``--lockstep`` every agent starts from going available, so that all fifty accept within the
same 2.5 s, then all reply, and so on (the bench as it was first written: a burst of the
heaviest action at 20 a second, which a real desk does not make). Signing in is measured
apart, before the clock starts, at ``--sign-in-rate``: it hashes the password (PBKDF2, a
deliberate cost) and is not one of the workspace's actions the target is about.

Baseline, same run, same server, same 50 clients, same clock: ``GET /healthz``.

Figures, one JSON line each on stdout and appended to ``bench/results/latest.jsonl``: p50,
p95 and p99 per action and over all actions, beside the baseline's; the median over
``--runs`` runs. Progress on stderr. Target: p99 under 150 ms for every action. Exit status 1
when any action failed.

    .venv/bin/python bench/workspace.py                   # 50 agents, 20 actions/s, 3 runs
    .venv/bin/python bench/workspace.py --quick           # a short run to try it
    .venv/bin/python bench/workspace.py --profile         # the server under cProfile
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
PYTHON = sys.executable
sys.path.insert(0, str(BENCH_DIR))
from case_status import progress, run  # noqa: E402  (shared helpers)
from chat import DATABASES, Server, percentile, server_env  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/6"
P99_TARGET_MS = 150.0
PASSWORD = "bench workspace password 1"
ACTIONS = ("available", "accept", "reply", "note", "resolve")
OFFER = re.compile(r"/desk/offers/(\d+)/accept/")
INQUIRY = re.compile(r"/desk/inquiries/(\d+)/")


# --- Filling the database (runs in a subprocess with Django set up) --------------------------


def fill(agents: int, chats: int) -> None:
    """``agents`` Tier 1 agents who take one chat at a time, and ``chats`` chats handed to the
    Tier 1 chat queue, through the services; prints the agents' usernames as JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    from contactcenter.chat.services import chat_handoff, conversation_start
    from contactcenter.routing.models import Agent, Presence
    from contactcenter.routing.reference_data import queues_load
    from contactcenter.staff.models import Role

    queues_load()
    tier1, _ = Group.objects.get_or_create(name=Role.TIER1)
    hashed = make_password(PASSWORD)  # hashed once: the same password for every agent
    names = []
    for n in range(agents):
        user = User.objects.create(username=f"bench-agent-{n}", first_name=f"Agent{n}",
                                   password=hashed)  # fmt: skip
        user.groups.add(tier1)
        Agent.objects.create(
            user=user, tiers=["tier1"], languages=["en"], capacity={"chat": 1, "phone": 1},
            presence=Presence.OFFLINE,
        )  # fmt: skip
        names.append(user.username)
    for _ in range(chats):
        conversation, _token = conversation_start(language="en")
        chat_handoff(conversation=conversation)
    sys.stdout.write(json.dumps(names))


# --- The load --------------------------------------------------------------------------------


class Clock:
    """The open loop's clock: the k-th action of agent i is due at start + (k·A + i) / rate."""

    def __init__(self, agents: int, rate: float, start: float, stop: float) -> None:
        self.agents, self.rate, self.start, self.stop = agents, rate, start, stop
        self._stopped = 0
        self._all_stopped = asyncio.Event()

    def due(self, agent: int, k: int) -> float:
        return self.start + (k * self.agents + agent) / self.rate

    async def wait(self, agent: int, k: int) -> float | None:
        """Sleep until the action is due (not at all when late); None once the run is over."""
        due = self.due(agent, k)
        if due >= self.stop:
            return None
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        return due

    async def all_stopped(self) -> None:
        """Wait until every agent's last timed action is over: the untimed steps that finish
        a chat must not land on the actions still being timed (they did, as a burst in the
        run's last seconds, before this wait)."""
        self._stopped += 1
        if self._stopped >= self.agents:
            self._all_stopped.set()
        await self._all_stopped.wait()


class Tally:
    def __init__(self, counted_from: float) -> None:
        self.counted_from = counted_from
        self.latencies: dict[str, list[float]] = collections.defaultdict(list)
        self.errors: collections.Counter[str] = collections.Counter()
        self.done: collections.Counter[str] = collections.Counter()
        self.by_second: dict[int, list[float]] = collections.defaultdict(list)
        self.timeline: list[tuple[float, str, float]] = []  # (due, action, latency), counted

    def record(self, action: str, due: float) -> None:
        now = time.perf_counter()
        self.done[action] += 1
        if due >= self.counted_from:
            self.latencies[action].append(now - due)
            self.by_second[int(due - self.counted_from)].append(now - due)
            self.timeline.append((due - self.counted_from, action, now - due))

    def fail(self, action: str, why: str) -> None:
        self.errors[f"{action}: {why}"] += 1


def _csrf(client) -> dict[str, str]:
    return {"X-CSRFToken": client.cookies.get("csrftoken", "")}


async def _post(client, url: str, data: dict[str, str]):
    answer = await client.post(url, data=data, headers=_csrf(client))
    if answer.status_code != 200:
        raise RuntimeError(f"HTTP {answer.status_code}")
    return answer


class AgentClient:
    def __init__(self, index: int, username: str, origin: str) -> None:
        import httpx

        self.index = index
        self.username = username
        self.origin = origin
        self.client = httpx.AsyncClient(base_url=origin, follow_redirects=True, timeout=60)
        self.socket = None
        self.page = "/desk/"  # the page the agent has open, which the htmx forms post from
        self.reference = ""
        self.offer = ""
        self.sent = 0
        self.step = 0  # the next action of its cycle (ACTIONS)

    async def sign_in(self) -> None:
        await self.client.get("/desk/login/")
        answer = await _post(self.client, "/desk/login/",
                             {"username": self.username, "password": PASSWORD})  # fmt: skip
        if not str(answer.url).endswith("/desk/"):
            raise RuntimeError(f"sign-in ended at {answer.url.path}")

    async def _htmx(self, url: str, data: dict[str, str], target: str):
        """A form's post as htmx sends it from the open page: htmx's headers, no redirect."""
        headers = _csrf(self.client) | {
            "HX-Request": "true", "HX-Current-URL": self.origin + self.page, "HX-Target": target,
        }  # fmt: skip
        answer = await self.client.post(url, data=data, headers=headers, follow_redirects=False)
        if answer.status_code != 200:
            raise RuntimeError(f"HTTP {answer.status_code}")
        return answer

    async def available(self) -> None:
        # On an inquiry page, the presence form marks it in "My work" and names it as ``next``.
        url, data = "/desk/presence/", {"presence": "available"}
        if self.reference and self.page == f"/desk/inquiries/{self.reference}/":
            url, data["next"] = f"{url}?current={self.reference}", self.page
        answer = await self._htmx(url, data, "work-panels")
        found = OFFER.search(answer.text)
        self.offer = found.group(1) if found else ""

    async def accept(self) -> None:
        if not self.offer:  # nothing was offered when going available: ask again
            answer = await _post(self.client, "/desk/offers/next/", {})
            self.page = answer.url.path
            found = OFFER.search(answer.text)
            if not found:
                raise RuntimeError("no offer")
            self.offer = found.group(1)
        answer = await _post(self.client, f"/desk/offers/{self.offer}/accept/", {})
        found = INQUIRY.search(str(answer.url))
        if not found:
            raise RuntimeError("accept did not open the inquiry")
        self.reference, self.offer = found.group(1), ""
        self.page = answer.url.path
        import websockets

        session = self.client.cookies.get("sessionid", "")
        self.socket = await websockets.connect(
            f"ws://{self.origin.split('//', 1)[1]}/ws/chat/desk/{self.reference}",
            origin=self.origin, additional_headers={"Cookie": f"sessionid={session}"},
            max_queue=None, compression=None,
        )  # fmt: skip
        await self.socket.send(json.dumps({"type": "hello", "after": 10**12}))
        while json.loads(await self.socket.recv()).get("type") != "status":
            pass

    async def reply(self) -> None:
        assert self.socket is not None
        self.sent += 1
        key = f"{self.username}-{self.reference}-{self.sent}"
        await self.socket.send(json.dumps(
            {"type": "message", "body": "Thank you for waiting; I am looking now.",
             "client_id": key}
        ))  # fmt: skip
        while True:
            event = json.loads(await self.socket.recv())
            if event.get("type") == "error":
                raise RuntimeError(f"chat error {event.get('code')}")
            if event.get("type") == "message" and event["message"].get("client_id") == key:
                return

    async def note(self) -> None:
        answer = await self._htmx(f"/desk/inquiries/{self.reference}/note/",
                                  {"note-body": "Asked for the receipt number."},
                                  "inquiry-history")  # fmt: skip
        if "Note added" not in answer.text:
            raise RuntimeError("note not added")

    async def resolve(self) -> None:
        answer = await self._htmx(f"/desk/inquiries/{self.reference}/resolve/",
                                  {"resolve-disposition": "resolved_first_contact",
                                   "resolve-note": "Answered."}, "pane-context")  # fmt: skip
        if self.socket is not None:
            await self.socket.close()
            self.socket = None
        if "resolved" not in answer.text:
            raise RuntimeError("not resolved")

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        await self.client.aclose()


async def work(agent: AgentClient, clock: Clock, tally: Tally) -> None:
    """One agent's shift: the actions in turn, each when the clock says it is due. After a
    failure the agent starts again from going available (a failed accept leaves no chat)."""
    k = 0
    step = agent.step
    while True:
        due = await clock.wait(agent.index, k)
        if due is None:
            # The clock has stopped: once every agent's timed actions are over, finish the
            # chat in hand, untimed, so the next run's agents start with nothing held.
            await clock.all_stopped()
            for action in ACTIONS[step:] if step else ():
                try:
                    await getattr(agent, action)()
                except Exception as error:
                    tally.fail(f"{action} (after the clock)", str(error) or type(error).__name__)
                    break
            agent.step = 0
            return
        k += 1
        action = ACTIONS[step]
        try:
            await getattr(agent, action)()
        except Exception as error:  # counted, shown, and the agent goes on
            tally.fail(action, str(error) or type(error).__name__)
            if agent.socket is not None:
                await agent.socket.close()
                agent.socket = None
            step = 0
            continue
        tally.record(action, due)
        step = (step + 1) % len(ACTIONS)


async def stagger(agent: AgentClient) -> None:
    """Before the clock: agent i takes the first ``i mod 5`` actions of its cycle, untimed,
    spread over a second so that the server is not asked for them all at once."""
    await asyncio.sleep(agent.index / 50)
    for action in ACTIONS[: agent.index % len(ACTIONS)]:
        await getattr(agent, action)()
        agent.step += 1


async def healthz(agent: AgentClient, clock: Clock, tally: Tally) -> None:
    k = 0
    while True:
        due = await clock.wait(agent.index, k)
        if due is None:
            return
        k += 1
        answer = await agent.client.get("/healthz")
        if answer.status_code != 200:
            tally.fail("healthz", str(answer.status_code))
            continue
        tally.record("healthz", due)


def machine_cpu() -> tuple[float, float]:
    """All cores' time and their idle time so far, in clock ticks (``/proc/stat``)."""
    try:
        fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return (0.0, 0.0)
    return (sum(fields), fields[3] + fields[4])  # idle and waiting for I/O count as idle


def summary(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "n": len(ordered),
        "p50_ms": round(percentile(ordered, 0.50) * 1000, 1),
        "p95_ms": round(percentile(ordered, 0.95) * 1000, 1),
        "p99_ms": round(percentile(ordered, 0.99) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1) if ordered else float("nan"),
    }


async def phase(agents: list[AgentClient], body, args: argparse.Namespace, name: str) -> Tally:
    start = time.perf_counter() + 0.5
    clock = Clock(len(agents), args.rate, start, start + args.warmup + args.duration)
    tally = Tally(start + args.warmup)

    async def report() -> None:
        while True:
            await asyncio.sleep(2)
            elapsed = time.perf_counter() - start
            recent = [x for s, xs in tally.by_second.items() if s >= elapsed - args.warmup - 3
                      for x in xs]  # fmt: skip
            p99 = percentile(sorted(recent), 0.99) * 1000 if recent else float("nan")
            progress(f"{name}: {elapsed:5.1f}s of {args.warmup + args.duration:.0f}s, "
                     f"{sum(tally.done.values())} actions, {sum(tally.errors.values())} failed, "
                     f"p99 of the last seconds {p99:.0f} ms")  # fmt: skip

    reporter = asyncio.get_running_loop().create_task(report())
    await asyncio.gather(*(body(agent, clock, tally) for agent in agents))
    reporter.cancel()
    return tally


async def measure(server: Server, names: list[str], args: argparse.Namespace) -> dict[str, Any]:
    agents = [AgentClient(n, name, server.origin) for n, name in enumerate(names)]
    try:
        # Signing in, apart, at its own rate: each hashes the password.
        progress(f"{len(agents)} agents sign in at {args.sign_in_rate}/s")
        sign_in: list[float] = []
        failures = 0

        async def one(agent: AgentClient) -> None:
            nonlocal failures
            due = t0 + agent.index / args.sign_in_rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            try:
                await agent.sign_in()
            except Exception as error:
                failures += 1
                if failures == 1:
                    progress(f"sign-in failed: {error!r}")
                return
            sign_in.append(time.perf_counter() - due)

        t0 = time.perf_counter() + 0.2
        await asyncio.gather(*(one(agent) for agent in agents))
        if failures:
            raise SystemExit(f"bench: {failures} agents could not sign in")
        progress(f"baseline: GET /healthz at {args.rate}/s for {args.warmup + args.duration}s")
        baseline = await phase(agents, healthz, args, "baseline")
        if not args.lockstep:
            progress("agents take their first steps, untimed, so that they are not in step")
            await asyncio.gather(*(stagger(agent) for agent in agents))
        progress(f"workspace: {args.rate} actions/s for {args.warmup + args.duration}s")
        busy_before = os.getloadavg()
        cpu_before = server.cpu_seconds()
        client_before = time.process_time()
        machine_before = machine_cpu()
        workspace = await phase(agents, work, args, "workspace")
        server_cpu = server.cpu_seconds() - cpu_before
        client_cpu = time.process_time() - client_before
        machine_after = machine_cpu()
        machine = [
            after - before for after, before in zip(machine_after, machine_before, strict=True)
        ]
    finally:
        await asyncio.gather(*(agent.close() for agent in agents))
    every = [x for action in ACTIONS for x in workspace.latencies[action]]
    return {
        "sign_in": summary(sign_in),
        "baseline": summary(baseline.latencies["healthz"]),
        "actions": {action: summary(workspace.latencies[action]) for action in ACTIONS},
        "overall": summary(every),
        "errors": dict(workspace.errors) | {f"baseline {k}": v for k, v in baseline.errors.items()},
        "load_average": [round(x, 2) for x in busy_before],
        # What the server spent per action, whatever else the machine was doing: the figure
        # that says whether one core could keep up with the rate at all.
        "server_cpu_ms_per_action": round(
            server_cpu * 1000 / max(1, sum(workspace.done.values())), 1
        ),
        # The load's own cost (these 50 clients run on the same machine) and how busy the
        # machine's cores were in all while the clock ran: a share near 1 means the actions
        # waited for a core, whatever the server's own cost.
        "client_cpu_ms_per_action": round(
            client_cpu * 1000 / max(1, sum(workspace.done.values())), 1
        ),
        "machine_busy_share": round(1 - machine[1] / max(machine[0], 1e-9), 2),
        "counted_from_monotonic": round(workspace.counted_from, 3),
        "slowest_actions": [
            (round(at, 2), action, round(latency * 1000))
            for at, action, latency in sorted(workspace.timeline, key=lambda x: -x[2])[:10]
        ],
        "slowest_seconds": sorted(
            ((s, round(max(xs) * 1000)) for s, xs in workspace.by_second.items()),
            key=lambda pair: -pair[1],
        )[:5],
    }


# --- Main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--rate", type=float, default=20.0, help="actions per second in all")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds not counted")
    parser.add_argument("--runs", type=int, default=3, help="repeat and report the median")
    parser.add_argument(
        "--workers", type=int, default=2,
        help="uvicorn worker processes (as `contactcenter serve --workers N`; 1 under --profile)",
    )  # fmt: skip
    parser.add_argument(
        "--lockstep", action="store_true",
        help="every agent starts from going available, so each action comes in a burst",
    )  # fmt: skip
    parser.add_argument("--sign-in-rate", type=float, default=5.0, help="sign-ins per second")
    parser.add_argument("--quick", action="store_true", help="one run of 12 s after 3 s warm-up")
    parser.add_argument("--database", choices=sorted(DATABASES), default="postgres")
    parser.add_argument("--redis-url", default=REDIS_URL, help="emptied before the run")
    parser.add_argument("--artifacts", type=Path, default=PROJECT_DIR / "var" / "bench")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "latest.jsonl")
    parser.add_argument(
        "--profile", action="store_true",
        help="run the server under cProfile (var/bench/workspace-server.pstats)",
    )  # fmt: skip
    parser.add_argument(
        "--stalls", action="store_true",
        help="one worker with the stall recorder (var/bench/workspace-stalls.jsonl)",
    )  # fmt: skip
    parser.add_argument("--fill", nargs=2, type=int, help=argparse.SUPPRESS)  # internal
    args = parser.parse_args(argv)
    if args.quick:
        # Long enough for every action to come round after the warm-up (each agent's cycle
        # is five actions: 12.5 s with 50 agents at 20 a second).
        args.runs, args.duration, args.warmup = 1, 12.0, 3.0
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.fill is not None:
        fill(*args.fill)
        return 0
    import redis

    try:
        redis.Redis.from_url(args.redis_url, socket_connect_timeout=1).flushdb()
    except redis.RedisError as error:
        raise SystemExit(f"bench: Redis at {args.redis_url} is needed: {error}") from None
    args.artifacts.mkdir(parents=True, exist_ok=True)
    # Each run works through at most one chat per five actions, plus one held per agent.
    per_run = int(args.rate * (args.warmup + args.duration) / len(ACTIONS)) + 2 * args.agents
    chats = per_run * args.runs
    with (
        tempfile.TemporaryDirectory(prefix="bench-workspace-") as tmp,
        DATABASES[args.database](Path(tmp)) as database_url,
    ):
        env = server_env(Path(tmp), database_url, args.redis_url)
        # Plain HTTP on 127.0.0.1: cookies without the Secure flag, as the clients need.
        # Two-step verification is asked once, at sign-in, which is measured apart; the agents
        # sign in with a password only (as the demo does).
        env.update({"SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false",
                    "STAFF_REQUIRE_TWO_STEP": "false",
                    "STATIC_ROOT": str(args.artifacts / "workspace-static")})  # fmt: skip
        run([PYTHON, "-m", "django", "migrate", "--no-input"], env, "migrate")
        # The pages name static files by their hashed names (DEBUG off): collected once, and
        # again only when a source file changed, as `contactcenter web` does at its start.
        run([PYTHON, "-c", "import django; django.setup(); from contactcenter.core.static_ready"
             " import static_files_ready; static_files_ready()"], env, "static files")  # fmt: skip
        names = json.loads(run(
            [PYTHON, str(Path(__file__)), "--fill", str(args.agents), str(chats)], env,
            f"{args.agents} agents and {chats} waiting chats through the services",
        ))  # fmt: skip
        profile = args.artifacts / "workspace-server.pstats" if args.profile else None
        stalls = args.artifacts / "workspace-stalls.jsonl" if args.stalls else None
        if stalls is not None:
            stalls.unlink(missing_ok=True)
        workers = 1 if profile or stalls else args.workers
        server = Server(env, args.artifacts / "workspace-server.log", profile, stalls=stalls,
                        stacks=args.stalls, workers=workers)  # fmt: skip
        progress(f"server up on port {server.port}")
        try:
            try:
                import uvloop

                uvloop.install()
            except ImportError:
                pass
            results = []
            for n in range(args.runs):
                result = asyncio.run(measure(server, names, args))
                results.append(result)
                progress(f"run {n + 1}: " + ", ".join(
                    f"{a} p99 {result['actions'][a]['p99_ms']:.0f}" for a in ACTIONS
                ) + f"; overall p99 {result['overall']['p99_ms']:.0f} ms, /healthz p99 "
                    f"{result['baseline']['p99_ms']:.0f} ms; load average "
                    f"{result['load_average']}; server CPU per action "
                    f"{result['server_cpu_ms_per_action']} ms, client "
                    f"{result['client_cpu_ms_per_action']} ms, cores busy "
                    f"{result['machine_busy_share']:.0%}; "
                    f"errors {result['errors'] or 'none'}")  # fmt: skip
        finally:
            server.stop()
            progress("server stopped")
        if profile is not None and not profile.exists():
            progress(f"no profile written ({profile}): the server was stopped while merging")
        elif profile is not None:
            import pstats

            pstats.Stats(str(profile), stream=sys.stderr).sort_stats("cumulative").print_stats(40)

    def median(pick) -> float:
        return statistics.median(pick(result) for result in results)

    errors = sum(sum(result["errors"].values()) for result in results)
    detail = {
        "agents": args.agents, "rate_per_s": args.rate, "duration_s": args.duration,
        "warmup_s": args.warmup, "runs": args.runs, "target_p99_ms": P99_TARGET_MS,
        "agents_in_step": args.lockstep,
        "baseline_is": "GET /healthz on the same server, clients and clock",
        "runs_detail": results,
    }  # fmt: skip
    lines = []
    for name in (*ACTIONS, "overall", "sign_in"):
        for stat in ("p50", "p95", "p99"):
            key = f"{stat}_ms"
            if name in ACTIONS:
                value = median(lambda r, name=name, key=key: r["actions"][name][key])
            else:
                value = median(lambda r, name=name, key=key: r[name][key])
            baseline = median(lambda r, key=key: r["baseline"][key])
            lines.append({
                "bench": "workspace", "metric": f"{stat}_{name}", "value": value,
                "baseline": baseline,
                "ratio": round(value / baseline, 2) if baseline else None,
                "unit": "ms", "database": args.database, "detail": detail,
            })  # fmt: skip
            detail = {"see": "p50_available"}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("a") as out:
        for line in lines:
            print(json.dumps(line), flush=True)
            out.write(json.dumps(line) + "\n")
    table = [f"{'action':<10} {'p50':>7} {'p95':>7} {'p99':>7}   (ms, median of {args.runs})"]
    for name in (*ACTIONS, "overall", "sign_in"):
        row = {line["metric"].split("_", 1)[0]: line["value"] for line in lines
               if line["metric"].split("_", 1)[1] == name}  # fmt: skip
        table.append(f"{name:<10} {row['p50']:>7.1f} {row['p95']:>7.1f} {row['p99']:>7.1f}")
    base = {line["metric"].split("_", 1)[0]: line["baseline"] for line in lines[:3]}
    table.append(f"{'/healthz':<10} {base['p50']:>7.1f} {base['p95']:>7.1f} {base['p99']:>7.1f}")
    progress("\n" + "\n".join(table))
    p99s = [median(lambda r, a=a: r["actions"][a]["p99_ms"]) for a in ACTIONS]
    worst = max((p for p in p99s if p == p), default=float("nan"))  # NaN: none counted
    progress(f"target p99 < {P99_TARGET_MS:.0f} ms per action: "
             f"{'met' if worst < P99_TARGET_MS else 'NOT met'} (worst {worst:.0f} ms)")  # fmt: skip
    if errors:
        progress(f"{errors} actions failed")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
