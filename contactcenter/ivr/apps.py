from django.apps import AppConfig


class IvrConfig(AppConfig):
    name = "contactcenter.ivr"
    label = "ivr"
    verbose_name = "Phone line (IVR)"

    def ready(self) -> None:
        # Imported here, not at the top: the periodic jobs and the receivers import models, which
        # cannot load before the app registry is ready.
        from contactcenter.ivr import periodic
        from contactcenter.ivr.receivers import connect

        connect()
        periodic.register()
