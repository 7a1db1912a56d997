"""Office-closure benchmark: the time to tell 5,000 booked people that their office is closed
and offer each of them new times, on PostgreSQL.

On a fresh database (``contactcenter migrate``, dropped at the end): the shipped offices, one
field office (NYC) with a day holding N bookings (5,000, each with an inquiry giving an email
address and a mobile number) and free slots for the 30 days after. The set-up writes rows in
bulk (it is not what is measured). Then, timed:

* ``office_closure_appointments_notify``: batches of 500, each booking marked displaced, three
  new times offered, an event written and two messages queued (email and text), with the
  delivery tasks enqueued after each batch commits;
* the baseline, in the same run: plain ``bulk_create`` of the same number of notification rows
  (the floor for writing the messages at all).

Checks: every booking displaced once, two messages each, a re-run notifies nobody. One JSON
line per figure on stdout and appended to ``bench/results/latest.jsonl``; progress on stderr.
Exit status 1 if a check fails or the closure takes longer than the target (60 s).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
CONTACTCENTER = str(Path(sys.executable).with_name("contactcenter"))
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
TARGET_SECONDS = 60.0

_started = time.monotonic()


def progress(message: str) -> None:
    print(f"[{time.monotonic() - _started:6.1f}s] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    import psycopg

    name = f"cc_bench_appointments_{secrets.token_hex(4)}"
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    progress(f"created database {name}")
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        close_django()
        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        progress(f"dropped database {name}")


def migrate(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "DATABASE_POOL_MIN": "1"}
    done = subprocess.run(
        [CONTACTCENTER, "migrate", "--no-input"],
        env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("bench: migrate failed")


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DATABASE_POOL_MIN"] = "1"
    os.environ["DATABASE_POOL_MAX"] = "2"
    os.environ["LOG_LEVEL"] = "WARNING"  # one log line per message would time the console
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    import django

    django.setup()


def close_django() -> None:
    if "django.db" not in sys.modules:
        return
    from django.db import connections

    connections.close_all()
    for conn in connections.all(initialized_only=True):
        close_pool = getattr(conn, "close_pool", None)
        if close_pool:
            with contextlib.suppress(Exception):
                close_pool()


def next_weekday(day: dt.date) -> dt.date:
    import holidays

    federal = holidays.country_holidays("US")
    while day.weekday() >= 5 or day in federal:
        day += dt.timedelta(days=1)
    return day


def make_bookings(people: int) -> tuple[object, dt.date]:
    """N reviewed bookings at NYC on one future weekday, written in bulk."""
    from django.db import transaction
    from django.utils import timezone

    from contactcenter.appointments.models import (
        Appointment,
        AppointmentKind,
        AppointmentRequest,
        AppointmentSlot,
        RequestState,
    )
    from contactcenter.appointments.slots import appointment_slots_generate
    from contactcenter.cases.reference_data import reference_data_load
    from contactcenter.core.reference_numbers import ReferenceNumber
    from contactcenter.inquiries.models import Inquiry
    from contactcenter.offices.models import Office

    reference_data_load()
    office = Office.objects.get(code="NYC")
    day = next_weekday(timezone.localdate() + dt.timedelta(days=7))
    per_slot = -(-people // 8)  # eight one-hour slots a day at NYC
    appointment_slots_generate(office=office, first_day=day, last_day=day, capacity=per_slot)
    appointment_slots_generate(
        office=office,
        first_day=day + dt.timedelta(days=1),
        last_day=day + dt.timedelta(days=31),
        capacity=200,
    )
    slots = list(AppointmentSlot.objects.filter(office=office, day=day).order_by("starts_at"))
    now = timezone.now()
    with transaction.atomic():
        numbers = set()
        while len(numbers) < 2 * people:
            numbers.add(ReferenceNumber.generate().value)
        numbers_list = sorted(numbers)
        inquiries = Inquiry.objects.bulk_create(
            Inquiry(
                reference_number=numbers_list[i],
                channel="phone",
                language="es" if i % 3 == 0 else "en",
                contact_email=f"bench{i}@example.com",
                contact_phone=f"+1402555{i % 10000:04d}",
            )
            for i in range(people)
        )
        requests = AppointmentRequest.objects.bulk_create(
            AppointmentRequest(
                inquiry=inquiry, reason="proof_of_status_stamp", zip_code="10025", office=office,
                state=RequestState.BOOKED, review_due_at=now, reviewed_at=now,
            )
            for inquiry in inquiries
        )  # fmt: skip
        Appointment.objects.bulk_create(
            (
                Appointment(
                    number=numbers_list[people + i], kind=AppointmentKind.FIELD_OFFICE,
                    slot=slots[i % len(slots)], office=office, request=request,
                    inquiry=request.inquiry, reason=request.reason,
                    language=request.inquiry.language, zip_code="10025",
                    accommodations=["wheelchair_access"] if i % 10 == 0 else [],
                )
                for i, request in enumerate(requests)
            ),
            batch_size=1000,
        )  # fmt: skip
        for index, slot in enumerate(slots):
            slot.booked = sum(1 for i in range(people) if i % len(slots) == index)
        AppointmentSlot.objects.bulk_update(slots, ["booked"])
    return office, day


def baseline_inserts(rows: int) -> float:
    """Seconds to bulk-insert ``rows`` notification rows like the ones the closure queues."""
    from django.db import transaction

    from contactcenter.notifications.models import Notification

    objects = [
        Notification(
            channel="email" if i % 2 == 0 else "sms",
            recipient=f"bench{i}@example.com" if i % 2 == 0 else f"+1402555{i % 10000:04d}",
            template="inquiry_updated",
            language="en",
            context={"reference_number": "1234567897"},
        )
        for i in range(rows)
    ]
    started = time.perf_counter()
    with transaction.atomic():
        created = Notification.objects.bulk_create(objects, batch_size=1000)
    elapsed = time.perf_counter() - started
    Notification.objects.filter(pk__in=[n.pk for n in created]).delete()
    return elapsed


def measure(people: int) -> tuple[list[dict], bool]:
    from contactcenter.appointments.closures import office_closure_appointments_notify
    from contactcenter.appointments.models import Appointment, AppointmentOffer, AppointmentState
    from contactcenter.notifications.models import Notification
    from contactcenter.offices.models import OfficeClosure

    progress(f"booking {people} people")
    office, day = make_bookings(people)
    expected_messages = 2 * people
    progress(f"baseline: bulk insert of {expected_messages} notification rows")
    baseline = baseline_inserts(expected_messages)
    closure = OfficeClosure.objects.create(
        office=office, starts_on=day, ends_on=day, reason_en="Bench", reason_es="Prueba"
    )
    progress("closing the office")
    started = time.perf_counter()
    outcome = office_closure_appointments_notify(closure=closure)
    elapsed = time.perf_counter() - started
    progress(f"closure handled in {elapsed:.2f}s ({outcome})")
    rerun = office_closure_appointments_notify(closure=closure)
    checks = {
        "displaced": Appointment.objects.filter(state=AppointmentState.DISPLACED).count(),
        "notifications": Notification.objects.count(),
        "offers": AppointmentOffer.objects.count(),
        "rerun_displaced": rerun.displaced,
        "rerun_notifications": rerun.notifications,
        "without_offer": outcome.without_offer,
    }
    ok = (
        checks["displaced"] == people
        and checks["notifications"] == expected_messages
        and checks["rerun_displaced"] == 0
        and checks["rerun_notifications"] == 0
        and elapsed < TARGET_SECONDS
    )
    figures = [
        {
            "bench": "appointments",
            "metric": f"closure_notify_seconds_{people}_people",
            "value": round(elapsed, 3),
            "baseline": round(baseline, 3),
            "baseline_is": f"bulk_create of {expected_messages} notification rows",
            "ratio": round(elapsed / baseline, 2) if baseline else None,
            "target_seconds": TARGET_SECONDS,
            "people_per_second": round(people / elapsed, 1),
            "database": "postgresql",
            "checks": checks,
            "ok": ok,
        }
    ]
    return figures, ok


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "latest.jsonl")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with fresh_database() as database_url:
        migrate(database_url)
        setup_django(database_url)
        figures, ok = measure(args.people)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("a", encoding="utf-8") as out:
        for figure in figures:
            line = json.dumps(figure)
            print(line)
            out.write(line + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
