"""``{% chat_widget %}`` puts the chat on a public page; ``{% chat_transcript_lines %}``
reads a chat's masked transcript for the transcript email."""

from __future__ import annotations

from django import template
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.translation import gettext as _

from contactcenter.chat.consumers import SESSION_KEY
from contactcenter.chat.models import Message, Sender
from contactcenter.chat.views import offline_options
from contactcenter.routing.calendar import live_help_open

register = template.Library()


@register.inclusion_tag("chat/widget.html", takes_context=True)
def chat_widget(context) -> dict:
    request = context.get("request")
    language = "es" if (translation.get_language() or "en").startswith("es") else "en"
    has_chat = bool(request is not None and request.session.get(SESSION_KEY))
    return {
        "csrf_value": get_token(request) if request is not None else "",
        "live_open": live_help_open(),
        "has_chat": has_chat,
        "offline": offline_options(language),
        "language": language,
        "texts": widget_texts(),
    }


def widget_texts() -> dict[str, str]:
    """Everything the widget's script says, in the page's language."""
    return {
        "you": _("You"),
        "assistant": _("Virtual assistant"),
        "agent": _("Agent"),
        "agent_named": _("Agent %(name)s"),
        "sending": _("Sending…"),
        "sent": _("Sent"),
        "delivered": _("Delivered"),
        "read": _("Read"),
        "typing": _("The agent is typing…"),
        "masked": _(
            "For your safety we hid the personal information in your message (%(kinds)s). "
            "Do not share it in this chat."
        ),
        "waiting": _("You are in line for a live agent."),
        "position": _(
            "You are number %(position)s in line. Estimated wait: about %(minutes)s minutes."
        ),
        "agent_joined": _("%(name)s joined the chat."),
        "agent_joined_anonymous": _("An agent joined the chat."),
        "supervisor_joined": _("A supervisor joined the chat."),
        "transferred_tier2": _(
            "Your question was passed to a Tier 2 officer. They will contact you; your "
            "inquiry number is %(reference)s."
        ),
        "supervisor_requested": _("The agent asked a supervisor to join."),
        "callback_scheduled": _("The agent scheduled a call back to you."),
        "ended_by_person": _("You ended the chat."),
        "ended_by_agent": _("The agent ended the chat."),
        "ended": _("This chat has ended."),
        "reconnecting": _("Connection lost. Reconnecting… Your messages are kept."),
        "error": _("Something went wrong. Please try again."),
        "closed_now": _(
            "Live chat is closed now. It is open Monday to Friday, 8 a.m. to 8 p.m. "
            "Eastern, except federal holidays."
        ),
        "thanks": _("Thank you. Ask another question any time."),
    }


@register.simple_tag
def chat_transcript_lines(reference_number: str) -> list[dict[str, object]]:
    """The conversation of inquiry ``reference_number``, as stored (personal data masked)."""
    rows = (
        Message.objects.filter(conversation__inquiry__reference_number=reference_number)
        .exclude(sender=Sender.SYSTEM)
        .select_related("author")
        .order_by("id")
    )
    return [
        {
            "who": row.sender,
            "name": (row.author.first_name if row.author else "") or "",
            "at": row.created_at,
            "body": row.body,
        }
        for row in rows
    ]
