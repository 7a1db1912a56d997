from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "contactcenter.routing"
    label = "routing"

    def ready(self) -> None:
        from contactcenter.routing import periodic

        periodic.register()
