from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "contactcenter.chat"
    label = "chat"
    verbose_name = "Live chat"

    def ready(self) -> None:
        # Imported here, not at the top: these modules import models, which cannot load before
        # the app registry is ready. Importing the receivers connects them.
        from contactcenter.chat import receivers  # noqa: F401
        from contactcenter.chat.selectors import chat_transcript_lines
        from contactcenter.chat.services import TRANSCRIPT_TEMPLATE
        from contactcenter.notifications.catalogue import message_render_context_register

        # The transcript email reads the masked conversation when it is rendered.
        message_render_context_register(
            TRANSCRIPT_TEMPLATE,
            lambda context: {
                "lines": chat_transcript_lines(reference_number=context["reference_number"])
            },
        )
