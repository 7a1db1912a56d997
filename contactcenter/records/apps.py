from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "contactcenter.records"
    label = "records"
    verbose_name = "Records"

    def ready(self) -> None:
        # Imported here: the purge job's service loads models.
        from contactcenter.records import periodic

        periodic.register()
