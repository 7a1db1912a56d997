"""Words for the desk's pages: the states and actions an inquiry's history stores as codes, in
the page's language (the code itself for one this list does not know yet), and phone numbers
as they are read out."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext as _

from contactcenter.inquiries.models import InquiryState

register = template.Library()


def _action_labels() -> dict[str, str]:
    # Built per call: gettext must run in the language of the request being rendered.
    return {
        "escalate": _("Escalated to Tier 2"),
        "supervisor_requested": _("Supervisor requested"),
        "callback_scheduled": _("Callback scheduled"),
        "transfer": _("Transferred"),
        "transfer_cancelled": _("Transfer cancelled"),
        "reopened": _("Reopened"),
        "unlock": _("Identity lock lifted"),
    }


def _actor_labels() -> dict[str, str]:
    return {
        "system": _("System"),
        "staff": _("Staff"),
        "person": _("The person"),
        "ivr": _("Phone menu"),
        "assistant": _("Virtual assistant"),
        "agent": _("Agent"),
    }


@register.filter
def inquiry_actor_label(code: object) -> str:
    """Who wrote an event that names no user (``system``, ``person``, ``ivr``...), in words."""
    return _actor_labels().get(str(code), str(code))


@register.filter
def inquiry_state_label(code: object) -> str:
    """``escalated`` as "Escalated to Tier 2" (in Spanish on a Spanish page)."""
    try:
        return str(InquiryState(str(code)).label)
    except ValueError:
        return str(code)


@register.filter
def inquiry_action_label(code: object) -> str:
    """``escalate`` as "Escalated to Tier 2"; an action not listed here shows its code."""
    return _action_labels().get(str(code), str(code))


_NANP = re.compile(r"^\+1(\d{3})(\d{3})(\d{4})$")


@register.filter
def phone_display(number: object) -> str:
    """A stored number as a person reads it out: ``+14045550187`` as "(404) 555-0187"; a number
    outside North America as stored. Links keep the stored form (``tel:``)."""
    text = str(number or "")
    found = _NANP.match(text)
    return f"({found[1]}) {found[2]}-{found[3]}" if found else text
