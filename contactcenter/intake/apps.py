from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "contactcenter.intake"
    label = "intake"
    verbose_name = "Email intake"
