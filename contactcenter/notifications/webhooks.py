"""Twilio's webhooks for texts: those people send us (STOP, START, HELP, YES...), and the
status callback of each text we send (so a text Twilio took is never sent again).

The request must carry a valid ``X-Twilio-Signature`` for our auth token and the URL Twilio
called; anything else is refused with 403 and changes nothing. Replies are TwiML built with the
twilio library.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from contactcenter.core.errors import ApplicationError
from contactcenter.notifications.services import notification_provider_status_record, sms_inbound

logger = logging.getLogger(__name__)


def twilio_request_valid(request: HttpRequest) -> bool:
    token = settings.TWILIO_AUTH_TOKEN
    if not token:
        return False
    # Behind a TLS proxy the public URL Twilio signed differs from what Django sees.
    base = settings.TWILIO_WEBHOOK_BASE_URL.rstrip("/")
    url = f"{base}{request.get_full_path()}" if base else request.build_absolute_uri()
    signature = request.headers.get("X-Twilio-Signature", "")
    return RequestValidator(token).validate(url, request.POST.dict(), signature)


def _twiml(response: MessagingResponse) -> HttpResponse:
    return HttpResponse(str(response), content_type="text/xml")


@csrf_exempt
@require_POST
def twilio_sms_inbound(request: HttpRequest) -> HttpResponse:
    if not twilio_request_valid(request):
        logger.warning("webhook.twilio_sms.bad_signature")
        return HttpResponseForbidden("invalid signature")
    response = MessagingResponse()
    try:
        reply = sms_inbound(
            from_phone=request.POST.get("From", ""), body=request.POST.get("Body", "")
        )
    except ApplicationError:
        # Not a phone number we can act on (a short code, a malformed sender): answer 200 so
        # Twilio does not retry, and say nothing back.
        logger.info("webhook.twilio_sms.ignored")
        return _twiml(response)
    if reply:
        response.message(reply)
    return _twiml(response)


@csrf_exempt
@require_POST
def twilio_sms_status(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Twilio's report on one text we sent (``StatusCallback`` set on each send)."""
    if not twilio_request_valid(request):
        logger.warning("webhook.twilio_sms_status.bad_signature")
        return HttpResponseForbidden("invalid signature")
    try:
        notification_provider_status_record(
            notification_id=notification_id,
            provider_message_id=request.POST.get("MessageSid", ""),
            status=request.POST.get("MessageStatus", ""),
        )
    except ApplicationError as error:
        # An unknown status or a text we do not know: logged and answered 200, so Twilio
        # stops retrying something that will never work.
        logger.info("webhook.twilio_sms_status.ignored", extra={"code": str(error.code)})
    return HttpResponse(status=200)
