"""Email intake's periodic jobs: ask the worker to poll the mailbox; hand lost or due
outgoing emails to the task queue again.

The periodic runner holds a transaction around each job, and a poll must not run inside one
(a message is marked only after its own commit), so the job only enqueues the
``poll_mailbox`` task once the runner's transaction commits; the task runs on its own.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.db import transaction

from contactcenter.core.periodic import periodic_register
from contactcenter.intake.imap import poll_mailbox
from contactcenter.intake.services import outbound_emails_requeue


def mailbox_poll_enqueue() -> bool:
    if not settings.INTAKE_IMAP_HOST:
        return False
    transaction.on_commit(partial(poll_mailbox.enqueue), robust=True)
    return True


def register() -> None:
    periodic_register(
        "intake.mail_poll",
        every=dt.timedelta(seconds=settings.INTAKE_IMAP_POLL_SECONDS),
        run=mailbox_poll_enqueue,
    )
    periodic_register(
        "intake.outbound_requeue",
        every=dt.timedelta(seconds=settings.INTAKE_OUTBOUND_CHECK_SECONDS),
        run=outbound_emails_requeue,
    )
