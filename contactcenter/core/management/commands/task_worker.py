"""django-tasks' database worker (``db_worker``), made to outlive a database outage: a lost
or refused connection while fetching or finishing a task is logged by its class, waited out
with a back-off, and the worker goes on with the queue. ``worker`` runs this one."""

from __future__ import annotations

import time

from django_tasks_db.management.commands import db_worker

from contactcenter.core.db_outage import run_through_outages

_DatabaseWorker = db_worker.Worker  # the library's, before handle() puts ours in its place


class OutageTolerantWorker(_DatabaseWorker):
    def run(self) -> None:
        # db_worker's loop returns only when asked to stop (or in batch mode); a database
        # error ends it, so it is entered again once the back-off has passed.
        def one_pass() -> None:
            _DatabaseWorker.run(self)
            self.running = False if self.batch or self.max_tasks else self.running

        self.startup_delay = False
        run_through_outages(
            one_pass, loop="tasks", keep_going=lambda: self.running, pause=0, sleep=time.sleep
        )


class Command(db_worker.Command):
    help = "Run django-tasks' database worker, waiting out database outages."

    def handle(self, *args, **options) -> None:
        # The library's handle() builds its worker by the module's name for the class.
        db_worker.Worker = OutageTolerantWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = _DatabaseWorker  # type: ignore[misc]
