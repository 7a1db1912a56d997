from django.apps import AppConfig


class SetupConfig(AppConfig):
    name = "contactcenter.setup"
    label = "setup"
