from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "contactcenter.offices"
    label = "offices"
