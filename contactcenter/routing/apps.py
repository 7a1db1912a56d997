from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "contactcenter.routing"
    label = "routing"
