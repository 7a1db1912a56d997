"""Disclosure-log chain benchmark: sealing and verifying N rows (50,000 by default) of the
keyed-hash chain, on SQLite and PostgreSQL.

On a fresh database each (a temporary SQLite file; a PostgreSQL database created and dropped
on ``BENCH_POSTGRES``): N rows written in bulk (not measured), then, timed:

* ``seal``: ``audit.services.disclosure_chain_seal`` (HMAC-SHA256 per row, one UPDATE per row
  sent in batches of 5,000, each batch a transaction holding the chain head);
* ``verify``: ``audit.selectors.disclosure_chain_verify`` (every row read in chain order and
  its HMAC recomputed);
* the baselines, in the same run: reading the same columns in the same order and chaining a
  plain SHA-256 over them (what any verifier costs at least), and the same read with no
  hashing at all.

Checks: every row sealed, the chain verifies, and a row changed behind the trigger is found.
One JSON line per figure on stdout and appended to ``bench/results/latest.jsonl``; progress on
stderr. Exit status 1 if a check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
CONTACTCENTER = str(Path(sys.executable).with_name("contactcenter"))
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")

_started = time.monotonic()


def progress(message: str) -> None:
    print(f"[{time.monotonic() - _started:6.1f}s] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def fresh_database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{directory}/bench.sqlite3"
        return
    import psycopg

    name = f"cc_bench_audit_{secrets.token_hex(4)}"
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    progress(f"created database {name}")
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        progress(f"dropped database {name}")


def run_one(kind: str, rows: int) -> list[dict[str, object]]:
    """Each database in its own process: Django is set up once per process."""
    with fresh_database(kind) as database_url:
        env = {**os.environ, "DATABASE_URL": database_url, "DATABASE_POOL_MIN": "1",
               "AUDIT_CHAIN_KEY": secrets.token_urlsafe(32), "LOG_LEVEL": "WARNING"}  # fmt: skip
        done = subprocess.run(
            [CONTACTCENTER, "migrate", "--no-input"],
            env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit("bench: migrate failed")
        progress(f"{kind}: migrated")
        child = subprocess.run(
            [sys.executable, __file__, "--measure", kind, "--rows", str(rows)],
            env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=False,
        )  # fmt: skip
        sys.stderr.write(child.stderr)
        if child.returncode != 0:
            raise SystemExit(f"bench: {kind} run failed")
        return [json.loads(line) for line in child.stdout.splitlines() if line.strip()]


def measure(kind: str, rows: int) -> list[dict[str, object]]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    import django

    django.setup()
    import datetime as dt

    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    from contactcenter.audit.chain import ROW_COLUMNS, ChainRow
    from contactcenter.audit.models import DisclosureLog
    from contactcenter.audit.selectors import disclosure_chain_verify
    from contactcenter.audit.services import disclosure_chain_seal
    from contactcenter.cases.models import Case, FormCategory, FormType
    from contactcenter.offices.models import Office
    from contactcenter.people.models import Person

    office, _made = Office.objects.get_or_create(
        code="NBC", defaults={"kind": "nbc", "name_en": "National Benefits Center",
                              "name_es": "Centro Nacional de Beneficios"},
    )  # fmt: skip
    form, _made = FormType.objects.get_or_create(
        code="I-485", defaults={"title_en": "Adjust status", "title_es": "Ajuste"}
    )
    category, _made = FormCategory.objects.get_or_create(
        form=form, code="FAM", defaults={"title_en": "Family", "title_es": "Familia"}
    )
    person = Person.objects.create(given_name="Bench", family_name="Person")
    today = timezone.localdate()
    case = Case.objects.create(
        receipt_number="EAC2400000001", form=form, category=category, office=office,
        applicant=person, receipt_date=today, status="received", status_date=today,
    )  # fmt: skip
    viewer = User.objects.create(username="bench-viewer")
    start = timezone.now() - dt.timedelta(seconds=rows)
    progress(f"{kind}: writing {rows} rows")
    batch = [
        DisclosureLog(
            viewer=viewer,
            case=case,
            channel="desk",
            fields="name,address",
            purpose=f"inquiry {1000000000 + n} (applicant)",
        )
        for n in range(rows)
    ]
    DisclosureLog.objects.bulk_create(batch, batch_size=5000)
    figures: list[dict[str, object]] = []

    def figure(name: str, seconds: float, **extra: object) -> None:
        line = {"bench": "audit_chain", "database": kind, "figure": name, "rows": rows,
                "seconds": round(seconds, 3),
                "rows_per_second": round(rows / seconds) if seconds else None, **extra}  # fmt: skip
        figures.append(line)
        progress(f"{kind}: {name} {seconds:.2f} s")

    began = time.perf_counter()
    sealed = disclosure_chain_seal(now=start + dt.timedelta(seconds=rows + 1))
    figure("seal (HMAC-SHA256 chain, UPDATE per row)", time.perf_counter() - began)
    assert sealed == rows, (sealed, rows)

    ticks: list[int] = []
    began = time.perf_counter()
    report = disclosure_chain_verify(progress=lambda done, total: ticks.append(done))
    figure("verify (HMAC-SHA256 chain)", time.perf_counter() - began, progress_lines=len(ticks))
    assert report.ok and report.rows == rows, report.problems[:3]

    columns = (*ROW_COLUMNS, "chain_seq", "chain_hash")
    began = time.perf_counter()
    previous = b"0" * 64
    for values in DisclosureLog.objects.order_by("chain_seq").values_list(*columns).iterator(5000):
        previous = (
            hashlib.sha256(previous + ChainRow(*values[:-2]).canonical()).hexdigest().encode()
        )
    figure("baseline: same read, plain SHA-256 chain", time.perf_counter() - began)

    began = time.perf_counter()
    for _values in DisclosureLog.objects.order_by("chain_seq").values_list(*columns).iterator(5000):
        pass
    figure("baseline: same read, no hashing", time.perf_counter() - began)

    middle = DisclosureLog.objects.order_by("chain_seq").values_list("id", flat=True)[rows // 2]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_disclosurelog_no_update")
        else:
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE audit_disclosurelog SET purpose = 'x' WHERE id = %s", [middle])
    found = [p.entry_id for p in disclosure_chain_verify().problems]
    assert found == [middle], found
    progress(f"{kind}: a changed row is found")
    return figures


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "latest.jsonl")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.measure:
        for line in measure(args.measure, args.rows):
            print(json.dumps(line))
        return 0
    figures: list[dict[str, object]] = []
    for kind in args.databases.split(","):
        figures.extend(run_one(kind.strip(), args.rows))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("a") as out:
        for line in figures:
            print(json.dumps(line))
            out.write(json.dumps(line) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
