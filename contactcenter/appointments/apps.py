from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "contactcenter.appointments"
    label = "appointments"

    def ready(self) -> None:
        from contactcenter.appointments import periodic

        periodic.register()
