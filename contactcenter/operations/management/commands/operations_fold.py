"""``contactcenter operations-fold``: count the events and presence changes not yet counted
now (the ``operations.fold`` periodic job does the same every 30 seconds)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from contactcenter.operations.services import FoldResult, interval_facts_fold


class Command(BaseCommand):
    help = "Fold the contact events and presence changes not yet counted into interval facts."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be 1 or more.")
        started = time.perf_counter()

        def progress(result: FoldResult) -> None:
            self.stdout.write(
                f"\rFolded {result.events} events, {result.presence_changes} presence changes",
                ending="",
            )
            self.stdout.flush()

        result = interval_facts_fold(batch_size=options["batch_size"], progress=progress)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"\rFolded {result.events} events into {result.fact_rows} interval rows and "
            f"{result.presence_changes} presence changes into {result.state_rows} agent-state "
            f"rows in {seconds:.2f} s."
        )
