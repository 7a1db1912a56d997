from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "contactcenter.desk"
    label = "desk"

    def ready(self) -> None:
        # Imported here, not at the top: these modules import models, which cannot load before
        # the app registry is ready.
        from contactcenter.core.process_cache import clear_on_change
        from contactcenter.desk import periodic
        from contactcenter.desk.callbacks import callback_yes_reply
        from contactcenter.desk.models import CannedReply
        from contactcenter.desk.receivers import connect
        from contactcenter.desk.replies import CANNED_REPLIES_OFFERED
        from contactcenter.desk.selectors import ACTIVE_QUEUES
        from contactcenter.notifications.inbound_keywords import inbound_keyword_register
        from contactcenter.routing.models import Queue

        inbound_keyword_register("YES", callback_yes_reply)
        connect()
        periodic.register()
        clear_on_change(CANNED_REPLIES_OFFERED, CannedReply)
        clear_on_change(ACTIVE_QUEUES, Queue)
