"""Service-request benchmark: creating and routing requests, against plain inserts of the same
rows, on PostgreSQL.

On a fresh PostgreSQL database (``contactcenter migrate``, dropped at the end), with the
reference data and service-request types loaded and 2 x N verified inquiries on N distinct
cases each:

- ``service``: ``service_request_create`` by a Tier 1 agent for each of N inquiries, one call
  (one transaction) each: permission and type checks, the duplicate rule, routing to the
  holding office, the number drawn, the request and its two history events written;
- ``plain``: for each of the other N inquiries, one transaction inserting the same rows
  (the request and its two history events) with bare parameterised INSERTs.

Both run in this process on one connection; the two alternate over ``--runs`` rounds of N
each (so drift does not favour one) and the figure is the median. Result: one JSON line
(``bench``, ``metric``, ``value``, ``baseline``, ``ratio``, ...) on stdout and appended to
``bench/results/latest.jsonl``; progress on stderr. Target: ratio >= 0.3.

The closure part of the issue's benchmark (notify and re-offer 5,000 people) is in
``bench/appointments.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
CONTACTCENTER = str(Path(sys.executable).with_name("contactcenter"))
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_RATIO = 0.3
_STARTED = time.monotonic()


def progress(message: str) -> None:
    sys.stderr.write(f"[service-requests +{time.monotonic() - _STARTED:6.1f}s] {message}\n")
    sys.stderr.flush()


def prepare(count: int) -> dict:
    """Reference data, types, a Tier 1 agent, and ``count`` verified inquiries on new cases."""
    import datetime as dt

    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from contactcenter.cases.models import Case, FormCategory, FormType
    from contactcenter.cases.reference_data import reference_data_load
    from contactcenter.inquiries.models import Inquiry
    from contactcenter.offices.models import Office
    from contactcenter.people.models import Person
    from contactcenter.servicerequests.models import ServiceRequestType
    from contactcenter.servicerequests.request_types import service_request_types_load
    from contactcenter.staff.models import StaffProfile

    reference_data_load()
    service_request_types_load()
    office = Office.objects.get(code="NBC")
    form = FormType.objects.get(code="I-485")
    category = FormCategory.objects.filter(form=form).first()
    agent = User.objects.create_user(username="bench-tier1")
    agent.groups.add(Group.objects.get_or_create(name="tier1")[0])
    StaffProfile.objects.create(user=agent)
    people = Person.objects.bulk_create(
        [Person(given_name="Bench", family_name=f"P{n}", zip_code="68508") for n in range(count)],
        batch_size=2000,
    )
    received = dt.date(2024, 1, 10)
    cases = Case.objects.bulk_create(
        [
            Case(
                receipt_number=f"MSC24{n:08d}", form=form, category=category,
                receipt_date=received, office=office, status="received",
                status_date=received, applicant=person,
            )
            for n, person in enumerate(people)
        ],
        batch_size=2000,
    )  # fmt: skip
    now = timezone.now()
    inquiries = Inquiry.objects.bulk_create(
        [
            Inquiry(
                reference_number=f"{1_000_000_000 + n}", channel="phone", language="en",
                person=case.applicant, case=case, state="active", verified_as="applicant",
                verified_at=now, contact_email=f"p{n}@example.com",
            )
            for n, case in enumerate(cases)
        ],
        batch_size=2000,
    )  # fmt: skip
    request_type = ServiceRequestType.objects.get(code="typographic-error")
    return {"agent": agent, "inquiries": inquiries, "type": request_type, "office": office}


DETAILS = {"document": "card", "description": "The date of birth on the card is wrong."}


def run_service(inquiries: list, agent) -> float:
    from contactcenter.servicerequests.services import service_request_create

    started = time.perf_counter()
    for inquiry in inquiries:
        service_request_create(
            inquiry=inquiry, actor=agent, type_code="typographic-error", details=DETAILS
        )
    return time.perf_counter() - started


INSERT_REQUEST = """
INSERT INTO servicerequests_servicerequest
  (number, type_id, inquiry_id, case_id, office_id, state, submitted_by, submitted_by_user_id,
   language, reply_channel, high_priority, details, due_at, opened_at, resolved_at, outcome,
   created_at, updated_at)
VALUES (%s, %s, %s, %s, %s, 'routed', 'tier1', %s, 'en', 'email', false, %s, %s, NULL, NULL, '',
        now(), now())
RETURNING id
"""
INSERT_EVENTS = """
INSERT INTO servicerequests_servicerequestevent (request_id, kind, actor_id, office_id, body,
  data, created_at)
VALUES (%s, 'created', %s, NULL, '', %s, now()), (%s, 'routed', NULL, %s, '', %s, now())
"""


def run_plain(inquiries: list, agent, request_type, office) -> float:
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    due = timezone.now() + dt.timedelta(days=21)
    details = json.dumps(DETAILS)
    created = json.dumps({"type": "typographic-error", "by": "tier1", "channel": "phone"})
    routed = json.dumps({"how": "holding_office"})
    from contactcenter.servicerequests.models import ServiceRequest

    # Random 8-digit numbers collide (about once per 10,000 draws at this size); the service
    # retries, bare INSERTs would fail, so the baseline's numbers are drawn free beforehand.
    taken = set(ServiceRequest.objects.values_list("number", flat=True))
    numbers: list[str] = []
    while len(numbers) < len(inquiries):
        number = str(secrets.randbelow(90_000_000) + 10_000_000)
        if number not in taken:
            taken.add(number)
            numbers.append(number)
    started = time.perf_counter()
    for inquiry, number in zip(inquiries, numbers, strict=True):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                INSERT_REQUEST,
                [number, request_type.pk, inquiry.pk, inquiry.case_id, office.pk, agent.pk,
                 details, due],
            )  # fmt: skip
            request_id = cursor.fetchone()[0]
            cursor.execute(
                INSERT_EVENTS, [request_id, agent.pk, created, request_id, office.pk, routed]
            )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000, help="per path per run")
    parser.add_argument("--runs", type=int, default=1, help="alternating rounds")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "latest.jsonl")
    args = parser.parse_args()

    import psycopg

    name = f"bench_service_requests_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    progress(f"created database {name}")
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    try:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
        }
        done = subprocess.run(
            [CONTACTCENTER, "migrate", "--no-input"], env=env, cwd=PROJECT_DIR,
            capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit("bench: migrate failed")
        progress("migrated")
        os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
                           "LOG_LEVEL": "WARNING"})  # fmt: skip
        import django

        django.setup()
        from django.db import connection

        total = args.requests * args.runs
        setup = prepare(2 * total)
        progress(f"prepared {2 * total} verified inquiries")
        inquiries = setup["inquiries"]
        service_times: list[float] = []
        plain_times: list[float] = []
        for run in range(args.runs):
            base = run * 2 * args.requests
            service_batch = inquiries[base : base + args.requests]
            plain_batch = inquiries[base + args.requests : base + 2 * args.requests]
            order = ("service", "plain") if run % 2 == 0 else ("plain", "service")
            for path in order:
                if path == "service":
                    seconds = run_service(service_batch, setup["agent"])
                    service_times.append(seconds)
                else:
                    seconds = run_plain(plain_batch, setup["agent"], setup["type"],
                                        setup["office"])  # fmt: skip
                    plain_times.append(seconds)
                progress(f"run {run + 1} {path}: {args.requests / seconds:.0f} requests/s")
        from contactcenter.servicerequests.models import ServiceRequest

        made = ServiceRequest.objects.count()
        expected = 2 * total
        connection.close()
        value = args.requests / statistics.median(service_times)
        baseline = args.requests / statistics.median(plain_times)
        line = {
            "bench": "service_requests",
            "metric": "created_and_routed_per_second",
            "value": round(value, 1),
            "baseline": round(baseline, 1),
            "ratio": round(value / baseline, 3),
            "unit": "requests/s",
            "target_ratio": TARGET_RATIO,
            "database": "postgresql",
            "detail": {
                "value_is": "service_request_create (Tier 1, typographic error, routed to the "
                "holding office), one call per request, one connection",
                "baseline_is": "the same rows (the request and its 2 history events) by bare "
                "INSERTs, one transaction per request, same connection",
                "requests_per_run": args.requests,
                "runs": args.runs,
                "rows_check": {"expected": expected, "found": made},
                "service_seconds": [round(s, 2) for s in service_times],
                "plain_seconds": [round(s, 2) for s in plain_times],
            },
        }
        print(json.dumps(line))
        args.output.parent.mkdir(parents=True, exist_ok=True)
        with args.output.open("a") as handle:
            handle.write(json.dumps(line) + "\n")
        return 0 if made == expected else 1
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        progress(f"dropped database {name}")


if __name__ == "__main__":
    raise SystemExit(main())
