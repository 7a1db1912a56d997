from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "contactcenter.chat"
    label = "chat"
    verbose_name = "Live chat"
