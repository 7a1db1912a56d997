"""``contactcenter audit-seal``: seal the disclosure-log rows not yet in the chain now (the
``audit.seal`` periodic job does the same every AUDIT_SEAL_EVERY_SECONDS)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from contactcenter.audit.services import disclosure_chain_seal


class Command(BaseCommand):
    help = "Seal the disclosure-log rows not yet in the keyed-hash chain."

    def handle(self, *args, **options):
        started = time.perf_counter()
        sealed = disclosure_chain_seal()
        seconds = time.perf_counter() - started
        self.stdout.write(f"Sealed {sealed} rows in {seconds:.2f} s.")
