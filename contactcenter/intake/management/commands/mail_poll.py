"""``contactcenter mail-poll``: read the mailbox once (INTAKE_IMAP_*), each message through
the same pipeline as every other email; ``--json`` prints the counts."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from contactcenter.intake.imap import MailboxNotConfigured, mailbox_poll


class Command(BaseCommand):
    help = "Receive the new messages of the IMAP mailbox (TLS) as email inquiries and replies."
    # Run from cron every minute or so: the system checks (a second or more) belong to
    # deploying and starting the server, not to each poll.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")

    def handle(self, *args, json: bool, **options):
        try:
            counts = mailbox_poll()
        except MailboxNotConfigured as error:
            raise CommandError(str(error)) from error
        if json:
            self.stdout.write(_dumps(counts.as_dict()))
            return
        for key, value in counts.as_dict().items():
            self.stdout.write(f"{key.replace('_', ' ')}: {value}")


def _dumps(value: object) -> str:
    return json.dumps(value, indent=2, sort_keys=True)
