from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "contactcenter.core"
    label = "core"

    def ready(self) -> None:
        # Imported here, as Django advises for system checks: they register once the app registry
        # is ready, and importing the module registers them.
        from contactcenter.core import checks  # noqa: F401
