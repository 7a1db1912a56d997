"""``{% chat_widget %}`` puts the chat on a public page."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.middleware.csrf import get_token

from contactcenter.agency.selectors import agency_profile
from contactcenter.chat.consumers import SESSION_KEY
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
    agency = agency_profile().values(language)
    return {
        # The agency's numbers and hours, from its profile (an inclusion tag's template does
        # not see the page's context processors).
        "agency_phone": agency["agency_phone"],
        "agency_tty": agency["agency_tty"],
        "agency_hours": agency["agency_hours"],
        "csrf_value": get_token(request) if request is not None else "",
        "live_open": live_help_open(),
        "has_chat": has_chat,
        "offline": offline_options(language),
        "language": language,
        "texts": widget_texts(),
        "identity_extra_answers": settings.IDENTITY_APPLICANT_EXTRA_ANSWERS,
    }
