"""``{% chat_widget %}`` puts the chat on a public page; ``{% chat_transcript_lines %}``
reads a chat's masked transcript for the transcript email."""

from __future__ import annotations

from django import template
from django.middleware.csrf import get_token

from contactcenter.chat.consumers import SESSION_KEY
from contactcenter.chat.models import Message, Sender
from contactcenter.chat.texts import widget_texts
from contactcenter.chat.views import offline_options
from contactcenter.core.languages import active_language
from contactcenter.routing.calendar import live_help_open

register = template.Library()


@register.inclusion_tag("chat/widget.html", takes_context=True)
def chat_widget(context) -> dict:
    request = context.get("request")
    language = active_language()
    has_chat = bool(request is not None and request.session.get(SESSION_KEY))
    return {
        "csrf_value": get_token(request) if request is not None else "",
        "live_open": live_help_open(),
        "has_chat": has_chat,
        "offline": offline_options(language),
        "language": language,
        "texts": widget_texts(),
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
