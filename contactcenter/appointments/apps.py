from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "contactcenter.appointments"
    label = "appointments"
