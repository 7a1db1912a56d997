"""Faults under steady load, on the production topology (``contactcenter cluster``).

Starts its own PostgreSQL cluster (Debian's ``initdb``/``pg_ctl``) and Redis on free ports,
migrates and seeds a small database, then the cluster: nginx in front of two web instances
and one worker. Contacts arrive at a steady rate through nginx, each from a loopback address
of its own (so per-address rate limits apply as to real people):

* phone calls: the main line's signed TwiML webhooks (the real twilio validator's scheme),
  answer -> English -> case status -> a spoken receipt number -> text me the link -> done;
  the text goes through a slow stand-in provider (``bench/fault_sms.py``) that records what
  it accepted;
* chats: the chat widget's first question (``POST /chat/ask/``), with its CSRF cookie;
* web inquiries: the account-help form.

Secure messages are left out: they need an account with two-step verification per sender.

In turn, each in a window of its own: a quiet baseline; the worker and its task runner
killed (SIGKILL) while a text is in the provider's hands; one web instance killed; PostgreSQL
stopped for 15 s; Redis killed for 10 s.
Printed per window: contacts started (the creating request answered 200) against recorded
(rows found afterwards), lost, duplicated, 5xx answered, connection errors, texts asked for
against accepted by the provider, duplicated, and still "sending" at the end (a text whose
worker died waits for the stall time before it is looked at again), seconds until a killed
process's place was taken, and seconds to recover (from the end of the fault to the last
failed request). One JSON object per line; ``bench/results/faults.jsonl``.

    BENCH_FAULTS=1 make bench      or      .venv/bin/python bench/faults.py
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results" / "faults.jsonl"
RECEIPTS = ("LIN2620000005", "EAC2703500001", "WAC2605000003", "IOE2609000006")
TOKEN = "faults-" + secrets.token_hex(16)


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Services of our own: PostgreSQL and Redis ------------------------------------------------


def pg_bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        raise SystemExit("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin")
    return str(found[-1])


class Postgres:
    """A throw-away cluster; run as the ``postgres`` user when we are root (initdb refuses)."""

    def __init__(self, root: Path) -> None:
        self.data = root / "pg"
        self.port = free_port()
        self.log = root / "pg.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            os.chmod(root, 0o755)
        self.data.mkdir()
        self.log.touch()
        if self.as_user:
            owner = pwd.getpwnam("postgres")
            os.chown(self.data, owner.pw_uid, owner.pw_gid)
            os.chown(self.log, owner.pw_uid, owner.pw_gid)
        self._run(
            pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/contactcenter"

    def _run(self, *argv: str) -> None:
        subprocess.run([*self.as_user, *argv], check=True, capture_output=True)

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.data}"
            " -c fsync=off -c synchronous_commit=off -c max_connections=200"
        )
        self._run(
            pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def create_database(self) -> None:
        self._run(
            pg_bin("createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "contactcenter",
        )


class Redis:
    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.root = root
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.root)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()


# --- The cluster ------------------------------------------------------------------------------


def contactcenter(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "contactcenter.cli", *args],
        env=env, cwd=PROJECT_DIR, check=True, capture_output=True,
    )  # fmt: skip


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return found


def cluster_start(
    root: Path, pg: Postgres, redis: Redis, extra: dict[str, str] | None = None
) -> tuple[subprocess.Popen, dict[str, str], int]:
    """PostgreSQL and Redis started, a fresh database migrated and seeded, then
    ``contactcenter cluster`` on a free port, waited for until ``/readyz`` answers."""
    import urllib.request

    pg.start()
    pg.create_database()
    redis.start()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": pg.url, "REDIS_URL": redis.url, "VAR_DIR": str(root / "var"),
        "STATIC_ROOT": str(root / "var" / "static"), "DEBUG": "false",
        "TWILIO_AUTH_TOKEN": TOKEN, "LIVE_HELP_ALWAYS_OPEN": "true", "LOG_LEVEL": "WARNING",
        "SMS_PROVIDER": "fault_sms.RecordingSlowSmsProvider",
        "FAULTS_SMS_LOG": str(root / "sms.log"),
        "PYTHONPATH": os.pathsep.join([str(BENCH_DIR), os.environ.get("PYTHONPATH", "")]),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "AUDIT_CHAIN_KEY": secrets.token_urlsafe(32),  # a production start refuses without
        # A send cut off by the worker's death is asked about within the run, not in minutes.
        "NOTIFICATIONS_STALLED_AFTER_SECONDS": "15", "NOTIFICATIONS_STALLED_CHECK_SECONDS": "5",
        **(extra or {}),
    }  # fmt: skip
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "TRUSTED_PROXIES"):
        env.pop(name, None)
    say("migrating and seeding a fresh PostgreSQL database ...")
    contactcenter(env, "migrate", "--no-input")
    contactcenter(env, "seed", "--cases", "200")
    contactcenter(env, "flow-load")
    contactcenter(env, "kb-load")
    log = (root / "cluster.log").open("w")
    cluster = subprocess.Popen(
        [sys.executable, "-m", "contactcenter.cli", "cluster", "--port", str(port)],
        env=env, cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return cluster, env, port
        except OSError:
            pass
        if time.monotonic() > deadline or cluster.poll() is not None:
            raise SystemExit("the cluster did not start: " + (root / "cluster.log").read_text())
        time.sleep(0.5)


def cluster_stop(cluster: subprocess.Popen | None, pg: Postgres, redis: Redis) -> None:
    if cluster is not None and cluster.poll() is None:
        cluster.send_signal(signal.SIGTERM)
        try:
            cluster.wait(timeout=30)
        except subprocess.TimeoutExpired:
            cluster.kill()
    redis.kill()
    with contextlib.suppress(subprocess.CalledProcessError):
        pg.stop()


# --- The load ---------------------------------------------------------------------------------


@dataclass
class Attempt:
    kind: str
    key: str
    started_at: float
    started: bool = False  # the creating request answered 200
    sms_asked: bool = False
    turned_away: bool = False  # a call the line could not take, told so and to call again


@dataclass
class Window:
    name: str
    start: float
    fault_start: float = 0.0
    fault_end: float = 0.0
    back_after: float | None = None  # a new process in the killed one's place, after s
    end: float = 0.0
    attempts: list[Attempt] = field(default_factory=list)
    statuses: collections.Counter[str] = field(default_factory=collections.Counter)
    failures: list[float] = field(default_factory=list)  # times of 5xx and connection errors


# The phone line's apology when the database failed under a turn: a pause, then the same step
# again (``retry=``); after the line's own retries it says goodbye and hangs up instead.
_TROUBLE_REDIRECT = re.compile(rb"<Redirect[^>]*>[^<]*retry=\d+")
TROUBLE_PAUSE_SECONDS = 2
TROUBLE_FOLLOWS = 2


class Load:
    def __init__(self, port: int, *, calls: float, chats: float, inquiries: float) -> None:
        import httpx
        from twilio.request_validator import RequestValidator

        self.httpx = httpx
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"
        self.validator = RequestValidator(TOKEN)
        self.rates = {"call": calls, "chat": chats, "inquiry": inquiries}
        self.window: Window | None = None
        self.serial = 0
        self.prefix = secrets.token_hex(4)
        self.tasks: set[asyncio.Task] = set()
        self.running = True

    def _client(self):
        self.serial += 1
        n = self.serial
        # A loopback address of its own per contact (127.0.0.0/8 all reaches nginx).
        address = f"127.{(n >> 16) % 250 + 1}.{(n >> 8) % 256}.{n % 250 + 2}"
        transport = self.httpx.AsyncHTTPTransport(local_address=address)
        return self.httpx.AsyncClient(
            base_url=self.origin, transport=transport, timeout=20, follow_redirects=False
        ), n

    def _note(self, status: int | str) -> None:
        window = self.window
        if window is None:
            return
        window.statuses[str(status)] += 1
        if status == "error" or (isinstance(status, int) and status >= 500):
            window.failures.append(time.monotonic())

    async def _send(self, client, method: str, url: str, **kwargs):
        try:
            response = await client.request(method, url, **kwargs)
        except self.httpx.HTTPError:
            self._note("error")
            return None
        self._note(response.status_code)
        return response

    async def call(self) -> None:
        client, n = self._client()
        sid = f"CA{self.prefix}{n:024d}"
        attempt = Attempt("call", sid, time.monotonic())
        self.window.attempts.append(attempt)
        base = {"CallSid": sid, "From": f"+1555{n % 10_000_000:07d}", "To": "+18005550100"}
        answers = [{"Digits": "1"}, {"Digits": "1"},
                   {"SpeechResult": " ".join(RECEIPTS[n % len(RECEIPTS)])},
                   {"Digits": "1"}, {"Digits": "9"}]  # fmt: skip
        paths = [f"/ivr/voice/main?{urlencode(base)}"] + [
            f"/ivr/voice/main/step?{urlencode({'n': step, **base, **answer})}"
            for step, answer in enumerate(answers, 1)
        ]
        async with client:
            for index, path in enumerate(paths):
                response = await self._turn(client, path)
                if response is None or response.status_code != 200:
                    return
                if _TROUBLE_REDIRECT.search(response.content):
                    # Still the apology after the line's own retries: it said goodbye.
                    return
                if b"<Hangup" in response.content and index < len(paths) - 1:
                    if index == 0:
                        attempt.turned_away = True  # told to call again; nothing was said
                    return
                if index == 0:
                    attempt.started = True
                if index == 4 and b"text message with the link" in response.content:
                    attempt.sms_asked = True
                await asyncio.sleep(0.3)

    async def _turn(self, client, path: str):
        """One turn as the provider makes it: when the line answers with its apology (the
        database failed under the turn), the provider follows the apology's redirect after its
        pause, and the caller, hearing the question again, gives the same answer."""
        response = None
        for retry in range(TROUBLE_FOLLOWS + 1):
            url = path if retry == 0 else f"{path}&retry={retry}"
            signature = self.validator.compute_signature(self.origin + url, {})
            response = await self._send(
                client, "GET", url, headers={"X-Twilio-Signature": signature}
            )
            if response is None or response.status_code != 200:
                return response
            if not _TROUBLE_REDIRECT.search(response.content):
                return response
            await asyncio.sleep(TROUBLE_PAUSE_SECONDS)
        return response

    async def _csrf(self, client) -> str | None:
        response = await self._send(client, "GET", "/account-help/")
        if response is None or response.status_code != 200:
            return None
        return client.cookies.get("csrftoken")

    async def chat(self) -> None:
        client, n = self._client()
        marker = f"zq{self.prefix}x{n}"
        attempt = Attempt("chat", marker, time.monotonic())
        self.window.attempts.append(attempt)
        async with client:
            token = await self._csrf(client)
            if token is None:
                return
            response = await self._send(
                client, "POST", "/chat/ask/",
                json={"question": f"what are your office hours {marker}"},
                headers={"X-CSRFToken": token, "Referer": self.origin + "/"},
            )  # fmt: skip
            attempt.started = response is not None and response.status_code == 200

    async def inquiry(self) -> None:
        client, n = self._client()
        email = f"faults+{self.prefix}{n}@example.org"
        attempt = Attempt("inquiry", email, time.monotonic())
        self.window.attempts.append(attempt)
        async with client:
            token = await self._csrf(client)
            if token is None:
                return
            response = await self._send(
                client, "POST", "/account-help/",
                data={"csrfmiddlewaretoken": token, "topic": "password", "email": email,
                      "phone": "", "description": "I cannot reset my password.", "website": ""},
                headers={"Referer": self.origin + "/account-help/"},
            )  # fmt: skip
            attempt.started = (
                response is not None
                and response.status_code == 200
                and b"reference" in response.content.lower()
            )

    async def run(self) -> None:
        async def steady(kind: str, rate: float) -> None:
            interval, due = 1 / rate, time.monotonic()
            while self.running:
                due += interval
                task = asyncio.create_task(getattr(self, kind)())
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
                await asyncio.sleep(max(due - time.monotonic(), 0))

        await asyncio.gather(*(steady(kind, rate) for kind, rate in self.rates.items()))

    async def drain(self) -> None:
        self.running = False
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=60)


# --- What was recorded ------------------------------------------------------------------------


def recorded(database_url: str, attempts: list[Attempt]) -> dict[str, int]:
    """How many rows each contact's key found (call sid, chat marker, inquiry email)."""
    import psycopg

    keys = collections.defaultdict(list)
    for attempt in attempts:
        keys[attempt.kind].append(attempt.key)
    counts: dict[str, int] = {}
    with psycopg.connect(database_url) as db:
        for sid, count in db.execute(
            "SELECT call_sid, count(*) FROM ivr_call WHERE call_sid = ANY(%s) GROUP BY call_sid",
            [keys["call"]],
        ):
            counts[sid] = count
        for email, count in db.execute(
            "SELECT contact_email, count(*) FROM inquiries_inquiry WHERE contact_email = ANY(%s)"
            " GROUP BY contact_email",
            [keys["inquiry"]],
        ):
            counts[email] = count
        rows = db.execute(
            "SELECT body FROM chat_message WHERE body LIKE %s", [f"%zq{keys and ''}%"]
        ).fetchall()
        markers = set(keys["chat"])
        for (body,) in rows:
            found = re.search(r"zq[0-9a-f]+x\d+", body)
            if found and found.group(0) in markers:
                counts[found.group(0)] = counts.get(found.group(0), 0) + 1
        sms_rows = db.execute(
            "SELECT recipient, state FROM notifications_notification WHERE channel = 'sms'"
        ).fetchall()
    counts["__sms_states__"] = collections.Counter(state for _to, state in sms_rows)  # type: ignore[assignment]
    counts["__sms_by_recipient__"] = dict(sms_rows)  # type: ignore[assignment]
    return counts


def sending_wait(database_url: str, timeout: float) -> bool:
    """Wait until a text is being sent (its row says so), so the kill lands mid-send."""
    import psycopg

    deadline = time.monotonic() + timeout
    with psycopg.connect(database_url, autocommit=True) as db:
        while time.monotonic() < deadline:
            if db.execute(
                "SELECT 1 FROM notifications_notification WHERE state = 'sending'"
            ).fetchone():
                return True
            time.sleep(0.02)
    return False


def provider_sends(path: Path) -> collections.Counter[str]:
    if not path.exists():
        return collections.Counter()
    return collections.Counter(line.split()[0] for line in path.read_text().splitlines() if line)


def from_number(sid_serial: str) -> str:
    n = int(sid_serial[-24:])
    return f"+1555{n % 10_000_000:07d}"


# --- The run ----------------------------------------------------------------------------------


def matching(parent: int, word: str) -> set[int]:
    found = set()
    for child in children(parent):
        try:
            line = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if word in line:
            found.add(child)
    return found


async def replaced(parent: int, word: str, before: set[int], since: float) -> float | None:
    """Seconds from ``since`` until as many processes match ``word`` as ``before``, one of
    them new (the dead one's place taken)."""
    for _ in range(300):
        now = matching(parent, word)
        if len(now) >= len(before) and now - before:
            return round(time.monotonic() - since, 1)
        await asyncio.sleep(0.1)
    return None


async def scenario(args, env, pg: Postgres, redis: Redis, cluster: subprocess.Popen, port: int):
    load = Load(port, calls=args.calls, chats=args.chats, inquiries=args.inquiries)
    windows: list[Window] = []

    def open_window(name: str) -> Window:
        now = time.monotonic()
        if windows:
            windows[-1].end = now
        window = Window(name=name, start=now)
        windows.append(window)
        load.window = window
        return window

    driver = asyncio.create_task(load.run())
    lead, settle = args.lead, args.settle

    window = open_window("baseline")
    await asyncio.sleep(lead + settle)

    window = open_window("worker killed mid-send")
    await asyncio.sleep(lead)
    workers = matching(cluster.pid, " worker")
    await asyncio.to_thread(sending_wait, pg.url, 10.0)  # a text in the provider's hands
    window.fault_start = time.monotonic()
    for worker in workers:
        # The task runner first: it is the process in the middle of the send. (Left alone,
        # it would hear of its parent's death by SIGTERM and finish the send in hand.)
        for runner in children(worker):
            os.kill(runner, signal.SIGKILL)
        os.kill(worker, signal.SIGKILL)
    window.fault_end = time.monotonic()
    window.back_after = await replaced(cluster.pid, " worker", workers, window.fault_start)
    await asyncio.sleep(settle)

    window = open_window("one web instance killed")
    await asyncio.sleep(lead)
    webs = matching(cluster.pid, "uvicorn")
    window.fault_start = time.monotonic()
    if webs:
        os.kill(min(webs), signal.SIGKILL)
    window.fault_end = time.monotonic()
    window.back_after = await replaced(cluster.pid, "uvicorn", webs, window.fault_start)
    await asyncio.sleep(settle)

    window = open_window("PostgreSQL stopped 15 s")
    await asyncio.sleep(lead)
    window.fault_start = time.monotonic()
    await asyncio.to_thread(pg.stop)
    await asyncio.sleep(15)
    await asyncio.to_thread(pg.start)
    window.fault_end = time.monotonic()
    await asyncio.sleep(settle)

    window = open_window("Redis killed 10 s")
    await asyncio.sleep(lead)
    window.fault_start = time.monotonic()
    redis.kill()
    await asyncio.sleep(10)
    redis.start()
    window.fault_end = time.monotonic()
    await asyncio.sleep(settle)

    windows[-1].end = time.monotonic()
    await load.drain()
    driver.cancel()
    return windows


def report(windows: list[Window], counts: dict, sends: collections.Counter[str]) -> list[dict]:
    lines = []
    sms_states = counts.pop("__sms_states__", {})
    sms_by_recipient = counts.pop("__sms_by_recipient__", {})
    for window in windows:
        started = [a for a in window.attempts if a.started]
        by_kind = {}
        for kind in ("call", "chat", "inquiry"):
            mine = [a for a in started if a.kind == kind]
            found = [counts.get(a.key, 0) for a in mine]
            by_kind[kind] = {
                "started": len(mine),
                "recorded": sum(1 for c in found if c),
                "lost": sum(1 for c in found if not c),
                "duplicated": sum(1 for c in found if c > 1),
                "refused": sum(1 for a in window.attempts if a.kind == kind and not a.started),
                "turned_away": sum(1 for a in window.attempts if a.kind == kind and a.turned_away),
            }
        asked = [a for a in window.attempts if a.sms_asked]
        accepted = [sends.get(from_number(a.key), 0) for a in asked]
        fault_end = window.fault_end or window.start
        late = [t for t in window.failures if t >= (window.fault_start or window.start)]
        recover = max((max(late) - fault_end) if late else 0.0, 0.0)
        fivexx = sum(
            n for status, n in window.statuses.items() if status.isdigit() and int(status) >= 500
        )
        line = {
            "bench": "faults", "window": window.name,
            "contacts_started": sum(k["started"] for k in by_kind.values()),
            "contacts_recorded": sum(k["recorded"] for k in by_kind.values()),
            "lost": sum(k["lost"] for k in by_kind.values()),
            "duplicated": sum(k["duplicated"] for k in by_kind.values()),
            "refused": sum(k["refused"] for k in by_kind.values()),
            "calls_turned_away": by_kind["call"]["turned_away"],
            "5xx": fivexx, "connection_errors": window.statuses.get("error", 0),
            "texts_asked": len(asked), "texts_accepted": sum(1 for c in accepted if c),
            "texts_duplicated": sum(1 for c in accepted if c > 1),
            "texts_left_sending": sum(
                1 for a in asked if sms_by_recipient.get(from_number(a.key)) == "sending"
            ),
            "process_back_s": window.back_after,
            "recover_s": round(recover, 1),
            "fault_s": round(window.fault_end - window.fault_start, 1) if window.fault_start else 0,
            "by_kind": by_kind, "statuses": dict(window.statuses),
        }  # fmt: skip
        lines.append(line)
    lines.append({"bench": "faults", "window": "end", "sms_states": dict(sms_states)})
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=float, default=1.0, help="calls started per second")
    parser.add_argument("--chats", type=float, default=1.0, help="chats started per second")
    parser.add_argument("--inquiries", type=float, default=0.5, help="web inquiries per second")
    parser.add_argument("--lead", type=float, default=8.0, help="seconds of load before a fault")
    parser.add_argument("--settle", type=float, default=15.0, help="seconds after a fault ends")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        raise SystemExit("nginx is not installed; `make nginx` installs Debian's.")

    root = Path(tempfile.mkdtemp(prefix="cc-faults-"))
    pg, redis = Postgres(root), Redis(root)
    cluster = None
    try:
        cluster, env, port = cluster_start(root, pg, redis)
        say(f"faults: cluster up on port {port}; load and faults for about "
            f"{5 * (args.lead + args.settle) + 25:.0f} s ...")  # fmt: skip
        windows = asyncio.run(scenario(args, env, pg, redis, cluster, port))
        time.sleep(5)  # the worker finishes texts in hand
        counts = recorded(pg.url, [a for w in windows for a in w.attempts])
        lines = report(windows, counts, provider_sends(root / "sms.log"))
    finally:
        cluster_stop(cluster, pg, redis)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            say(f"faults: kept {root}")
    RESULTS.parent.mkdir(exist_ok=True)
    with RESULTS.open("w") as out:
        for line in lines:
            text = json.dumps(line)
            print(text)
            out.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
