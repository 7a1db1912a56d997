from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "contactcenter.desk"
    label = "desk"

    def ready(self) -> None:
        from contactcenter.desk.receivers import connect

        connect()
