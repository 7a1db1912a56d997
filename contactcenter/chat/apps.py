from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "contactcenter.chat"
    label = "chat"
    verbose_name = "Live chat"

    def ready(self) -> None:
        from contactcenter.chat import receivers  # noqa: F401  (connects the signal receivers)
