"""Bad input at the phone line's edge is bad input, not trouble: a NUL or a digit that is not
an ASCII keypad key in ``Digits`` is a key press not understood (the menu again, logged at
INFO, the call goes on), and a step number such as ``n=²`` is a 400, not a 500. These hold on
PostgreSQL too, which refuses a NUL in text (that was taken for a database outage)."""

from __future__ import annotations

import logging
from urllib.parse import quote, urlencode

import pytest
from django.test import Client

from contactcenter.ivr.models import Call, CallTurn
from tests.twilio_webhooks import FORM, twilio_payload, twilio_signature

from .conftest import AUTH_TOKEN

pytestmark = pytest.mark.django_db

CALL = twilio_payload("voice_incoming")


def _post(path: str, data: dict[str, str]):
    signature = twilio_signature(f"http://testserver{path}", data, AUTH_TOKEN)
    return Client().post(
        path, urlencode(data), content_type=FORM, HTTP_X_TWILIO_SIGNATURE=signature
    )


def _keyed(digits: str) -> dict[str, str]:
    return twilio_payload("voice_gather_digits", CallSid=CALL["CallSid"], Digits=digits)


@pytest.mark.parametrize("digits", ["1\x00", "\x00", "²", "١", "1\x1b[2J"])
def test_a_key_press_that_is_not_a_keypad_key_is_not_understood(ivr, caplog, digits):
    first = _post("/ivr/voice/main", CALL)
    assert first.status_code == 200
    with caplog.at_level(logging.INFO, logger="contactcenter.ivr"):
        for number in (1, 2):  # sent twice: the line asks again both times, and goes on
            answer = _post(f"/ivr/voice/main/step?n={number}", _keyed(digits))
            assert answer.status_code == 200
            body = answer.content.decode()
            assert "<Gather" in body and "<Hangup" not in body
            assert "technical problem" not in body.lower()
    call = Call.objects.get()
    assert call.state["node"] == "language" and call.ended_at is None
    assert not any(r.levelno >= logging.ERROR for r in caplog.records)
    assert "ivr.digits_not_understood" in [r.getMessage() for r in caplog.records]
    assert all("\x00" not in turn.heard for turn in CallTurn.objects.all())
    # A real key still works afterwards.
    assert _post("/ivr/voice/main/step?n=3", _keyed("1")).status_code == 200
    assert Call.objects.get().state["language"] == "en"


@pytest.mark.parametrize("n", ["²", "١", "1²", "３"])
def test_a_step_number_in_other_digits_is_400_before_anything_else(ivr, n):
    _post("/ivr/voice/main", CALL)
    path = f"/ivr/voice/main/step?n={quote(n)}"
    unsigned = Client().post(path, urlencode(_keyed("1")), content_type=FORM)
    assert unsigned.status_code == 400
    assert _post(path, _keyed("1")).status_code == 400
    assert Call.objects.get().next_step == 1


def test_a_retry_count_in_other_digits_ends_politely(ivr):
    answer = _post(f"/ivr/voice/main?retry={quote('²')}", CALL)
    assert answer.status_code == 200


def test_control_characters_in_speech_and_caller_number_are_taken_out(ivr):
    data = {**CALL, "From": "+1555\x00555\x000142"}
    assert _post("/ivr/voice/main", data).status_code == 200
    spoken = twilio_payload(
        "voice_gather_speech", CallSid=CALL["CallSid"], SpeechResult="Span\x00ish."
    )
    assert _post("/ivr/voice/main/step?n=1", spoken).status_code == 200
    assert all("\x00" not in turn.heard for turn in CallTurn.objects.all())


def test_a_call_sid_with_control_characters_is_400(ivr):
    data = {**CALL, "CallSid": "CA\x00" + "1" * 30}
    assert _post("/ivr/voice/main", data).status_code == 400
    assert not Call.objects.exists()


def test_a_status_callback_with_a_broken_call_sid_is_400(ivr):
    _post("/ivr/voice/main", CALL)
    data = twilio_payload("voice_status_completed", CallSid="CA\x00" + "1" * 30)
    assert _post("/ivr/status/main", data).status_code == 400
    assert Call.objects.get().ended_at is None
