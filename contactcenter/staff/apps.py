from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "contactcenter.staff"
    label = "staff"
