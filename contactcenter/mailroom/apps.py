from django.apps import AppConfig


class MailroomConfig(AppConfig):
    name = "contactcenter.mailroom"
    label = "mailroom"
    verbose_name = "Mail room and fax"

    def ready(self) -> None:
        from contactcenter.mailroom import periodic, receivers  # noqa: F401 (connects them)

        periodic.register()
