from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "contactcenter.cases"
    label = "cases"

    def ready(self) -> None:
        # The admin's autodiscovery imports only cases/admin.py; the applicant and
        # representative pages live beside it (they open a person through their cases).
        from contactcenter.cases import people_admin  # noqa: F401
