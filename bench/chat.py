"""Live-chat benchmark: many chats open across two server processes sharing Redis.

Setup: a fresh database (PostgreSQL by default, or a SQLite file), ``migrate``, then N chats
built through the product's own services (asked the assistant, handed off, accepted by an
agent on the desk), and two uvicorn processes on that database sharing one Redis database for
the channel layer. For every chat the person's socket is on one server and the agent's on the
other, so every message crosses processes through Redis.

Load (open loop): messages are sent on a fixed schedule, ``--rate`` per second in all, spread
over the chats in turn, alternating person and agent; latency runs from the *scheduled* send
time to the moment the other side's socket receives the stored message, so time spent waiting
in the client or the servers is counted rather than hidden. Like the browser, the receiving
side answers every message with a delivered mark (one more write per message).

Baseline, same run, same servers, same sockets' worth of connections: the round trip of a bare
Channels consumer (``/ws/ping``: no database, no channel layer) at the same rate.

Figures, one JSON line each on stdout and appended to ``bench/results/latest.jsonl``:
p99 and p50 send-to-receipt in milliseconds against the ping round trip. Progress on stderr.
Target: chat p99 under 100 ms. Exit status 1 when any message was lost.

A tail is placed, for each phase of each run (``tail`` in the run's detail, one line on
stderr): the messages over ``SLOW_MS`` by second and by route (sender's server to receiver's),
what paused each process (garbage collections and late event-loop wake-ups, with the stack
seen in each if ``--stacks``; recorded in the servers and in this driver on the machine's
monotonic clock; the database pool opening connections), the channel layer's backlog in Redis
every 0.25 s, and the CPU taken each second by processes other than ours. A run with a second
in which others took half a core or more is flagged ``contended``: on two cores its tail says
more about the machine than the product. ``--no-trace`` runs the servers plain and samples
only the CPU.

    .venv/bin/python bench/chat.py                     # 200 chats, 100 messages/s, 20 s
    .venv/bin/python bench/chat.py --database sqlite --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import math
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
PYTHON = sys.executable
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from case_status import free_port, machine_busy, progress, run  # noqa: E402  (shared helpers)

from contactcenter.core.web_server import KEEP_ALIVE_SECONDS  # noqa: E402  (as production)

REDIS_URL = "redis://127.0.0.1:6379/5"
P99_TARGET_MS = 100.0
AGENT_CHAT_CAPACITY = 10


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


# --- Databases and servers ------------------------------------------------------------------


@contextlib.contextmanager
def sqlite_database(workdir: Path) -> Iterator[str]:
    yield f"sqlite:///{workdir / 'bench-chat.sqlite3'}"


@contextlib.contextmanager
def postgres_database(workdir: Path) -> Iterator[str]:
    import psycopg

    name = f"bench_chat_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    progress(f"postgres: created database {name}")
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        progress(f"postgres: dropped database {name}")


DATABASES = {"sqlite": sqlite_database, "postgres": postgres_database}


def server_env(workdir: Path, database_url: str, redis_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "VAR_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
            "VAR_DIR": str(workdir),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "AUDIT_CHAIN_KEY": secrets.token_urlsafe(32),  # production refuses to start without
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LIVE_HELP_ALWAYS_OPEN": "true",
            "LOG_LEVEL": "WARNING",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


class Server:
    def __init__(
        self, env: dict[str, str], log_path: Path, profile: Path | None = None,
        stalls: Path | None = None, stacks: bool = False, workers: int = 1,
    ) -> None:  # fmt: skip
        self.port = free_port()
        self.log = log_path.open("w")
        self.profile = profile
        self.stalls = stalls
        if profile is not None:  # the same application under cProfile (bench/profile_server.py)
            command = [PYTHON, str(BENCH_DIR / "profile_server.py"), str(self.port), str(profile)]
        elif stalls is not None:  # the same uvicorn, with the stall recorder (serve() below)
            command = [PYTHON, str(Path(__file__)), "--serve", str(self.port), str(stalls),
                       "1" if stacks else "0"]  # fmt: skip
        else:
            command = [PYTHON, "-m", "uvicorn", "contactcenter.asgi:application", "--host",
                       "127.0.0.1", "--port", str(self.port), "--lifespan", "off",
                       "--log-level", os.environ.get("BENCH_SERVER_LOG_LEVEL", "warning"),
                       "--no-access-log", "--timeout-keep-alive", str(KEEP_ALIVE_SECONDS),
                       "--workers", str(workers)]  # fmt: skip
        self.process = subprocess.Popen(
            command, env=env, cwd=PROJECT_DIR, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit(f"bench: server did not start; see {log_path}") from None
                time.sleep(0.1)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """CPU used so far by the server and its worker processes (uvicorn ``--workers``)."""
        pids = [self.process.pid]
        with contextlib.suppress(OSError, ValueError):
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids += [int(pid) for pid in children.read_text().split()]
        total = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def stop(self) -> None:
        if self.profile is not None:
            # The profiler writes its file on the way out; a second SIGINT stops uvicorn
            # waiting for sockets the load generator may still hold.
            self.process.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=3)
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGINT)
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


# --- What paused a process: the stall recorder ----------------------------------------------

STALL_MS = 15.0  # a pause at least this long is recorded


class StallRecorder:
    """Records what paused this process, on the system's monotonic clock (the same in every
    process on the machine, so the driver can line it up with its slow messages): each garbage
    collection of ``STALL_MS`` or more, each time the event loop woke that much late (with the
    main thread's stack as a watchdog thread saw it during the stall), the default executor's
    queue when work waits for a thread, and the database pool growing or dropping connections.
    """

    def __init__(self, out: Path | None = None) -> None:
        import threading

        self.events: list[dict[str, Any]] = []
        self.out = out.open("a") if out is not None else None
        self._lock = threading.Lock()
        self._gc_started = 0.0
        self._tick = time.monotonic()
        self._stack: list[str] | None = None
        self._main = threading.main_thread().ident

    def record(self, event: dict[str, Any]) -> None:
        with self._lock:
            self.events.append(event)
            if self.out is not None:
                self.out.write(json.dumps(event) + "\n")
                self.out.flush()

    def install(self, *, stacks: bool = False) -> None:
        """Watch garbage collections and the pool; with ``stacks``, also a thread that wakes
        every 5 ms to catch the main thread's stack in a stall (it competes for the GIL, so it
        is off unless asked for)."""
        import gc
        import logging
        import threading

        gc.callbacks.append(self._gc)
        if stacks:
            threading.Thread(target=self._watchdog, name="stall-watchdog", daemon=True).start()
        recorder = self

        class PoolEvents(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                text = record.getMessage()
                if text.startswith(("growing", "adding new", "discarding", "shrinking")):
                    recorder.record({"kind": "pool", "at": time.monotonic(), "what": text})

        pool_logger = logging.getLogger("psycopg.pool")
        pool_logger.setLevel(logging.INFO)
        pool_logger.addHandler(PoolEvents())

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.monotonic()
            return
        ms = (time.monotonic() - self._gc_started) * 1000
        if ms >= STALL_MS:
            self.record({"kind": "gc", "at": self._gc_started, "ms": round(ms, 1),
                         "generation": info["generation"],
                         "collected": info["collected"]})  # fmt: skip

    def _watchdog(self) -> None:
        import sys as _sys
        import traceback

        while True:
            time.sleep(0.005)
            if self._stack is None and time.monotonic() - self._tick > STALL_MS / 1000 + 0.01:
                frame = _sys._current_frames().get(self._main)
                if frame is not None:
                    self._stack = [line.strip() for line in traceback.format_stack(frame)[-8:]]

    async def watch_loop(self) -> None:
        """Run on the event loop: wake every 10 ms and note how late each wake-up was."""
        loop = asyncio.get_running_loop()
        ticks = 0
        while True:
            self._tick = before = time.monotonic()
            self._stack = None
            await asyncio.sleep(0.01)
            late_ms = (time.monotonic() - before - 0.01) * 1000
            if late_ms >= STALL_MS:
                self.record({"kind": "loop", "at": before, "ms": round(late_ms, 1),
                             "stack": self._stack})  # fmt: skip
            ticks += 1
            executor = getattr(loop, "_default_executor", None)
            if ticks % 10 == 0 and executor is not None:
                waiting = executor._work_queue.qsize()
                if waiting >= 4:
                    self.record({"kind": "executor_queue", "at": before, "waiting": waiting})


def serve(port: int, stalls: Path, stacks: bool) -> None:
    """The same server as ``uvicorn contactcenter.asgi:application`` with the benchmark's
    options, and a stall recorder writing to ``stalls``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    import uvicorn

    recorder = StallRecorder(stalls)
    recorder.install(stacks=stacks)
    from contactcenter.asgi import application

    watching: list[asyncio.Task] = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        if not watching:
            watching.append(asyncio.get_running_loop().create_task(recorder.watch_loop()))
        await application(scope, receive, send)

    uvicorn.run(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning",
                access_log=False)  # fmt: skip


def read_stalls(path: Path | None, since: float, until: float) -> list[dict[str, Any]]:
    if path is None or not path.exists():
        return []
    events = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [event for event in events if since <= event["at"] < until]


def cpu_by_process() -> dict[int, tuple[str, float]]:
    """Every process's name and CPU seconds so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, tail = (entry / "stat").read_text().rsplit(")", 1)
        except (OSError, ValueError):
            continue
        fields = tail.split()
        out[int(entry.name)] = (head.split("(", 1)[1], (int(fields[11]) + int(fields[12])) / tick)
    return out


class MachineWatch:
    """Samples, once a second on a thread of its own, how much CPU the processes other than
    ours (the two servers, this driver, PostgreSQL and Redis) took: on two cores, a second in
    which others took half a core or more is a contended second."""

    OURS_NAMES = ("postgres", "redis-server")

    def __init__(self, our_pids: set[int], redis_url: str | None) -> None:
        import threading

        import redis

        self.our_pids = our_pids
        self.samples: list[tuple[float, float, list[tuple[str, float]]]] = []
        # Every 0.25 s: how many messages wait in each server's channel-layer inbox in Redis
        # (one sorted set per process, capped by the layer's capacity; past it sends are dropped).
        self.redis = redis.Redis.from_url(redis_url) if redis_url else None
        kwargs = self.redis.connection_pool.connection_kwargs if self.redis else {}
        self.db = int(kwargs.get("db", 0))
        self.inbox: list[tuple[float, dict[str, int]]] = []
        # With a publish/subscribe layer nothing waits in a list: what Redis has pushed and a
        # server has not yet read stays in that connection's output buffer (bytes).
        self.pushed: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="machine-watch", daemon=True)

    def __enter__(self) -> MachineWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _inbox_depths(self) -> dict[str, int]:
        keys = sorted(
            k for k in self.redis.scan_iter(match="asgispecific.*", count=1000) if k.endswith(b"!")
        )
        pipe = self.redis.pipeline()
        for key in keys:
            pipe.zcard(key)
        return {key.decode()[-5:-1]: depth for key, depth in zip(keys, pipe.execute(), strict=True)}

    def _pubsub_backlog(self) -> int:
        deepest = 0
        for client in self.redis.client_list():
            if int(client.get("db", -1)) == self.db and int(client.get("sub", 0)) > 0:
                deepest = max(deepest, int(client.get("omem", 0)))
        return deepest

    def _run(self) -> None:
        before, at = cpu_by_process(), time.monotonic()
        ticks = 0
        while not self._stop.wait(0.25):
            if self.redis is not None:
                self.inbox.append((time.monotonic(), self._inbox_depths()))
                self.pushed.append((time.monotonic(), self._pubsub_backlog()))
            ticks += 1
            if ticks % 4:
                continue
            now, now_at = cpu_by_process(), time.monotonic()
            others: dict[str, float] = collections.defaultdict(float)
            for pid, (name, cpu) in now.items():
                if pid in self.our_pids or name.startswith(self.OURS_NAMES):
                    continue
                used = cpu - before.get(pid, (name, 0.0))[1]
                if used > 0:
                    others[name] += used
            span = now_at - at
            top = sorted(others.items(), key=lambda item: -item[1])[:3]
            self.samples.append(
                (at, sum(others.values()) / span, [(n, round(c / span, 2)) for n, c in top])
            )
            before, at = now, now_at

    def between(self, since: float, until: float) -> list[tuple[float, float, list]]:
        return [sample for sample in self.samples if since <= sample[0] < until]


# --- Filling the database (runs in a subprocess with Django set up) --------------------------


def fill(chats: int) -> None:
    """Open ``chats`` chats through the services, each accepted by an agent; print what the
    sockets need (session keys and reference numbers) as JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group, User
    from django.contrib.sessions.backends.db import SessionStore

    from contactcenter.chat.consumers import SESSION_KEY as CHAT_SESSION_KEY
    from contactcenter.chat.services import chat_handoff, conversation_start
    from contactcenter.desk.services import desk_offer_accept
    from contactcenter.routing.models import Agent, Presence
    from contactcenter.routing.reference_data import queues_load
    from contactcenter.routing.services import agent_set_presence, work_item_offer_next
    from contactcenter.staff.models import Role

    queues_load()
    tier1, _ = Group.objects.get_or_create(name=Role.TIER1)
    agents = []
    staff_sessions = {}
    for n in range(-(-chats // AGENT_CHAT_CAPACITY)):
        user = User.objects.create_user(username=f"bench-agent-{n}", first_name=f"Agent{n}")
        user.groups.add(tier1)
        agents.append(Agent.objects.create(
            user=user, tiers=["tier1"], languages=["en"], capacity={"chat": AGENT_CHAT_CAPACITY},
            presence=Presence.OFFLINE,
        ))  # fmt: skip
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        staff_sessions[user.pk] = session.session_key
    out = []
    for n in range(chats):
        conversation, token = conversation_start(language="en")
        chat_handoff(conversation=conversation)
        agent = agents[n // AGENT_CHAT_CAPACITY]
        agent_set_presence(agent=agent, presence=Presence.AVAILABLE)
        item = work_item_offer_next(agent=agent)
        assert item is not None and item.inquiry_id == conversation.inquiry_id
        desk_offer_accept(agent=agent, item_id=item.pk)
        session = SessionStore()
        session[CHAT_SESSION_KEY] = token
        session.save()
        out.append({
            "person": session.session_key,
            "agent": staff_sessions[agent.user_id],
            "reference": conversation.inquiry.reference_number,
        })  # fmt: skip
    sys.stdout.write(json.dumps(out))


# --- The load --------------------------------------------------------------------------------


class Side:
    """One open socket: the person's or the agent's end of a chat, or a ping socket."""

    def __init__(self, websocket, role: str, server: int = 0) -> None:
        self.websocket = websocket
        self.role = role
        self.server = server  # which of the two servers it is connected to


async def _connect(url: str, origin: str, cookie: str = ""):
    import websockets

    headers = {"Cookie": f"sessionid={cookie}"} if cookie else None
    return await websockets.connect(url, origin=origin, additional_headers=headers,
                                    max_queue=None, compression=None)  # fmt: skip


async def _drain_hello(websocket) -> None:
    await websocket.send(json.dumps({"type": "hello", "after": 10**12}))
    while True:
        event = json.loads(await websocket.recv())
        if event.get("type") == "status":
            return


async def open_loop(
    pairs: list[tuple[Side, Side]], *, rate: float, duration: float, warmup: float
) -> dict[str, Any]:
    """Send on schedule, one message per tick over the pairs in turn, alternating sides;
    return the latencies of the messages scheduled after the warm-up."""
    pending: dict[str, tuple[float, Side]] = {}
    latencies: list[float] = []
    # Each counted message: when it was due (s after the warm-up), its latency (s), and the
    # servers it went through (sender's, receiver's), to place a tail in time and on a server.
    records: list[tuple[float, float, str, int, int]] = []
    counted_from = [0.0]
    received = [0]
    errors: collections.Counter[str] = collections.Counter()

    async def reader(side: Side, other_role: str) -> None:
        try:
            await read(side, other_role)
        except Exception as error:  # a socket that closed under us: its messages count lost
            errors[f"socket {type(error).__name__}"] += 1

    async def read(side: Side, other_role: str) -> None:
        async for raw in side.websocket:
            now = time.perf_counter()
            event = json.loads(raw)
            if event.get("type") == "error":
                errors[str(event.get("code"))] += 1
                continue
            if event.get("type") == "message" and event["message"]["sender"] == other_role:
                key = event["message"]["client_id"]
                # Like the browser: tell the sender the message arrived.
                await side.websocket.send(
                    json.dumps({"type": "delivered", "up_to": event["message"]["id"]})
                )
            else:
                continue
            sent = pending.pop(key, None) if key else None
            if sent is not None:
                scheduled, sender = sent
                received[0] += 1
                if scheduled >= counted_from[0]:
                    latencies.append(now - scheduled)
                    records.append((scheduled - counted_from[0], now - scheduled, sender.role,
                                    sender.server, side.server))  # fmt: skip

    readers = []
    for person, agent in pairs:
        readers.append(asyncio.create_task(reader(person, "agent")))
        readers.append(asyncio.create_task(reader(agent, "person")))

    total = int((duration + warmup) * rate)
    start = time.perf_counter() + 0.5
    counted_from[0] = start + warmup
    run_id = secrets.token_hex(4)  # client ids are unique per chat: a repeat would be a re-send
    sends = []
    for n in range(total):
        scheduled = start + n / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        person, agent = pairs[n % len(pairs)]
        sender = person if (n // len(pairs)) % 2 == 0 else agent
        key = f"{run_id}-{n}"
        pending[key] = (scheduled, sender)
        payload = {"type": "message", "body": f"bench message {n}", "client_id": key}
        sends.append(asyncio.create_task(sender.websocket.send(json.dumps(payload))))
    await asyncio.gather(*sends)
    deadline = time.perf_counter() + 10
    while pending and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    for task in readers:
        task.cancel()
    latencies.sort()
    counted = sum(1 for n in range(total) if start + n / rate >= counted_from[0])
    return {
        "sent": total,
        "received": received[0],
        "lost": len(pending),
        "errors": dict(errors),
        "counted": counted,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "max_ms": (latencies[-1] * 1000) if latencies else float("nan"),
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
        "counted_from": counted_from[0],
        "records": records,
    }


async def ping_pairs(servers: list[Server], count: int) -> list[tuple[Side, Side]]:
    pairs = []
    for n in range(count):
        server = servers[n % 2]
        websocket = await _connect(f"ws://127.0.0.1:{server.port}/ws/ping", server.origin)
        side = Side(websocket, "ping", n % 2)
        pairs.append((side, side))
    return pairs


async def chat_pairs(servers: list[Server], chats: list[dict]) -> list[tuple[Side, Side]]:
    pairs = []
    for n, chat in enumerate(chats):
        person_server, agent_server = servers[n % 2], servers[(n + 1) % 2]
        person = await _connect(
            f"ws://127.0.0.1:{person_server.port}/ws/chat", person_server.origin, chat["person"]
        )
        agent = await _connect(
            f"ws://127.0.0.1:{agent_server.port}/ws/chat/desk/{chat['reference']}",
            agent_server.origin,
            chat["agent"],
        )
        await _drain_hello(person)
        await _drain_hello(agent)
        pairs.append((Side(person, "person", n % 2), Side(agent, "agent", (n + 1) % 2)))
    return pairs


SLOW_MS = 25.0  # a message this late counts in the tail report
CONTENDED_CORES = 0.5  # others busy this much of the 2 cores in a second: a contended second


def tail_report(
    result: dict[str, Any], servers: list[Server], since: float, until: float,
    client: StallRecorder, machine: MachineWatch, duration: float,
) -> dict[str, Any]:  # fmt: skip
    """Where the slow messages of one phase were, beside what paused each process and what
    else used the machine, in seconds from the end of the warm-up (negative: during it)."""
    start = result.pop("counted_from") + (time.monotonic() - time.perf_counter())
    records = result.pop("records")
    slow = [record for record in records if record[1] * 1000 >= SLOW_MS]
    by_second: dict[int, list[float]] = collections.defaultdict(list)
    for due, latency, *_ in slow:
        by_second[int(due)].append(latency * 1000)
    routes = collections.Counter(f"{role}@{a}->{b}" for _due, _lat, role, a, b in slow)
    stalls = []
    for who, events in [("client", [e for e in client.events if since <= e["at"] < until])] + [
        (f"server{n}", read_stalls(server.stalls, since, until)) for n, server in enumerate(servers)
    ]:
        for event in events:
            stalls.append({"who": who, "t": round(event["at"] - start, 2),
                           **{k: v for k, v in event.items() if k != "at"}})  # fmt: skip
    stalls.sort(key=lambda event: event["t"])
    # The machine during the measured seconds only (not connecting, warming up or draining).
    samples = machine.between(max(since, start), min(until, start + duration))
    deepest: dict[int, int] = {}
    for at, depths in machine.inbox:
        if since <= at < until and depths:
            second = math.floor(at - start)
            deepest[second] = max(deepest.get(second, 0), *depths.values())
    contended = [(round(at - start), round(busy, 2), top) for at, busy, top in samples
                 if busy >= CONTENDED_CORES]  # fmt: skip
    return {
        "slow_ms": SLOW_MS,
        "slow": len(slow),
        "slow_by_second": {
            second: [len(values), round(max(values), 1)]
            for second, values in sorted(by_second.items())
        },
        "slow_by_route": dict(routes.most_common()),
        "stalls": stalls,
        # The deepest channel-layer inbox (messages waiting in Redis for one server) each second.
        "inbox_max": max(deepest.values(), default=0),
        "inbox_by_second": {s: d for s, d in sorted(deepest.items()) if d >= 5},
        "pubsub_backlog_bytes_max": max(
            (b for at, b in machine.pushed if since <= at < until), default=0
        ),
        "others_cores_max": round(max((busy for _, busy, _ in samples), default=0.0), 2),
        "contended_seconds": contended,
        "contended": bool(contended),
        "slow_in_contended_seconds": sum(
            len(by_second.get(second, [])) for second in {second for second, *_ in contended}
        ),
    }


def tail_line(name: str, result: dict[str, Any]) -> str:
    tail = result["tail"]
    seconds = ", ".join(f"{s}s:{n}x<={m}ms" for s, (n, m) in tail["slow_by_second"].items())
    stalls = "; ".join(
        f"{e['who']} {e['kind']} {e.get('ms', e.get('waiting', e.get('what', '')))} @{e['t']}s"
        for e in tail["stalls"][:12]
    )
    flag = " CONTENDED" if tail["contended"] else ""
    return (
        f"{name}: p50 {result['p50_ms']:.1f} p99 {result['p99_ms']:.1f} max "
        f"{result['max_ms']:.1f} ms; {tail['slow']} over {SLOW_MS:.0f} ms [{seconds}] "
        f"routes {tail['slow_by_route']}; stalls [{stalls}]; others max "
        f"{tail['others_cores_max']} cores{flag}; inbox max {tail['inbox_max']} "
        f"{tail['inbox_by_second']}; pushed, unread max {tail['pubsub_backlog_bytes_max']} B"
    )


async def measure(
    servers: list[Server], chats: list[dict], args: argparse.Namespace,
    client: StallRecorder, machine: MachineWatch,
) -> dict:  # fmt: skip
    """The ping baseline and the chat load, each on its own set of sockets, same servers."""
    watching = asyncio.get_running_loop().create_task(client.watch_loop())

    async def ping_phase() -> dict:
        pairs = await ping_pairs(servers, len(chats))
        result = await open_loop_ping(pairs, rate=args.rate, duration=args.duration,
                                      warmup=args.warmup)  # fmt: skip
        await asyncio.gather(*(person.websocket.close() for person, _agent in pairs))
        return result

    async def chat_phase() -> dict:
        pairs = await chat_pairs(servers, chats)
        progress(f"{len(pairs)} chats connected ({2 * len(pairs)} sockets)")
        result = await open_loop(pairs, rate=args.rate, duration=args.duration,
                                 warmup=args.warmup)  # fmt: skip
        await asyncio.gather(*(side.websocket.close() for pair in pairs for side in pair))
        return result

    machine_before, client_before, wall_before = machine_busy(), time.process_time(), time.time()
    cpu_before = [server.cpu_seconds() for server in servers]
    progress(f"baseline: /ws/ping round trips at {args.rate}/s for {args.duration}s")
    since = time.monotonic()
    baseline = await ping_phase()
    middle = time.monotonic()
    baseline["tail"] = tail_report(baseline, servers, since, middle, client, machine, args.duration)
    progress(tail_line("baseline", baseline))
    cpu_mid = [server.cpu_seconds() for server in servers]
    progress(f"chat: {args.rate} messages/s for {args.duration}s")
    chat = await chat_phase()
    chat["tail"] = tail_report(
        chat, servers, middle, time.monotonic(), client, machine, args.duration
    )
    progress(tail_line("chat", chat))
    watching.cancel()
    cpu_after = [server.cpu_seconds() for server in servers]
    machine_after = machine_busy()
    baseline["server_cpu_s"] = round(sum(cpu_mid) - sum(cpu_before), 2)
    chat["server_cpu_s"] = round(sum(cpu_after) - sum(cpu_mid), 2)
    # The machine's busy CPU seconds against ours: others' work competes for the same cores.
    client = time.process_time() - client_before
    ours = sum(cpu_after) - sum(cpu_before) + client
    elapsed = time.time() - wall_before
    other = max(machine_after - machine_before - ours, 0.0)
    return {"baseline": baseline, "chat": chat, "client_cpu_s": round(client, 2),
            "other_cores_busy": round(other / elapsed, 2) if elapsed else None}  # fmt: skip


async def open_loop_ping(
    pairs: list[tuple[Side, Side]], *, rate: float, duration: float, warmup: float
) -> dict[str, Any]:
    latencies: list[float] = []
    total = int((duration + warmup) * rate)
    start = time.perf_counter() + 0.5
    counted_from = start + warmup
    in_flight: dict[int, list[float]] = {n: [] for n in range(len(pairs))}
    records: list[tuple[float, float, str, int, int]] = []

    async def reader(n: int, side: Side) -> None:
        async for raw in side.websocket:
            now = time.perf_counter()
            if json.loads(raw).get("type") != "pong" or not in_flight[n]:
                continue
            scheduled = in_flight[n].pop(0)
            if scheduled >= counted_from:
                latencies.append(now - scheduled)
                records.append((scheduled - counted_from, now - scheduled, "ping", side.server,
                                side.server))  # fmt: skip

    # A pong does not say which ping it answers; replies on one socket come in order, so each
    # is matched to the oldest ping still waiting on that socket.
    readers = [asyncio.create_task(reader(n, side)) for n, (side, _) in enumerate(pairs)]
    sends = []
    for n in range(total):
        scheduled = start + n / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        index = n % len(pairs)
        in_flight[index].append(scheduled)
        sends.append(asyncio.create_task(
            pairs[index][0].websocket.send(json.dumps({"type": "ping"}))
        ))  # fmt: skip
    await asyncio.gather(*sends)
    deadline = time.perf_counter() + 10
    while any(in_flight.values()) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    lost = sum(len(v) for v in in_flight.values())
    for task in readers:
        task.cancel()
    latencies.sort()
    return {
        "sent": total,
        "lost": lost,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "max_ms": (latencies[-1] * 1000) if latencies else float("nan"),
        "counted_from": counted_from,
        "records": records,
    }


# --- Main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--rate", type=float, default=100.0, help="messages per second in all")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds not counted")
    parser.add_argument("--runs", type=int, default=1, help="repeat and report the median")
    parser.add_argument("--database", choices=sorted(DATABASES), default="postgres")
    parser.add_argument("--redis-url", default=REDIS_URL, help="emptied before the run")
    parser.add_argument("--artifacts", type=Path, default=PROJECT_DIR / "var" / "bench")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "latest.jsonl")
    parser.add_argument(
        "--profile", action="store_true", help="run the first server under cProfile (var/bench/)"
    )
    parser.add_argument("--fill", type=int, help=argparse.SUPPRESS)  # internal: the subprocess
    parser.add_argument(
        "--no-trace", dest="trace", action="store_false",
        help="plain servers, no stall recorders and no Redis sampling (CPU is still watched)",
    )  # fmt: skip
    parser.add_argument(
        "--stacks", action="store_true", help="catch the main thread's stack in each stall"
    )
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)  # internal: PORT STALLS 0|1
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.fill is not None:
        fill(args.fill)
        return 0
    if args.serve is not None:
        serve(int(args.serve[0]), Path(args.serve[1]), args.serve[2] == "1")
        return 0
    import redis

    try:
        redis.Redis.from_url(args.redis_url, socket_connect_timeout=1).flushdb()
    except redis.RedisError as error:
        raise SystemExit(f"bench: Redis at {args.redis_url} is needed: {error}") from None
    args.artifacts.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="bench-chat-") as tmp,
        DATABASES[args.database](Path(tmp)) as database_url,
    ):
        env = server_env(Path(tmp), database_url, args.redis_url)
        run([PYTHON, "-m", "django", "migrate", "--no-input"], env, "migrate")
        chats = json.loads(run([PYTHON, str(Path(__file__)), "--fill", str(args.chats)], env,
                               f"open {args.chats} chats through the services"))  # fmt: skip
        profile = args.artifacts / "chat-server-0.pstats" if args.profile else None
        stalls = [args.artifacts / f"chat-server-{n}.stalls.jsonl" for n in range(2)]
        for path in stalls:
            path.unlink(missing_ok=True)
        servers = [
            Server(
                env,
                args.artifacts / f"chat-server-{n}.log",
                profile if n == 0 else None,
                stalls[n] if args.trace and not (profile and n == 0) else None,
                args.stacks,
            )
            for n in range(2)
        ]
        progress(f"servers up on ports {servers[0].port} and {servers[1].port}")
        try:
            try:
                import uvloop

                uvloop.install()
            except ImportError:
                pass
            client = StallRecorder()
            if args.trace:
                client.install(stacks=args.stacks)
            ours = {os.getpid(), *(server.process.pid for server in servers)}
            with MachineWatch(ours, args.redis_url if args.trace else None) as machine:
                results = [
                    asyncio.run(measure(servers, chats, args, client, machine))
                    for _ in range(args.runs)
                ]
        finally:
            for server in servers:
                server.stop()
            progress("servers stopped")
        if profile is not None:
            import pstats

            pstats.Stats(str(profile), stream=sys.stderr).sort_stats("tottime").print_stats(25)

    def median(phase: str, key: str) -> float:
        return statistics.median(result[phase][key] for result in results)

    lost = sum(result["chat"]["lost"] for result in results)
    detail = {
        "chats": args.chats,
        "servers": 2,
        "rate_per_s": args.rate,
        "per_chat_every_s": round(args.chats / args.rate, 2),
        "duration_s": args.duration,
        "runs": args.runs,
        "lost": lost,
        "target_ms": P99_TARGET_MS,
        "runs_detail": results,
        "baseline_is": "/ws/ping round trip (a bare Channels consumer), same rate and servers",
        # Runs in which processes other than ours took half a core or more in some second.
        "contended_runs": [result["chat"]["tail"]["contended"] for result in results],
    }
    lines = []
    for metric, key in (("p99_send_to_receipt", "p99_ms"), ("p50_send_to_receipt", "p50_ms")):
        value, baseline = median("chat", key), median("baseline", key)
        lines.append({
            "bench": "chat", "metric": metric, "value": round(value, 2),
            "baseline": round(baseline, 2),
            "ratio": round(value / baseline, 2) if baseline else None,
            "unit": "ms", "database": args.database, "detail": detail,
        })  # fmt: skip
        detail = {"see": "p99_send_to_receipt"}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("a") as out:
        for line in lines:
            print(json.dumps(line), flush=True)
            out.write(json.dumps(line) + "\n")
    if lost:
        progress(f"{lost} chat messages were never received")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
