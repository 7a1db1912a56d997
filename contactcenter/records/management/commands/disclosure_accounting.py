"""``contactcenter disclosure-accounting NUMBER [--format csv|json] [--staff USERNAME]``: the
Privacy Act accounting of disclosures for the person a receipt number or A-Number names.
Reading it is itself logged."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from contactcenter.audit.models import DisclosureChannel
from contactcenter.core.errors import ApplicationError
from contactcenter.records import documents
from contactcenter.records.management.commands._records_command import (
    add_person_arguments,
    viewer_and_person,
)
from contactcenter.records.selectors import disclosure_accounting_for_person


class Command(BaseCommand):
    help = "Print the accounting of disclosures of one person's records (CSV or JSON)."

    def add_arguments(self, parser):
        add_person_arguments(parser)
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, number: str, staff: str | None, format: str, **options):
        viewer, person_id = viewer_and_person(number=number, staff=staff)
        try:
            accounting = disclosure_accounting_for_person(
                viewer=viewer, system_actor="" if viewer else "disclosure-accounting",
                person_id=person_id, channel=DisclosureChannel.COMMAND,
            )  # fmt: skip
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        if format == "json":
            self.stdout.write(documents.accounting_json(accounting))
        else:
            self.stdout.write(documents.accounting_csv(accounting), ending="")
