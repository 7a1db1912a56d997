"""Email intake benchmark: 10,000 messages from a real IMAP server into inquiries, beside
parsing the same messages alone, with the poller killed half-way and started again.

On a fresh database (PostgreSQL by default, ``--database sqlite`` for the other path), with
the queues loaded: a local IMAP server (pymap's in-memory backend, STARTTLS on a throw-away
certificate) is filled with ``--messages`` generated messages of the shapes a public mailbox
gets: new questions in English and Spanish (plain, HTML only, a few with a PDF attached),
replies to earlier ones (threaded by In-Reply-To), and out-of-office auto-replies. Then
``contactcenter mail-poll`` runs as its own process, as the worker would run it: each message
fetched, received in its own transaction (parse, dedup, thread, inquiry, routing, the
acknowledgement queued) and only then moved to the done folder. When half the messages are
recorded the poller gets SIGKILL; a second poller takes the rest.

- ``value``: messages per second through the pipeline (all messages over the two pollers'
  wall time, their start-up included);
- ``baseline``: messages per second for ``email_parse`` alone on the same bytes in this process
  (median of 3 passes), the part of the work no pipeline can skip;
- the check: every message recorded once, each new question one inquiry, each reply joined,
  each auto-reply ignored, the inbox empty and the done folder full. Zero lost and zero
  duplicated, or exit status 1.

Target: ratio at least 0.3. One JSON line on stdout and appended to
``bench/results/latest.jsonl``; progress on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import secrets
import signal
import socket
import sqlite3
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
PYTHON = sys.executable
CONTACTCENTER = str(Path(PYTHON).with_name("contactcenter"))
PYMAP = str(Path(PYTHON).with_name("pymap"))
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_RATIO = 0.3
USER, PASSWORD = "intake", "bench-secret"
DONE_FOLDER = "Received"
_STARTED = time.monotonic()

QUESTIONS = {
    "en": [
        (
            "Question about my green card",
            "I filed my application in March and have not heard "
            "back. Could you tell me what happens next and how long it usually takes?",
        ),
        (
            "Change of address",
            "I moved last month to a new apartment. How do I make sure the "
            "notices about my case reach the new address?",
        ),
        (
            "Biometrics appointment",
            "My appointment letter says next Tuesday but I will be out "
            "of town for work. Can I move it to another day?",
        ),
        (
            "Work permit renewal",
            "My employment authorization card expires in two months. When "
            "should I file to renew it so there is no gap?",
        ),
    ],
    "es": [
        (
            "Pregunta sobre mi solicitud",
            "Presenté mi solicitud en marzo y no he recibido "
            "respuesta. ¿Me podría decir cuál es el siguiente paso y cuánto suele tardar?",
        ),
        (
            "Cambio de dirección",
            "Me mudé el mes pasado. ¿Cómo me aseguro de que las cartas "
            "sobre mi caso lleguen a la nueva dirección?",
        ),
        (
            "Cita de datos biométricos",
            "Mi carta de cita dice el martes próximo, pero estaré "
            "fuera de la ciudad por trabajo. ¿Puedo cambiarla a otro día?",
        ),
    ],
}
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")  # fmt: skip


def progress(message: str) -> None:
    sys.stderr.write(f"[intake +{time.monotonic() - _STARTED:6.1f}s] {message}\n")
    sys.stderr.flush()


# --- The messages --------------------------------------------------------------------------


def messages_make(count: int, seed: int) -> tuple[list[bytes], Counter]:
    """``count`` raw messages and how many of each kind: new, reply, auto (auto-replies)."""
    rng = random.Random(seed)
    raws: list[bytes] = []
    kinds: Counter = Counter()
    earlier: list[tuple[str, str, str]] = []  # (message id, sender, subject) of new questions
    for n in range(count):
        roll = rng.random()
        if roll < 0.10 and earlier:
            message_id, sender, subject = rng.choice(earlier)
            message = _message(sender, f"Re: {subject}", "Thank you. One more detail: my "
                               "receipt notice came last week.", n)  # fmt: skip
            message["In-Reply-To"] = message_id
            message["References"] = message_id
            kinds["reply"] += 1
        elif roll < 0.15:
            message = _message(f"away{n}@example.org", "Automatic reply: out of office",
                               "I am out of the office until Monday.", n)  # fmt: skip
            message["Auto-Submitted"] = "auto-replied"
            kinds["auto"] += 1
        else:
            language = "es" if rng.random() < 0.3 else "en"
            subject, body = rng.choice(QUESTIONS[language])
            sender = f"person{n}@example.org"  # distinct: the per-sender cap is not measured
            message = _message(sender, subject, body, n)
            if rng.random() < 0.10:  # HTML only, as some webmail sends it
                message.set_content(f"<html><body><p>{body}</p><p>Gracias / Thanks</p>"
                                    "</body></html>", subtype="html")  # fmt: skip
            elif rng.random() < 0.05:
                message.add_attachment(PDF, maintype="application", subtype="pdf",
                                       filename="notice.pdf")  # fmt: skip
            earlier.append((message["Message-ID"], sender, subject))
            kinds["new"] += 1
        raws.append(bytes(message))
    return raws, kinds


def _message(sender: str, subject: str, body: str, n: int) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "help@agency.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(time_of(n))
    message["Message-ID"] = make_msgid(idstring=f"bench{n}", domain="mail.example.org")
    message.set_content(f"{body}\n\nRegards,\nA person")
    return message


def time_of(n: int):
    import datetime as dt

    return dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC) + dt.timedelta(seconds=n)


# --- The IMAP server -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def imap_server(workdir: Path) -> Iterator[int]:
    cert, key = workdir / "imap-cert.pem", workdir / "imap-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    process = subprocess.Popen(
        [PYMAP, "--port", str(port), "--host", "127.0.0.1", "--cert", str(cert),
         "--key", str(key), "dict", "--demo-user", USER, "--demo-password", PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise SystemExit("bench: pymap did not start") from None
            time.sleep(0.05)
    progress(f"IMAP server (pymap, STARTTLS) on port {port}")
    try:
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


def imap_client(port: int, cert: Path):
    from imapclient import IMAPClient

    client = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=120)
    client.starttls(ssl.create_default_context(cafile=str(cert)))
    client.login(USER, PASSWORD)
    return client


def mailbox_fill(port: int, cert: Path, raws: list[bytes]) -> None:
    client = imap_client(port, cert)
    try:
        if not client.folder_exists(DONE_FOLDER):
            client.create_folder(DONE_FOLDER)
        for start in range(0, len(raws), 500):
            client.multiappend("INBOX", raws[start : start + 500])
            progress(f"delivered {min(start + 500, len(raws))}/{len(raws)} messages")
    finally:
        client.logout()


def folder_counts(port: int, cert: Path) -> dict[str, int]:
    client = imap_client(port, cert)
    try:
        return {
            folder: client.folder_status(folder, ["MESSAGES"])[b"MESSAGES"]
            for folder in ("INBOX", DONE_FOLDER)
        }
    finally:
        client.logout()


# --- The database --------------------------------------------------------------------------


@contextlib.contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench-intake.sqlite3'}"
        return
    import psycopg

    name = f"bench_intake_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    progress(f"postgres: created database {name}")
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        progress(f"postgres: dropped database {name}")


def query(url: str, sql: str) -> list[tuple]:
    if url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30)) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as db:
        return db.execute(sql).fetchall()


def recorded(url: str) -> int:
    try:
        return query(url, "select count(*) from intake_inboundemail")[0][0]
    except Exception:  # the poller holds the SQLite write lock at that moment: ask again
        return -1


# --- The run -------------------------------------------------------------------------------


def env_for(workdir: Path, url: str, port: int, cert: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "VAR_DIR"}}
    env.update(
        DJANGO_SETTINGS_MODULE="contactcenter.settings", VAR_DIR=str(workdir),
        SECRET_KEY=secrets.token_urlsafe(50), AUDIT_CHAIN_KEY=secrets.token_urlsafe(32),
        DEBUG="false", ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="WARNING", DATABASE_URL=url,
        REDIS_URL="", INTAKE_IMAP_HOST="127.0.0.1", INTAKE_IMAP_PORT=str(port),
        INTAKE_IMAP_USER=USER, INTAKE_IMAP_PASSWORD=PASSWORD, INTAKE_IMAP_TLS="starttls",
        INTAKE_IMAP_CA_FILE=str(cert), INTAKE_IMAP_DONE_FOLDER=DONE_FOLDER,
        INTAKE_IMAP_BATCH="1000000", INTAKE_EMAIL_ADDRESS="help@agency.example",
    )  # fmt: skip
    # The code of this checkout, not the one the virtualenv's ``contactcenter`` script was
    # installed from (a second worktree shares the virtualenv of the first).
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), env.get("PYTHONPATH")]))
    return env


def setup_database(env: dict[str, str]) -> None:
    for command in (
        [CONTACTCENTER, "migrate", "--no-input"],
        [PYTHON, "-c", "import django; django.setup(); from contactcenter.routing."
         "reference_data import queues_load; queues_load()"],
    ):  # fmt: skip
        done = subprocess.run(command, env=env, cwd=PROJECT_DIR, capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
            raise SystemExit(f"bench: {command[1]} failed")
    progress("migrated, queues loaded")


def poll(
    env: dict[str, str], url: str, kill_at: int | None, total: int, profile: Path | None = None
) -> tuple[float, int]:
    """One ``mail-poll`` process; SIGKILL once ``kill_at`` messages are recorded."""
    started = time.perf_counter()
    command = [CONTACTCENTER, "mail-poll", "--json"]
    if profile is not None:
        command = [PYTHON, "-m", "cProfile", "-o", str(profile), "-m", "contactcenter.cli",
                   "mail-poll", "--json"]  # fmt: skip
    log = Path(env["VAR_DIR"]) / f"poller-{time.monotonic_ns()}.log"
    with log.open("w") as output:  # a file, not a pipe: a chatty poller never blocks on it
        process = subprocess.Popen(command, env=env, cwd=PROJECT_DIR, stdout=output,
                                   stderr=subprocess.STDOUT)  # fmt: skip
    last_report = 0.0
    while process.poll() is None:
        time.sleep(0.25)
        count = recorded(url)
        if kill_at is not None and count >= kill_at:
            process.send_signal(signal.SIGKILL)
            process.wait()
            progress(f"poller killed (SIGKILL) with {count}/{total} recorded")
            break
        if time.perf_counter() - last_report > 5 and count >= 0:
            last_report = time.perf_counter()
            rate = count / (last_report - started) if count else 0
            progress(f"recorded {count}/{total} ({rate:.0f}/s since this poller started)")
    seconds = time.perf_counter() - started
    process.wait()
    if kill_at is None and process.returncode != 0:
        sys.stderr.write(log.read_text()[-3000:])
        raise SystemExit("bench: the poller failed")
    return seconds, process.returncode


def parse_alone(raws: list[bytes], runs: int) -> float:
    from contactcenter.intake.parse import email_parse

    times = []
    for run in range(runs):
        started = time.perf_counter()
        for raw in raws:
            email_parse(raw)
        times.append(time.perf_counter() - started)
        progress(f"parse alone, pass {run + 1}: {len(raws) / times[-1]:.0f} messages/s")
    return len(raws) / statistics.median(times)


def check(url: str, kinds: Counter, folders: dict[str, int], total: int) -> dict[str, int]:
    emails = query(url, "select outcome, count(*) from intake_inboundemail group by outcome")
    by_outcome = dict(emails)
    distinct = query(url, "select count(distinct message_id) from intake_inboundemail")[0][0]
    inquiries = query(url, "select count(*) from inquiries_inquiry where channel = 'email'")[0][0]
    recorded_count = sum(by_outcome.values())
    return {
        "delivered": total,
        "recorded": recorded_count,
        "lost": total - distinct,
        "duplicated": (recorded_count - distinct) + max(0, inquiries - kinds["new"]),
        "new_inquiries": by_outcome.get("new_inquiry", 0),
        "expected_new": kinds["new"],
        "replies_joined": by_outcome.get("reply_joined", 0),
        "expected_replies": kinds["reply"],
        "ignored": by_outcome.get("ignored", 0),
        "expected_ignored": kinds["auto"],
        "other_outcomes": recorded_count
        - sum(by_outcome.get(k, 0) for k in ("new_inquiry", "reply_joined", "ignored")),
        "email_inquiries": inquiries,
        "inbox_left": folders["INBOX"],
        "done_folder": folders[DONE_FOLDER],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", type=Path, help="run the second poller under cProfile")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "latest.jsonl")
    args = parser.parse_args()

    raws, kinds = messages_make(args.messages, args.seed)
    progress(f"made {len(raws)} messages: {dict(kinds)}, "
             f"{sum(map(len, raws)) / 1e6:.1f} MB")  # fmt: skip
    with (
        tempfile.TemporaryDirectory(prefix="bench-intake-") as tmp,
        database(args.database, Path(tmp)) as url,
        imap_server(Path(tmp)) as port,
    ):
        workdir, cert = Path(tmp), Path(tmp) / "imap-cert.pem"
        env = env_for(workdir, url, port, cert)
        setup_database(env)
        os.environ.update(env)
        import django

        django.setup()
        baseline = parse_alone(raws, runs=3)
        mailbox_fill(port, cert, raws)
        first, code = poll(env, url, kill_at=args.messages // 2, total=args.messages)
        if code != -signal.SIGKILL:
            progress(f"the first poller ended by itself (exit {code}) before it could be killed")
        second, _ = poll(env, url, kill_at=None, total=args.messages, profile=args.profile)
        progress(f"second poller done in {second:.1f}s")
        outcome = check(url, kinds, folder_counts(port, cert), args.messages)
    value = args.messages / (first + second)
    ok = (
        outcome["lost"] == 0
        and outcome["duplicated"] == 0
        and outcome["recorded"] == args.messages
        and outcome["new_inquiries"] == kinds["new"]
        and outcome["replies_joined"] == kinds["reply"]
        and outcome["ignored"] == kinds["auto"]
        and outcome["inbox_left"] == 0
        and outcome["done_folder"] == args.messages
    )
    line = {
        "bench": "intake",
        "metric": "imap_messages_to_inquiries_per_second",
        "value": round(value, 1),
        "baseline": round(baseline, 1),
        "ratio": round(value / baseline, 3),
        "unit": "messages/s",
        "target_ratio": TARGET_RATIO,
        "database": args.database,
        "detail": {
            **outcome,
            "killed_poller_seconds": round(first, 1),
            "killed_with_signal": code == -signal.SIGKILL,
            "second_poller_seconds": round(second, 1),
            "baseline_is": "email_parse alone on the same bytes, median of 3 passes",
            "correct": ok,
        },
    }
    print(json.dumps(line), flush=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("a") as out:
        out.write(json.dumps(line) + "\n")
    if not ok:
        progress("FAILED: lost, duplicated or misplaced messages (see detail)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
