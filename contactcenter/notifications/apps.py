import datetime as dt

from django.apps import AppConfig
from django.conf import settings


class NotificationsConfig(AppConfig):
    name = "contactcenter.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Imported here, not at the top: the periodic runner and the services import models, which
        # cannot load before the app registry is ready.
        from django.core import checks

        from contactcenter.core.periodic import periodic_register
        from contactcenter.notifications.checks import check_sms_provider
        from contactcenter.notifications.services import notifications_requeue_stalled

        checks.register(check_sms_provider)
        # Picks up notifications whose task was lost (see notifications_requeue_stalled).
        periodic_register(
            "notifications.requeue_stalled",
            every=dt.timedelta(seconds=settings.NOTIFICATIONS_STALLED_CHECK_SECONDS),
            run=notifications_requeue_stalled,
        )
