"""Load the agency's reference data: offices (with hours and ZIP codes), the forms catalogue,
queues, service-request types, and the agency profile on a fresh install (an install that has
one keeps it; ``agency-load`` replaces it).

``contactcenter load-reference-data`` (the console script accepts dashes). Safe to run on every
deploy: it is an upsert and a second run changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contactcenter.agency.services import agency_profile_load_default
from contactcenter.cases.reference_data import FORMS_FILE, reference_data_load
from contactcenter.offices.services import OFFICES_FILE, ReferenceDataError
from contactcenter.routing.reference_data import QueueDataError, queues_load
from contactcenter.servicerequests.request_types import (
    TypeDataError,
    service_request_types_load,
)


class Command(BaseCommand):
    help = (
        "Load offices, their hours and ZIP codes, and the forms catalogue from the data files. "
        "Idempotent: running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--offices", type=Path, default=OFFICES_FILE, help="offices YAML")
        parser.add_argument("--forms", type=Path, default=FORMS_FILE, help="forms YAML")

    def handle(self, *args, offices: Path, forms: Path, **options):
        try:
            summary = reference_data_load(offices_path=offices, forms_path=forms)
        except ReferenceDataError as error:
            raise CommandError(f"Nothing was loaded: {error.message}") from error
        except OSError as error:
            raise CommandError(f"Nothing was loaded: cannot read {error.filename}.") from error
        try:
            queue_count = queues_load()
        except QueueDataError as error:
            raise CommandError(f"Queues were not loaded: {error}") from error
        self.stdout.write(f"Queues: {queue_count} loaded.")
        try:
            types = service_request_types_load()
        except TypeDataError as error:
            raise CommandError(f"Service-request types were not loaded: {error.message}") from error
        self.stdout.write(
            f"Service-request types: {len(types.created)} created, {len(types.updated)} updated, "
            f"{types.unchanged} unchanged."
        )
        stored = agency_profile_load_default()
        if stored is not None:
            self.stdout.write(f"Agency profile: {stored.slug} loaded and active.")
        o, f = summary.offices, summary.forms
        self.stdout.write(
            f"Offices: {len(o.created)} created, {len(o.updated)} updated, {o.unchanged} "
            f"unchanged; hours replaced for {len(o.hours_replaced)}; ZIP codes "
            f"+{o.service_areas_added}/-{o.service_areas_removed}."
        )
        self.stdout.write(
            f"Forms: {len(f.created)} created, {len(f.updated)} updated, {f.unchanged} unchanged."
        )
        if not summary.changed:
            self.stdout.write("Reference data already up to date.")
