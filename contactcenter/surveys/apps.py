from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "contactcenter.surveys"
    label = "surveys"
    verbose_name = "Satisfaction surveys"

    def ready(self) -> None:
        # Imported here, not at the top: these modules import models, which cannot load before
        # the app registry is ready.
        from contactcenter.core.domain_events import contact_event_recorded
        from contactcenter.notifications.catalogue import message_render_context_register
        from contactcenter.surveys.links import INVITATION_TEMPLATE, invitation_render_context
        from contactcenter.surveys.receivers import survey_invite_on_resolution

        # Inside the resolving transaction: the survey and its message stand or fall with it.
        contact_event_recorded.connect(
            survey_invite_on_resolution, weak=False, dispatch_uid="surveys.invite_on_resolution"
        )
        # The link is made when the message is rendered: the token itself is never stored.
        message_render_context_register(INVITATION_TEMPLATE, invitation_render_context)
