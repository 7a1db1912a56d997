from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "contactcenter.assistant"
    label = "assistant"
    verbose_name = "Virtual assistant"
