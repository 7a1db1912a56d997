"""Inbound email from mail providers, through django-anymail's ``inbound`` signal.

Anymail's own views check each request (HTTP basic auth, and the provider's signature where
it signs: Mailgun's HMAC, Amazon SNS's certificate); we mount only the inbound views, and only
once basic auth is configured (``ANYMAIL_WEBHOOK_SECRET``), so an unprotected URL never
exists. The receiver hands the raw message to the same pipeline as the mailbox.
"""

from __future__ import annotations

import logging
from email import policy
from email.parser import BytesParser
from functools import wraps

from anymail.inbound import AnymailInboundMessage
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.utils.datastructures import MultiValueDict
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


def webhook_max_bytes() -> int:
    """The largest webhook body read: twice the message cap, so that a message past the cap
    still arrives whole, is recorded and its sender told (JSON and form encoding add bulk)."""
    return 2 * settings.INTAKE_EMAIL_MAX_BYTES


def _form_fields(content_type: str, body: bytes) -> QueryDict:
    """A multipart/form-data body's text fields, read with the standard library's parser
    rather than Django's, whose per-field limit is sized for forms, not for a raw message."""
    envelope = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + body
    form = BytesParser(policy=policy.HTTP).parsebytes(envelope)
    fields = QueryDict(mutable=True)
    for part in form.iter_parts() if form.is_multipart() else ():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or part.get_filename() is not None:
            continue  # a file field: the raw-MIME webhooks carry the message in a text field
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        fields.appendlist(name, payload.decode(part.get_content_charset() or "utf-8", "replace"))
    fields._mutable = False
    return fields


def _large_body_take(request: HttpRequest) -> HttpResponse | None:
    """Read a body past Django's in-memory limit (1 MB, for forms) ourselves, so that anymail
    finds it already read; 413 past ``webhook_max_bytes``."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or length <= limit:
        return None
    if length > webhook_max_bytes():
        logger.warning("intake.webhook_too_large", extra={"bytes": length})
        return HttpResponse(status=413)
    body = request.read()
    request._body = body  # what HttpRequest.body returns from now on
    if request.content_type == "multipart/form-data":
        # Where HttpRequest keeps POST and FILES once parsed: set, they are not parsed again.
        request._post = _form_fields(request.META.get("CONTENT_TYPE", ""), body)  # type: ignore[attr-defined]
        request._files = MultiValueDict()  # type: ignore[attr-defined]
    return None


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
        refused = _large_body_take(request)
        if refused is not None:
            return refused
        return view(request, *args, **kwargs)

    return csrf_exempt(guarded)
