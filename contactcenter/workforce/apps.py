from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "contactcenter.workforce"
    label = "workforce"
    verbose_name = "Workforce planning"
