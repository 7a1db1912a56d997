"""Inbound email from mail providers, through django-anymail's ``inbound`` signal.

Anymail's own views check each request (HTTP basic auth, and the provider's signature where
it signs: Mailgun's HMAC, Amazon SNS's certificate); we mount only the inbound views, and only
once basic auth is configured (``ANYMAIL_WEBHOOK_SECRET``), so an unprotected URL never
exists. The receiver hands the raw message to the same pipeline as the mailbox.
"""

from __future__ import annotations

import logging
from email import policy
from functools import wraps

from anymail.inbound import AnymailInboundMessage
from django.conf import settings
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt

from contactcenter.intake.models import Source
from contactcenter.intake.services import email_receive

logger = logging.getLogger(__name__)

# The providers whose inbound webhooks check more than basic auth need their key too.
_SIGNING_KEYS = {"mailgun": "MAILGUN_WEBHOOK_SIGNING_KEY"}


def inbound_received(sender, event, esp_name: str, **kwargs) -> None:
    """Anymail's ``inbound`` signal: the message, as the provider sent it, through
    ``email_receive``. A database failure propagates, so the provider tries again later."""
    message = event.message
    if not isinstance(message, AnymailInboundMessage):
        logger.warning("intake.webhook_without_message", extra={"provider": esp_name})
        return
    raw = message.as_bytes(policy=policy.default.clone(linesep="\r\n"))
    received = email_receive(raw=raw, source=Source.WEBHOOK)
    logger.info(
        "intake.webhook_received",
        extra={"provider": esp_name, "email_id": received.email.pk, "outcome": received.outcome},
    )


def secured(provider: str, view):
    """The anymail view, or 404 while its checks cannot all be on."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        anymail = getattr(settings, "ANYMAIL", {})
        if not anymail.get("WEBHOOK_SECRET"):
            raise Http404
        key = _SIGNING_KEYS.get(provider)
        if key and not anymail.get(key):
            raise Http404
        return view(request, *args, **kwargs)

    return csrf_exempt(guarded)
