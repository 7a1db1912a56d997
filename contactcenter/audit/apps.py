from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "contactcenter.audit"
    label = "audit"

    def ready(self) -> None:
        # Imported here: the job's service loads models, and the check module registers itself.
        from contactcenter.audit import checks, periodic  # noqa: F401

        periodic.register()
