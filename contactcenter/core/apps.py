from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "contactcenter.core"
    label = "core"

    def ready(self) -> None:
        from contactcenter.core import checks  # noqa: F401  (registers the system checks)
