from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "contactcenter.core"
    label = "core"
