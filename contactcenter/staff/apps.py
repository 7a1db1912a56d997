from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "contactcenter.staff"
    label = "staff"

    def ready(self) -> None:
        # Imported here, not at the top: allauth's models load with the app registry.
        from allauth.mfa.signals import authenticator_added

        from contactcenter.staff.two_step import totp_turned_on

        authenticator_added.connect(totp_turned_on, dispatch_uid="staff.totp_turned_on")
