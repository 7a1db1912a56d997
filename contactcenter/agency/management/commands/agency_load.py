"""Load an agency profile from a file and make it the active one.

``contactcenter agency-load contactcenter/agency/data/family-benefits.yaml`` (the console
script accepts dashes). ``--inactive`` stores it without switching to it. A bad file changes
nothing and the message names the field at fault.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contactcenter.agency.services import agency_profile_load
from contactcenter.core.errors import InvalidInput


class Command(BaseCommand):
    help = "Load an agency profile (YAML) and make it the active one."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the profile file")
        parser.add_argument(
            "--inactive",
            action="store_true",
            help="store it without making it active (an active one stays active)",
        )

    def handle(self, *args, path: Path, inactive: bool, **options):
        try:
            row = agency_profile_load(path, activate=None if inactive else True)
        except InvalidInput as error:
            raise CommandError(f"Nothing was loaded: {error.message}") from error
        state = "active" if row.active else "stored, not active"
        self.stdout.write(f"Agency profile {row.slug} ({row.short_name_en}): {state}.")
