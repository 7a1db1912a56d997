"""``contactcenter mail-import PATH...``: ``.eml`` files, mbox files or folders of them through
the same pipeline as the mailbox. Importing the same files again changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contactcenter.intake.mail_files import MailFileError, messages_read
from contactcenter.intake.services import emails_import


class Command(BaseCommand):
    help = "Receive .eml or mbox files as email: new inquiries, replies, ignored, refused."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help=".eml files, mbox files, folders")
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")

    def handle(self, *args, paths: list[Path], json: bool, **options):
        for path in paths:
            if not path.exists():
                raise CommandError(f"{path}: no such file or folder")
        try:
            counts = emails_import(messages=(raw for _where, raw in messages_read(paths)))
        except MailFileError as error:
            raise CommandError(str(error)) from error
        summary = counts.as_dict()
        if json:
            self.stdout.write(_dumps(summary))
            return
        for key in ("new_inquiries", "replies_joined", "ignored", "refused", "kept_aside"):
            self.stdout.write(f"{key.replace('_', ' '):16} {summary[key]}")
        self.stdout.write(f"{'already seen':16} {summary['already_seen']}")
        for reason, count in sorted(counts.reasons.items()):
            self.stdout.write(f"  {reason}: {count}")


def _dumps(value: object) -> str:
    return json.dumps(value, indent=2, sort_keys=True)
