"""The worker outlives a database outage: a real ``contactcenter worker`` on PostgreSQL,
whose database stops taking connections for a while (its connections ended, new ones
refused), goes on running periodic jobs and tasks once the database is back."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from contactcenter.core.models import PeriodicJobRun
from contactcenter.notifications.services import deliver_notification
from tests.processes import alive, command_start, project_env, stop, wait_for

APP_NAME = "cc-outage-worker"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a database outage is made on PostgreSQL (set DATABASE_URL); SQLite has none",
    ),
]


def _admin():
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def _worker_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return f"postgres://{s['USER']}{password}@{host}/{s['NAME']}"


def _runs() -> int:
    return sum(PeriodicJobRun.objects.values_list("runs", flat=True))


def _processed(task_id) -> bool:
    return DBTaskResult.objects.get(id=task_id).status not in {"READY", "RUNNING"}


def test_the_worker_waits_out_a_database_outage_and_carries_on(tmp_path, migrated_sqlite):
    name = connection.settings_dict["NAME"]
    env = project_env(tmp_path, migrated_sqlite, DATABASE_URL=_worker_url(), PGAPPNAME=APP_NAME)
    log = tmp_path / "worker.log"
    worker = command_start(["worker", "--tick", "0.2"], env, log)
    try:
        before = deliver_notification.enqueue(notification_id=0)
        wait_for(lambda: _processed(before.id), timeout=60, what="a task run before the outage")
        connection.close()
        with _admin() as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            try:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND application_name = %s",
                    [name, APP_NAME],
                )
                time.sleep(6)
            finally:
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        assert worker.poll() is None and alive(worker.pid), log.read_text()
        runs = _runs()
        after = deliver_notification.enqueue(notification_id=0)
        # The longest back-off reached in six seconds is 4 s; then work goes on.
        wait_for(lambda: _processed(after.id), timeout=30, what="a task run after the outage")
        wait_for(lambda: _runs() > runs, timeout=30, what="periodic jobs after the outage")
    finally:
        stop(worker)
    text = log.read_text()
    assert "database.unavailable OperationalError in periodic" in text
    assert "database.unavailable OperationalError in tasks" in text
    # Logged by class alone: not the server's message, which names the database.
    assert name not in text and "OperationalError:" not in text
