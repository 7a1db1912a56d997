"""Load the service request types from ``servicerequests/data/service_request_types.yaml``.

``contactcenter load-service-request-types``. Safe on every deploy: a second run changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contactcenter.servicerequests.request_types import (
    TYPES_FILE,
    TypeDataError,
    service_request_types_load,
)


class Command(BaseCommand):
    help = "Load service request types from their data file. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=TYPES_FILE, help="types YAML")

    def handle(self, *args, file: Path, **options):
        try:
            summary = service_request_types_load(path=file)
        except TypeDataError as error:
            raise CommandError(f"Nothing was loaded: {error.message}") from error
        except OSError as error:
            raise CommandError(f"Nothing was loaded: cannot read {error.filename}.") from error
        self.stdout.write(
            f"Service request types: {len(summary.created)} created, {len(summary.updated)} "
            f"updated, {len(summary.deactivated)} deactivated, {summary.unchanged} unchanged."
        )
