from django.apps import AppConfig
from django.core import checks


class OperationsConfig(AppConfig):
    name = "contactcenter.operations"
    label = "operations"

    def ready(self) -> None:
        # Imported here, not at the top: they import models, which cannot load before the app
        # registry is ready.
        from contactcenter.core.domain_events import (
            contact_event_recorded,
            contact_events_recorded,
        )
        from contactcenter.operations import periodic
        from contactcenter.operations.checks import interval_minutes_allowed
        from contactcenter.operations.receivers import (
            contact_event_store,
            contact_events_store,
        )

        contact_event_recorded.connect(
            contact_event_store, weak=False, dispatch_uid="operations.contact_event_store"
        )
        contact_events_recorded.connect(
            contact_events_store, weak=False, dispatch_uid="operations.contact_events_store"
        )
        checks.register(interval_minutes_allowed)
        periodic.register()
