from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "contactcenter.desk"
    label = "desk"

    def ready(self) -> None:
        # Imported here, not at the top: these modules import models, which cannot load before
        # the app registry is ready.
        from contactcenter.desk import periodic
        from contactcenter.desk.callbacks import callback_yes_reply
        from contactcenter.desk.receivers import connect
        from contactcenter.notifications.inbound_keywords import inbound_keyword_register

        inbound_keyword_register("YES", callback_yes_reply)
        connect()
        periodic.register()
