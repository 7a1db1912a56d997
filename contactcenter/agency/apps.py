from django.apps import AppConfig


class AgencyConfig(AppConfig):
    name = "contactcenter.agency"
    label = "agency"

    def ready(self) -> None:
        # Imported here: models cannot load before the app registry is ready.
        from contactcenter.agency.models import AgencyProfile
        from contactcenter.agency.selectors import ACTIVE_PROFILE
        from contactcenter.core.process_cache import clear_on_change

        clear_on_change(ACTIVE_PROFILE, AgencyProfile)
