"""TwiML webhooks, called by Twilio (or SignalWire, Telnyx) as the call goes on.

``POST /ivr/voice/<line>`` answers a new call; every later request comes back to
``/ivr/voice/<line>/step?n=<step>`` through the ``action`` and ``<Redirect>`` URLs of the
previous answer. ``/ivr/status/<line>`` takes the status callback. Each request must carry a
valid ``X-Twilio-Signature`` for the auth token in settings; the URL signed is the public one
(``TWILIO_WEBHOOK_BASE_URL`` plus the path) when the server sits behind a proxy.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from twilio.request_validator import RequestValidator

from contactcenter.core.db_threads import db_thread
from contactcenter.core.errors import ApplicationError
from contactcenter.ivr.services import CallRequest, call_answer, call_status

logger = logging.getLogger(__name__)
TWIML = "application/xml"


def signed_url(request: HttpRequest) -> str:
    base = settings.TWILIO_WEBHOOK_BASE_URL.rstrip("/")
    if base:
        return base + request.get_full_path()
    return request.build_absolute_uri()


def _params(request: HttpRequest) -> dict[str, str]:
    return (
        {key: request.POST.get(key, "") for key in request.POST} if request.method == "POST" else {}
    )


def signature_valid(request: HttpRequest) -> bool:
    token = settings.TWILIO_AUTH_TOKEN
    if not token and not settings.DEBUG:
        logger.warning("ivr.no_auth_token")  # a production server without a token answers no one
        return False
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    return bool(RequestValidator(token).validate(signed_url(request), _params(request), signature))


def _field(request: HttpRequest, name: str) -> str:
    source = request.POST if request.method == "POST" else request.GET
    return str(source.get(name, ""))


async def _answer(request: HttpRequest, line: str, step_number: int) -> HttpResponse:
    # The signature check and the form are CPU only: they run on the event loop, and the
    # turn's database work goes to a long-lived thread in one hand-off (core/db_threads.py).
    if not signature_valid(request):
        return HttpResponse("Invalid signature.", status=403, content_type="text/plain")
    call_sid = _field(request, "CallSid")
    if not call_sid or len(call_sid) > 64:
        return HttpResponse("CallSid is missing.", status=400, content_type="text/plain")
    try:
        twiml = await db_thread(
            call_answer,
            CallRequest(
                line=line, call_sid=call_sid, step=step_number,
                from_number=_field(request, "From"), digits=_field(request, "Digits"),
                speech=_field(request, "SpeechResult"),
            ),
        )  # fmt: skip
    except ApplicationError as error:
        return HttpResponse(error.message, status=error.http_status, content_type="text/plain")
    return HttpResponse(twiml, content_type=TWIML)


@csrf_exempt
@require_http_methods(["GET", "POST"])
async def voice(request: HttpRequest, line: str) -> HttpResponse:
    return await _answer(request, line, 0)


@csrf_exempt
@require_http_methods(["GET", "POST"])
async def voice_step(request: HttpRequest, line: str) -> HttpResponse:
    raw = request.GET.get("n", "")
    if not raw.isdigit() or not 0 < int(raw) < 10_000:
        return HttpResponse("Step number n is missing or wrong.", status=400,
                            content_type="text/plain")  # fmt: skip
    return await _answer(request, line, int(raw))


@csrf_exempt
@require_http_methods(["POST"])
async def status(request: HttpRequest, line: str) -> HttpResponse:
    if not signature_valid(request):
        return HttpResponse("Invalid signature.", status=403, content_type="text/plain")
    await db_thread(
        call_status, line=line, call_sid=_field(request, "CallSid"),
        status=_field(request, "CallStatus"),
    )  # fmt: skip
    return HttpResponse(status=204)
