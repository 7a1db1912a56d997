"""Signatures, retries and the edges of the webhooks."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client

from contactcenter.inquiries.models import Inquiry
from contactcenter.ivr.models import Call, CallTurn
from tests.twilio_webhooks import FORM, twilio_payload, twilio_signature

from .conftest import AUTH_TOKEN

pytestmark = pytest.mark.django_db

CALL = twilio_payload("voice_incoming")


def keyed(digits: str) -> dict[str, str]:
    """The same call's ``<Gather>`` answered on the keypad."""
    return twilio_payload("voice_gather_digits", CallSid=CALL["CallSid"], Digits=digits)


def sign(url: str, data: dict[str, str], token: str = AUTH_TOKEN) -> str:
    return twilio_signature(url, data, token)


def post(path: str, data: dict[str, str], signature: str, **extra):
    return Client().post(
        path, urlencode(data), content_type=FORM, HTTP_X_TWILIO_SIGNATURE=signature, **extra
    )


def test_missing_signature_is_refused(ivr):
    answer = Client().post("/ivr/voice/main", urlencode(CALL), content_type=FORM)
    assert answer.status_code == 403
    assert not Call.objects.exists()


def test_signature_with_the_wrong_token_is_refused(ivr):
    answer = post("/ivr/voice/main", CALL, sign("http://testserver/ivr/voice/main", CALL, "x"))
    assert answer.status_code == 403
    assert not Call.objects.exists()


def test_tampered_parameters_are_refused_and_change_nothing(ivr):
    url = "http://testserver/ivr/voice/main"
    assert post("/ivr/voice/main", CALL, sign(url, CALL)).status_code == 200
    step_url = "http://testserver/ivr/voice/main/step?n=1"
    signed = keyed("1")
    answer = post("/ivr/voice/main/step?n=1", keyed("2"), sign(step_url, signed))
    assert answer.status_code == 403
    call = Call.objects.get()
    assert call.next_step == 1 and call.state["node"] == "language"
    assert CallTurn.objects.count() == 1


def test_public_url_behind_a_proxy(ivr, settings):
    settings.TWILIO_WEBHOOK_BASE_URL = "https://contact.example.gov"
    internal = sign("http://testserver/ivr/voice/main", CALL)
    assert post("/ivr/voice/main", CALL, internal).status_code == 403
    public = sign("https://contact.example.gov/ivr/voice/main", CALL)
    assert post("/ivr/voice/main", CALL, public).status_code == 200


def test_no_token_in_production_refuses_every_call(ivr, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    settings.DEBUG = False
    answer = post("/ivr/voice/main", CALL, sign("http://testserver/ivr/voice/main", CALL, ""))
    assert answer.status_code == 403


def test_unknown_line_is_404(ivr):
    url = "http://testserver/ivr/voice/nowhere"
    answer = post("/ivr/voice/nowhere", CALL, sign(url, CALL))
    assert answer.status_code == 404
    assert not Call.objects.exists()


def test_step_for_an_unknown_call_is_404(ivr):
    url = "http://testserver/ivr/voice/main/step?n=1"
    answer = post("/ivr/voice/main/step?n=1", CALL, sign(url, CALL))
    assert answer.status_code == 404


def test_step_out_of_order_is_409_and_changes_nothing(ivr):
    post("/ivr/voice/main", CALL, sign("http://testserver/ivr/voice/main", CALL))
    url = "http://testserver/ivr/voice/main/step?n=3"
    data = keyed("1")
    answer = post("/ivr/voice/main/step?n=3", data, sign(url, data))
    assert answer.status_code == 409
    assert Call.objects.get().next_step == 1


@pytest.mark.parametrize("n", ["", "0", "abc", "99999"])
def test_bad_step_number_is_400(ivr, n):
    url = f"http://testserver/ivr/voice/main/step?n={n}"
    answer = post(f"/ivr/voice/main/step?n={n}", CALL, sign(url, CALL))
    assert answer.status_code == 400


def test_missing_call_sid_is_400(ivr):
    data = twilio_payload("voice_incoming", CallSid=None)
    answer = post("/ivr/voice/main", data, sign("http://testserver/ivr/voice/main", data))
    assert answer.status_code == 400


def test_status_callback_needs_a_signature(ivr):
    post("/ivr/voice/main", CALL, sign("http://testserver/ivr/voice/main", CALL))
    data = twilio_payload("voice_status_completed", CallSid=CALL["CallSid"])
    assert Client().post("/ivr/status/main", urlencode(data), content_type=FORM).status_code == 403
    assert Call.objects.get().ended_at is None
    answer = post("/ivr/status/main", data, sign("http://testserver/ivr/status/main", data))
    assert answer.status_code == 204
    assert Call.objects.get().outcome == "abandoned"


def test_a_spoken_answer_moves_the_call_like_a_key(ivr):
    post("/ivr/voice/main", CALL, sign("http://testserver/ivr/voice/main", CALL))
    url = "http://testserver/ivr/voice/main/step?n=1"
    spoken = twilio_payload("voice_gather_speech", CallSid=CALL["CallSid"], SpeechResult="Spanish.")
    answer = post("/ivr/voice/main/step?n=1", spoken, sign(url, spoken))
    assert answer.status_code == 200
    call = Call.objects.get()
    assert call.next_step == 2 and call.state["language"] == "es"


def test_the_same_request_twice_gives_the_same_twiml(ivr):
    url = "http://testserver/ivr/voice/main"
    first = post("/ivr/voice/main", CALL, sign(url, CALL)).content
    step_url = "http://testserver/ivr/voice/main/step?n=1"
    data = keyed("1")
    one = post("/ivr/voice/main/step?n=1", data, sign(step_url, data)).content
    two = post("/ivr/voice/main/step?n=1", data, sign(step_url, data)).content
    assert one == two
    assert post("/ivr/voice/main", CALL, sign(url, CALL)).content == first
    assert Call.objects.get().next_step == 2


def _at_once(count: int, work) -> list:
    """Run ``work`` in ``count`` threads released together, each on its own connection; the
    answers, or the first thread's error raised here."""
    import threading

    barrier = threading.Barrier(count)
    answers: list = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            answers.append(work())
        except BaseException as error:  # raised below, in the test's thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return answers


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent first requests need PostgreSQL row locks (SQLite serialises writers)",
)
def test_simultaneous_retries_of_a_new_call_open_one_call(ivr):
    from contactcenter.ivr.call_requests import CallRequest
    from contactcenter.ivr.services import call_answer

    request = CallRequest(line="main", call_sid="CA" + "c" * 32, step=0)
    answers = _at_once(4, lambda: call_answer(request))
    assert len(answers) == 4 and len(set(answers)) == 1
    assert Call.objects.count() == 1
    assert CallTurn.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent turns need PostgreSQL's row-level concurrency (SQLite serialises writers)",
)
@pytest.mark.parametrize("digits", ["1", "9"], ids=["menu-turn", "last-turn"])
def test_simultaneous_retries_of_a_turn_answer_once(ivr, known_case, digits):
    """Four copies of the same step at once, taken without the row lock: one moves the call
    on and stores its answer, the others answer with what it stored."""
    from contactcenter.ivr.call_requests import CallRequest
    from contactcenter.ivr.services import call_answer

    sid = "CA" + "d" * 32
    call_answer(CallRequest(line="main", call_sid=sid, step=0))
    before = []
    if digits == "9":  # English, case status, a receipt number; then goodbye ends the call
        before = ["1", "1", "546" + known_case.receipt_number[3:] + "#"]
    for number, pressed in enumerate(before, 1):
        call_answer(CallRequest(line="main", call_sid=sid, step=number, digits=pressed))
    step_number = len(before) + 1
    request = CallRequest(line="main", call_sid=sid, step=step_number, digits=digits)
    answers = _at_once(4, lambda: call_answer(request))
    assert len(answers) == 4 and len(set(answers)) == 1
    call = Call.objects.get(call_sid=sid)
    assert call.next_step == step_number + 1
    assert CallTurn.objects.filter(call=call, step=step_number).count() == 1
    if digits == "9":
        assert call.outcome and call.inquiry is not None
        assert Inquiry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_under_asgi_a_turn_is_one_hand_off_to_a_database_thread(ivr, monkeypatch):
    """The webhooks are async: the signature check and the form stay on the event loop and
    the turn's database work is handed to a thread once (no middleware hook, no sync view;
    Django's own request_started and request_finished signals hop as for any request)."""
    import asyncio

    import asgiref.sync
    from django.test import AsyncClient

    from contactcenter.ivr.models import Call

    handed: list[str] = []
    original = asgiref.sync.SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        handed.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(asgiref.sync.SyncToAsync, "__call__", counted)
    data = twilio_payload("voice_incoming", CallSid="CA" + "7" * 32)
    url = "http://testserver/ivr/voice/main"
    signature = twilio_signature(url, data, AUTH_TOKEN)

    def post(signature: str):
        return asyncio.run(
            AsyncClient().post("/ivr/voice/main", urlencode(data), content_type=FORM,
                               headers={"x-twilio-signature": signature})
        )  # fmt: skip

    def ours() -> list[str]:  # leaving out Django's signals and its logging of a 4xx
        return [name for name in handed if "Signal" not in name
                and "close" not in name and "log_response" not in name]  # fmt: skip

    response = post(signature)
    assert response.status_code == 200 and b"<Response>" in response.content
    assert ours() == ["_with_connection_hygiene.<locals>.run"]
    assert Call.objects.filter(call_sid=data["CallSid"]).exists()
    del handed[:]
    assert post("forged").status_code == 403
    assert ours() == []  # refused on the loop: nothing handed to a thread
