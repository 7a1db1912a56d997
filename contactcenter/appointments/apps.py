from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "contactcenter.appointments"
    label = "appointments"

    def ready(self) -> None:
        # Imported here, not at the top: the periodic jobs import models, which cannot load before
        # the app registry is ready.
        from contactcenter.appointments import periodic
        from contactcenter.appointments.reasons import reason_get
        from contactcenter.notifications.catalogue import appointment_reasons_register

        periodic.register()
        appointment_reasons_register(
            lambda code, language: reason.bring(language) if (reason := reason_get(code)) else None
        )
