from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "contactcenter.appointments"
    label = "appointments"

    def ready(self) -> None:
        # Imported here, not at the top: the periodic jobs import models, which cannot load before
        # the app registry is ready.
        from contactcenter.appointments import periodic

        periodic.register()
