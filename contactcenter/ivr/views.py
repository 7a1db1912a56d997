"""TwiML webhooks, called by Twilio (or SignalWire, Telnyx) as the call goes on.

``POST /ivr/voice/<line>`` answers a new call; every later request comes back to
``/ivr/voice/<line>/step?n=<step>`` through the ``action`` and ``<Redirect>`` URLs of the
previous answer. ``/ivr/status/<line>`` takes the status callback. ``/ivr/survey/<line>?try=``
asks and takes the satisfaction survey after the agent hangs up (the agent's <Dial> action).
Each request must carry a valid ``X-Twilio-Signature`` for the auth token in settings; the URL
signed is the public one (``TWILIO_WEBHOOK_BASE_URL`` plus the path) when the server sits
behind a proxy.
"""

from __future__ import annotations

import logging
import re
import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from twilio.request_validator import RequestValidator

from contactcenter.core.db_threads import db_thread
from contactcenter.core.errors import ApplicationError
from contactcenter.ivr.call_requests import CallRequest, step_url
from contactcenter.ivr.services import call_answer, call_status, call_survey
from contactcenter.ivr.twiml import trouble

logger = logging.getLogger(__name__)
TWIML = "application/xml"
TROUBLE_RETRIES = 2  # a turn the database failed is asked again this many times, then goodbye
RECONNECT_ATTEMPTS = 3
RECONNECT_WITHIN_SECONDS = 1.0


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


# What a keypad can send. Anything else (a NUL, a superscript digit) is a key press the line
# did not understand: the engine hears "?" and asks again, as for any wrong key.
_KEYPAD = re.compile(r"[0-9*#]*")
NOT_UNDERSTOOD = "?"
# Twilio's "CA" and 32 hex digits; other providers' UUIDs.
_CALL_SID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _digits(request: HttpRequest) -> str:
    raw = _field(request, "Digits")
    if _KEYPAD.fullmatch(raw):
        return raw
    logger.info("ivr.digits_not_understood", extra={"length": len(raw)})
    return NOT_UNDERSTOOD


def _text_field(request: HttpRequest, name: str) -> str:
    """A text field with control characters taken out (a database refuses a NUL)."""
    return _CONTROL.sub(" ", _field(request, name))


def _ascii_number(raw: str) -> int | None:
    """``raw`` as a whole number when it is one in ASCII digits (``"²".isdigit()`` is true,
    and ``int("²")`` raises)."""
    return int(raw) if raw.isascii() and raw.isdigit() else None


async def _answer(request: HttpRequest, line: str, step_number: int) -> HttpResponse:
    # The signature check and the form are CPU only: they run on the event loop, and the
    # turn's database work goes to a long-lived thread in one hand-off (core/db_threads.py).
    if not signature_valid(request):
        return HttpResponse("Invalid signature.", status=403, content_type="text/plain")
    call_sid = _field(request, "CallSid")
    if not _CALL_SID.fullmatch(call_sid):
        return HttpResponse("CallSid is missing.", status=400, content_type="text/plain")
    try:
        twiml = await db_thread(
            _answer_reconnecting,
            CallRequest(
                line=line, call_sid=call_sid, step=step_number,
                from_number=_text_field(request, "From"), digits=_digits(request),
                speech=_text_field(request, "SpeechResult"),
            ),
        )  # fmt: skip
    except ApplicationError as error:
        return HttpResponse(error.message, status=error.http_status, content_type="text/plain")
    except DatabaseError as error:
        return _database_trouble(request, line, step_number, error)
    return HttpResponse(twiml, content_type=TWIML)


def _answer_reconnecting(call: CallRequest) -> str:
    """``call_answer``, tried again at once on a fresh connection when the database failed
    fast (a pooled connection that died with a database restart fails on first use; the
    pool's other idle connections are then checked, so one caller meets the restart, not one
    per pooled connection; a turn is safe to run again, as a retried request is). A slow
    failure (the database down, the pool waiting for a connection) is not tried again here:
    the caller hears why instead."""
    started = time.monotonic()
    for attempt in range(1, RECONNECT_ATTEMPTS + 1):
        try:
            return call_answer(call)
        except DatabaseError:
            quick = time.monotonic() - started < RECONNECT_WITHIN_SECONDS
            if attempt == RECONNECT_ATTEMPTS or not quick or connection.in_atomic_block:
                raise
            connection.close_if_unusable_or_obsolete()  # a dead connection is let go
            pool = getattr(connection, "pool", None)
            if pool is not None:
                pool.check()  # and the others that died with it, before one is taken again
            logger.warning("ivr.database_reconnect", extra={"step": call.step, "attempt": attempt})
    raise AssertionError("unreachable")  # pragma: no cover


def _database_trouble(request: HttpRequest, line: str, step_number: int,
                      error: DatabaseError) -> HttpResponse:  # fmt: skip
    """The database failed under a turn (a restart, a lost connection): the turn was not kept
    (it is stored in one statement or one transaction; a new call's row, written first, is
    found again by the retry, and a turn stored just before the failure is answered from
    storage, as any retried request is), so rather than the
    provider's own error message and a dropped call, the caller hears an apology and the same
    step is asked for again, up to TROUBLE_RETRIES times; then a goodbye."""
    retries = _ascii_number(request.GET.get("retry", "0"))
    retries = TROUBLE_RETRIES if retries is None else retries
    logger.error(
        "ivr.database_trouble",
        extra={"line": line, "step": step_number, "retry": retries, "error": type(error).__name__},
    )
    if retries >= TROUBLE_RETRIES:
        return HttpResponse(trouble(retry_url=None), content_type=TWIML)
    if step_number == 0:
        retry_url = f"{reverse('ivr:voice', args=[line])}?retry={retries + 1}"
    else:
        retry_url = f"{step_url(line, step_number)}&retry={retries + 1}"
    return HttpResponse(trouble(retry_url=retry_url), content_type=TWIML)


@csrf_exempt
@require_http_methods(["GET", "POST"])
async def voice(request: HttpRequest, line: str) -> HttpResponse:
    return await _answer(request, line, 0)


@csrf_exempt
@require_http_methods(["GET", "POST"])
async def voice_step(request: HttpRequest, line: str) -> HttpResponse:
    step_number = _ascii_number(request.GET.get("n", ""))
    if step_number is None or not 0 < step_number < 10_000:
        return HttpResponse("Step number n is missing or wrong.", status=400,
                            content_type="text/plain")  # fmt: skip
    return await _answer(request, line, step_number)


@csrf_exempt
@require_http_methods(["POST"])
async def status(request: HttpRequest, line: str) -> HttpResponse:
    if not signature_valid(request):
        return HttpResponse("Invalid signature.", status=403, content_type="text/plain")
    call_sid = _field(request, "CallSid")
    if not _CALL_SID.fullmatch(call_sid):
        return HttpResponse("CallSid is missing.", status=400, content_type="text/plain")
    await db_thread(
        call_status, line=line, call_sid=call_sid, status=_text_field(request, "CallStatus"),
    )  # fmt: skip
    return HttpResponse(status=204)


@csrf_exempt
@require_http_methods(["POST"])
async def survey(request: HttpRequest, line: str) -> HttpResponse:
    if not signature_valid(request):
        return HttpResponse("Invalid signature.", status=403, content_type="text/plain")
    call_sid = _field(request, "CallSid")
    if not _CALL_SID.fullmatch(call_sid):
        return HttpResponse("CallSid is missing.", status=400, content_type="text/plain")
    attempt = _ascii_number(request.GET.get("try", ""))
    if attempt is None or attempt > 2:
        return HttpResponse("The survey turn try is missing or wrong.", status=400,
                            content_type="text/plain")  # fmt: skip
    twiml = await db_thread(
        call_survey, line=line, call_sid=call_sid, attempt=attempt,
        call_status=_text_field(request, "CallStatus"), digits=_digits(request),
        speech=_text_field(request, "SpeechResult"),
    )  # fmt: skip
    return HttpResponse(twiml, content_type=TWIML)
