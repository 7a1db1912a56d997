from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "contactcenter.routing"
    label = "routing"

    def ready(self) -> None:
        # Imported here, not at the top: periodic imports models, which cannot load before the
        # app registry is ready.
        from contactcenter.routing import periodic

        periodic.register()
