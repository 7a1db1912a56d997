from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "contactcenter.audit"
    label = "audit"
