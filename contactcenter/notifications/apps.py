from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "contactcenter.notifications"
    label = "notifications"
