from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "contactcenter.routing"
    label = "routing"

    def ready(self) -> None:
        from contactcenter.notifications.inbound_keywords import inbound_keyword_register
        from contactcenter.routing import periodic
        from contactcenter.routing.callbacks import callback_yes_reply

        periodic.register()
        inbound_keyword_register("YES", callback_yes_reply)
