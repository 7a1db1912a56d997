"""``contactcenter records-export NUMBER --out DIR [--staff USERNAME]``: everything held about
the person a receipt number or A-Number names, as JSON and PDF, for a Privacy Act or FOIA
answer. The export is itself logged."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contactcenter.audit.models import DisclosureChannel
from contactcenter.core.errors import ApplicationError
from contactcenter.records import documents
from contactcenter.records.management.commands._records_command import (
    add_person_arguments,
    viewer_and_person,
)
from contactcenter.records.selectors import person_records_export


class Command(BaseCommand):
    help = "Export one person's records as JSON and PDF into a directory."

    def add_arguments(self, parser):
        add_person_arguments(parser)
        parser.add_argument("--out", required=True, help="directory to write the two files in")

    def handle(self, *args, number: str, staff: str | None, out: str, **options):
        directory = Path(out)
        if not directory.is_dir():
            raise CommandError("The --out directory does not exist.")
        viewer, person_id = viewer_and_person(number=number, staff=staff)
        try:
            data = person_records_export(
                viewer=viewer, system_actor="" if viewer else "records-export",
                person_id=person_id, channel=DisclosureChannel.COMMAND,
            )  # fmt: skip
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        stem = f"records-{person_id}-{timezone.now():%Y%m%d%H%M%S}"
        json_path, pdf_path = directory / f"{stem}.json", directory / f"{stem}.pdf"
        _write_private(json_path, documents.export_json(data).encode())
        _write_private(pdf_path, documents.export_pdf(data, generated_at=timezone.now()))
        self.stdout.write(f"Wrote {json_path} and {pdf_path}.")


def _write_private(path: Path, content: bytes) -> None:
    """Personal data: created readable by whoever ran the export only, never overwritten."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
