from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "contactcenter.cases"
    label = "cases"
