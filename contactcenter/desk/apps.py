from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "contactcenter.desk"
    label = "desk"
