"""Where the worker found the delivery task before it moved beside the service it runs: tasks
queued under this path by an earlier release still resolve. New code imports it from
``notifications.services``."""

from contactcenter.notifications.services import deliver_notification

__all__ = ["deliver_notification"]
