"""Tags for the agent tools' partials (``desk/_canned_replies.html``), so each partial brings
its own data and can be included on any page with one line."""

from __future__ import annotations

from django import template

from contactcenter.desk.models import CannedReply
from contactcenter.desk.replies import canned_replies_offered

register = template.Library()


@register.simple_tag
def canned_replies() -> list[CannedReply]:
    """The replies agents may insert, in the supervisors' order (one query)."""
    return canned_replies_offered()


@register.filter
def in_language(reply: CannedReply, language: str) -> str:
    """A reply's title in ``language`` (English unless Spanish)."""
    return reply.title(language)
