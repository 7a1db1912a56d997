from django.apps import AppConfig


class IvrConfig(AppConfig):
    name = "contactcenter.ivr"
    label = "ivr"
    verbose_name = "Phone line (IVR)"

    def ready(self) -> None:
        from contactcenter.ivr import periodic
        from contactcenter.ivr.receivers import connect

        connect()
        periodic.register()
