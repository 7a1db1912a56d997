"""Fill an empty database with realistic, deterministic demo data.

``contactcenter seed [--cases N] [--seed S] [--if-empty] [--today YYYY-MM-DD]``
"""

from __future__ import annotations

import datetime as dt
import time
from argparse import RawDescriptionHelpFormatter

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from contactcenter.agency.services import agency_profile_load_default
from contactcenter.cases.models import Case
from contactcenter.cases.reference_data import reference_data_load
from contactcenter.offices.services import ReferenceDataError
from contactcenter.routing.reference_data import queues_load
from contactcenter.servicerequests.request_types import service_request_types_load
from contactcenter.setup.demo.build import demo_plan_build
from contactcenter.setup.demo.showcases import showcase_lines
from contactcenter.setup.demo.staff import staff_lines
from contactcenter.setup.demo.work import ACCOUNT_DOMAIN, APPLICANT_PASSWORD
from contactcenter.setup.demo.write import demo_plan_write

EPILOG = "\n".join(
    [
        "Showcase cases (same numbers in every demo database; quote them in docs):",
        *showcase_lines(),
        "",
        "Demo staff accounts (for a demo database only):",
        *staff_lines(),
        "",
        f"Demo applicant accounts (sign in with the email address, password {APPLICANT_PASSWORD}):",
        "  rahul.mehta@applicant.example, maria.hernandezruiz@applicant.example and the other",
        f"  showcase people's given.family@{ACCOUNT_DOMAIN} (see the README)",
        "",
        "Dates are relative to --today, so the same seed on the same day gives identical data.",
    ]
)


class _HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Django's option order, with the epilog's line breaks kept."""


def _date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--today needs a date like 2026-11-20, not {raw!r}.") from None


class Command(BaseCommand):
    help = (
        "Load the reference data, then demo processing times, people, cases with status "
        "histories, office closures, staff users, outreach events and waiting work (service "
        "requests, appointment requests, callbacks, secure messages) into an empty database."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("epilog", EPILOG)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = _HelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=10_000, help="cases to create")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing, successfully, when the database already holds cases",
        )
        parser.add_argument(
            "--today", type=_date, default=None, help="pretend today is this date (YYYY-MM-DD)"
        )

    def handle(self, *args, cases: int, seed: int, if_empty: bool, today, **options):
        if cases < 0:
            raise CommandError("--cases cannot be negative.")
        existing = Case.objects.count()
        if existing:
            if if_empty:
                self.stdout.write(f"The database already holds {existing} cases; not seeding.")
                return
            raise CommandError(
                f"The database already holds {existing} cases. seed fills an empty database: "
                "start from a fresh one, or pass --if-empty to skip quietly."
            )
        today = today or timezone.localdate()
        started = time.monotonic()
        plan = demo_plan_build(cases=cases, seed=seed, today=today)
        with (
            tqdm(
                total=len(plan.cases), desc="Cases", unit="case", disable=None, leave=False
            ) as bar,
            transaction.atomic(),
        ):
            try:
                reference_data_load()
                queues_load()
                service_request_types_load()
                agency_profile_load_default()
            except ReferenceDataError as error:
                raise CommandError(f"Nothing was seeded: {error.message}") from error
            summary = demo_plan_write(plan=plan, progress=bar.update)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Seeded {summary.cases} cases for {summary.people} people "
            f"({summary.events} status events), {summary.processing_times} processing-time "
            f"publications, {summary.representatives} representatives, {summary.closures} "
            f"office closures, {summary.staff} staff users, {summary.canned_replies} canned "
            f"replies, {summary.intervals} intervals of past operations counts and this "
            f"week's published schedule of {summary.schedule_lines} agent lines; "
            f"{summary.outreach_events} upcoming outreach events, and waiting work: "
            f"{summary.service_requests} service requests in the office queues, "
            f"{summary.appointment_requests} appointment requests for review, "
            f"{summary.callbacks} Tier 2 callbacks and {summary.threads} secure messages "
            f"from {summary.accounts} applicant accounts, "
            f"in {elapsed:.1f} s "
            f"(seed {seed}, as of {today.isoformat()})."
        )
        self.stdout.write(EPILOG)
