from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "contactcenter.chat"
    label = "chat"
    verbose_name = "Live chat"

    def ready(self) -> None:
        # Imported here, not at the top: the receivers import models, which cannot load before
        # the app registry is ready. Importing them connects them.
        from contactcenter.chat import receivers  # noqa: F401
