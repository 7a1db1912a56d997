"""Inbound fax from a fax provider, under ``/webhooks/fax/``.

Two doors, each closed (404) until its secret is configured, so an unprotected URL never
exists:

- ``generic/``: a JSON body ``{"fax_id", "from", "pages", "document"}`` (the PDF in base64),
  signed with HMAC-SHA256 over the exact body with ``MAILROOM_FAX_WEBHOOK_SECRET``, hex in
  the ``X-Fax-Signature`` header (``sha256=`` in front is accepted). Any provider, or a small
  relay in front of one, can speak it.
- ``telnyx/``: Telnyx Programmable Fax's ``fax.received`` event, checked as Telnyx signs it:
  Ed25519 over ``<telnyx-timestamp>|<body>`` with the account's public key
  (``MAILROOM_TELNYX_PUBLIC_KEY``), the timestamp no older than
  ``MAILROOM_TELNYX_TOLERANCE_SECONDS``. The document is at ``payload.media_url``; it is
  fetched in a background task (``fax_media.py``), never during the request.

Both answer 200 for a fax received or already seen (the provider stops retrying), 400 with a
reason for a body that is not a fax, 401 for a bad signature, 413 past the size cap.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from contactcenter.core.errors import ApplicationError
from contactcenter.mailroom.services import fax_receive

logger = logging.getLogger(__name__)


def _body_max() -> int:
    # base64 adds a third, and the JSON around it a little.
    return settings.MAILROOM_FAX_MAX_BYTES * 4 // 3 + 64 * 1024


def _body(request: HttpRequest) -> bytes | None:
    """The raw body, read past Django's form-sized limit; None when it is too large."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > _body_max():
        return None
    body = request.read(_body_max() + 1)
    return None if len(body) > _body_max() else body


def _refused(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _answer(received) -> JsonResponse:
    return JsonResponse(
        {"fax": received.fax.pk, "already_seen": received.already_seen, "state": received.fax.state}
    )


def signature_generic(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@csrf_exempt
@require_POST
def generic(request: HttpRequest) -> JsonResponse:
    secret = settings.MAILROOM_FAX_WEBHOOK_SECRET
    if not secret:
        raise Http404
    body = _body(request)
    if body is None:
        return _refused("too large", 413)
    given = request.headers.get("X-Fax-Signature", "").strip().removeprefix("sha256=")
    if not given or not hmac.compare_digest(given.lower(), signature_generic(body, secret)):
        logger.warning("mailroom.fax_signature_refused", extra={"provider": "generic"})
        return _refused("bad signature", 401)
    try:
        data = json.loads(body)
        document = base64.b64decode(data["document"], validate=True)
        fax_id, sender = str(data["fax_id"]), str(data.get("from", ""))
        pages = int(data.get("pages") or 0)
    except (ValueError, KeyError, TypeError, binascii.Error):
        return _refused("expected JSON with fax_id and document (base64 PDF)")
    try:
        received = fax_receive(
            provider="generic", provider_fax_id=fax_id, from_number=sender,
            page_count=pages, content=document,
        )  # fmt: skip
    except ApplicationError as error:
        return _refused(error.message)
    return _answer(received)


def _telnyx_verified(request: HttpRequest, body: bytes) -> bool:
    timestamp = request.headers.get("telnyx-timestamp", "")
    signature = request.headers.get("telnyx-signature-ed25519", "")
    try:
        sent_at = int(timestamp)
        key = Ed25519PublicKey.from_public_bytes(
            base64.b64decode(settings.MAILROOM_TELNYX_PUBLIC_KEY)
        )
        key.verify(base64.b64decode(signature), timestamp.encode() + b"|" + body)
    except (ValueError, binascii.Error, InvalidSignature):
        return False
    return abs(time.time() - sent_at) <= settings.MAILROOM_TELNYX_TOLERANCE_SECONDS


@csrf_exempt
@require_POST
def telnyx(request: HttpRequest) -> JsonResponse:
    if not settings.MAILROOM_TELNYX_PUBLIC_KEY:
        raise Http404
    body = _body(request)
    if body is None:
        return _refused("too large", 413)
    if not _telnyx_verified(request, body):
        logger.warning("mailroom.fax_signature_refused", extra={"provider": "telnyx"})
        return _refused("bad signature", 401)
    try:
        data = json.loads(body)["data"]
        event, payload = data["event_type"], data["payload"]
    except (ValueError, KeyError, TypeError):
        return _refused("expected a Telnyx event")
    if event != "fax.received" or payload.get("direction", "inbound") != "inbound":
        return JsonResponse({"ignored": str(event)[:40]})  # other events: nothing to do
    try:
        received = fax_receive(
            provider="telnyx",
            provider_fax_id=str(payload.get("fax_id") or ""),
            from_number=str(payload.get("from") or ""),
            page_count=int(payload.get("page_count") or 0),
            media_url=str(payload.get("media_url") or ""),
        )
    except (ApplicationError, ValueError, TypeError) as error:
        return _refused(getattr(error, "message", "bad payload"))
    return _answer(received)
