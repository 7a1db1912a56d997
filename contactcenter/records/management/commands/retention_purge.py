"""``contactcenter retention-purge [--dry-run] [--json]``: remove records past their retention
period (``records/data/retention.yaml``), keeping everything under a legal hold, and say how
many of each type went. The ``records.retention_purge`` periodic job runs the same daily."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from contactcenter.core.errors import ApplicationError
from contactcenter.records.services import retention_purge


class Command(BaseCommand):
    help = "Remove records past retention, honouring legal holds; report counts per type."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would go; remove nothing"
        )
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, dry_run: bool, as_json: bool, **options):
        try:
            report = retention_purge(dry_run=dry_run)
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
            return
        verb = "Would remove" if dry_run else "Removed"
        for record_type, count in report.removed.items():
            self.stdout.write(f"{verb} {count} {record_type}")
        for record_type, count in report.held.items():
            self.stdout.write(f"Kept {count} {record_type} under a legal hold")
        if report.linked:
            self.stdout.write(
                f"Kept {report.linked} inquiry still named by a service request or appointment"
            )
        if report.detail:
            rows = ", ".join(f"{label} {count}" for label, count in report.detail.items())
            self.stdout.write(f"Rows: {rows}")
