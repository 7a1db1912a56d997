"""``contactcenter audit-verify [--json]``: check the disclosure log's keyed-hash chain and say
which rows were changed, removed or inserted. Exits 1 when anything is wrong."""

from __future__ import annotations

import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from contactcenter.audit.selectors import disclosure_chain_verify


class Command(BaseCommand):
    help = "Verify the disclosure log's chain; exit 1 on any changed, removed or inserted row."

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the report as JSON"
        )
        parser.add_argument(
            "--quiet", action="store_true", help="no progress lines on standard error"
        )

    def handle(self, *args, as_json: bool, quiet: bool, **options):
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if not quiet:
                percent = 100 * done // total if total else 100
                sys.stderr.write(f"audit-verify: {done}/{total} rows ({percent}%)\n")
                sys.stderr.flush()

        report = disclosure_chain_verify(progress=progress)
        seconds = time.perf_counter() - started
        if as_json:
            self.stdout.write(
                json.dumps({**report.as_dict(), "seconds": round(seconds, 3)}, indent=2)
            )
        else:
            self.stdout.write(
                f"Checked {report.rows} sealed rows and {report.tombstones} tombstones in "
                f"{seconds:.2f} s; chain head at {report.head_seq}; "
                f"{report.unsealed_recent} recent rows not sealed yet."
            )
            for problem in report.problems:
                self.stdout.write(
                    f"  {problem.kind}: chain place {problem.chain_seq}, row {problem.entry_id}"
                )
            self.stdout.write("The chain holds." if report.ok else "The chain is broken.")
        if not report.ok:
            raise CommandError(f"{len(report.problems)} problems in the disclosure log's chain.")
