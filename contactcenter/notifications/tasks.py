"""Background tasks: thin wrappers that call one service each."""

from __future__ import annotations

from django_tasks import task

from contactcenter.notifications import services


@task()
def deliver_notification(notification_id: int) -> str:
    return str(services.notification_deliver(notification_id=notification_id).state)
