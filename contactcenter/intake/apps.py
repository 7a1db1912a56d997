from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "contactcenter.intake"
    label = "intake"
    verbose_name = "Email intake"

    def ready(self) -> None:
        from anymail.signals import inbound

        from contactcenter.intake import periodic, receivers  # noqa: F401 (connects them)
        from contactcenter.intake.webhooks import inbound_received

        inbound.connect(inbound_received, dispatch_uid="intake.inbound_received")
        periodic.register()
