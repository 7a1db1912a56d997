"""The phone survey: offered before the caller goes in line, asked after the agent hangs up
(the agent's <Dial> action), answered by key or voice; through signed webhook requests, with
the real Twilio REST client moving the call (to a local stand-in for Twilio's API)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from contactcenter.routing import services as routing
from contactcenter.surveys.models import Survey
from tests.ivr.conftest import OPEN_HOUR, ivr, phone  # noqa: F401 (fixtures)
from tests.ivr.test_bridge import fake_twilio  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

LINE = "premium-processing"


def _words(exchange) -> str:
    return " ".join(text for _language, text in exchange.said)


def _to_the_agent(call, make_agent, twilio, answers: list[str], *, language: str = "en",
                  skills=("premium",)):  # fmt: skip
    """Answer the menus (the last answer is to the survey offer), then an agent accepts; the
    TwiML the REST client sent, parsed."""
    exchange = call.start()
    for answer in answers:
        exchange = call.send(answer)
    assert exchange.holding  # in line
    agent = make_agent(languages=[language], skills=list(skills), capacity={"phone": 1})
    item = routing.work_item_offer_next(agent=agent, now=OPEN_HOUR)
    assert item is not None
    routing.work_item_accept(agent=agent, item_id=item.pk, now=OPEN_HOUR)
    [sent] = twilio.requests
    return agent, item, ET.fromstring(sent["form"]["Twiml"][0])


def _agent_hangs_up(call, dial):
    """Twilio requests the <Dial>'s action once the agent's side ends; the caller is still on."""
    path = urlsplit(dial.get("action")).path + "?" + urlsplit(dial.get("action")).query
    return call.request(path, {"DialCallStatus": "completed", "DialCallDuration": "95"})


def test_opted_in_by_key_and_answered_by_key(phone, make_agent, fake_twilio):  # noqa: F811
    twilio = fake_twilio()
    call = phone(LINE, survey=None)  # the test answers the offer
    agent, item, twiml = _to_the_agent(call, make_agent, twilio, ["3", "03042025", "1"])
    offer = call.exchanges[-2]  # the answer to the date: the offer, before going in line
    assert "would you answer one question" in _words(offer) and offer.listening
    assert "Please hold" in _words(call.exchanges[-1])
    dial = twiml.find("Dial")
    assert dial.get("action", "").endswith(f"/ivr/survey/{LINE}?try=0")
    assert dial.get("method") == "POST"
    assert not Survey.objects.exists()  # asked once the agent hangs up

    question = _agent_hangs_up(call, dial)
    assert question.listening and "how satisfied are you" in _words(question)
    survey = Survey.objects.get()
    assert (survey.channel, survey.invited_by, survey.language) == ("phone", "ivr", "en")
    assert (survey.agent_id, survey.queue_id) == (agent.user_id, item.queue_id)
    assert survey.inquiry_id == item.inquiry_id

    thanks = call.send("4")
    assert thanks.hung_up and "Thank you for your answer" in _words(thanks)
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (4, "")


def test_spanish_caller_says_yes_and_a_number_after_one_it_could_not_use(
    phone,  # noqa: F811
    make_agent,
    fake_twilio,  # noqa: F811
):
    twilio = fake_twilio()
    call = phone(LINE, survey=None)  # the test answers the offer
    _agent, _item, twiml = _to_the_agent(call, make_agent, twilio, ["2", "3", "03042025", "sí"],
                                         language="es")  # fmt: skip
    question = _agent_hangs_up(call, twiml.find("Dial"))
    assert "qué tan satisfecho" in _words(question)
    assert {language for language, _text in question.said} == {"es"}
    again = call.send("siete")
    assert again.listening and "del 1 al 5" in _words(again)
    assert Survey.objects.get().answered_at is None
    done = call.send("cinco")
    assert done.hung_up and "Gracias por su respuesta" in _words(done)
    assert Survey.objects.get().score == 5


@pytest.mark.parametrize("answers", [["9", "0"], ["", ""], ["x", "6"]])
def test_two_answers_it_cannot_use_end_with_thanks_and_no_score(
    phone,  # noqa: F811
    make_agent,
    fake_twilio,  # noqa: F811
    answers,
):
    twilio = fake_twilio()
    call = phone(LINE, survey=None)  # the test answers the offer
    _agent, _item, twiml = _to_the_agent(call, make_agent, twilio, ["3", "03042025", "yes"])
    _agent_hangs_up(call, twiml.find("Dial"))
    retry = call.send(answers[0])
    assert retry.listening and not retry.hung_up
    last = call.send(answers[1])
    assert last.hung_up and "Thank you" in _words(last)
    survey = Survey.objects.get()
    assert (survey.score, survey.answered_at) == (None, None)


def test_a_caller_who_declined_is_not_asked(phone, make_agent, fake_twilio):  # noqa: F811
    twilio = fake_twilio()
    call = phone(LINE, survey=None)  # the test answers the offer
    _agent, _item, twiml = _to_the_agent(call, make_agent, twilio, ["3", "03042025", "2"])
    assert twiml.find("Dial").get("action") is None  # the call ends with the agent's side
    # Even a request to the survey's address (a stray or forged one, signed) asks nothing.
    ended = call.request(f"/ivr/survey/{LINE}?try=0", {"DialCallStatus": "completed"})
    assert ended.hung_up and ended.said == []
    assert not Survey.objects.exists()


def test_a_caller_who_hung_up_first_is_not_asked(phone, make_agent, fake_twilio):  # noqa: F811
    twilio = fake_twilio()
    call = phone(LINE, survey=None)  # the test answers the offer
    _agent, _item, twiml = _to_the_agent(call, make_agent, twilio, ["3", "03042025", "1"])
    action = urlsplit(twiml.find("Dial").get("action"))
    ended = call.request(f"{action.path}?{action.query}",
                         {"DialCallStatus": "completed", "CallStatus": "completed"})  # fmt: skip
    assert ended.hung_up and ended.said == []
    assert not Survey.objects.exists()


def test_the_survey_webhook_needs_a_valid_signature(phone, client):  # noqa: F811
    call = phone(LINE, survey=None)  # the test answers the offer
    call.start()
    response = client.post(f"/ivr/survey/{LINE}?try=1", {"CallSid": call.call_sid,
                           "Digits": "5"}, HTTP_X_TWILIO_SIGNATURE="forged")  # fmt: skip
    assert response.status_code == 403
    bad_try = call.transport.post(f"/ivr/survey/{LINE}?try=9", {"CallSid": call.call_sid},
                                  call._sign(f"/ivr/survey/{LINE}?try=9",
                                             {"CallSid": call.call_sid}))  # fmt: skip
    assert bad_try[0] == 400


# --- The main line: the agency's general number ---------------------------------------------


def test_main_line_caller_opts_in_by_key_and_answers_by_key(phone, make_agent, fake_twilio):  # noqa: F811
    twilio = fake_twilio()
    call = phone("main", survey=None)  # the test answers the offer
    # English, anything else (a person): the offer, then "1".
    agent, item, twiml = _to_the_agent(call, make_agent, twilio, ["1", "4", "1"], skills=())
    offer = call.exchanges[-2]
    assert _words(offer) == (
        "Would you answer one question about this call when it ends? If so, press 1 or say "
        "yes. If not, stay on the line."
    )
    assert offer.listening and not offer.holding
    assert "Please hold for the next available representative" in _words(call.exchanges[-1])
    assert item.queue.code == "t1-general-en"
    dial = twiml.find("Dial")
    assert dial.get("action", "").endswith("/ivr/survey/main?try=0")

    question = _agent_hangs_up(call, dial)
    assert "how satisfied are you" in _words(question)
    thanks = call.send("5")
    assert thanks.hung_up and "Thank you for your answer" in _words(thanks)
    survey = Survey.objects.get()
    assert (survey.channel, survey.invited_by, survey.language, survey.score) == (
        "phone", "ivr", "en", 5)  # fmt: skip
    assert (survey.agent_id, survey.queue_id) == (agent.user_id, item.queue_id)


def test_main_line_spanish_caller_says_si_and_a_number(phone, make_agent, fake_twilio):  # noqa: F811
    twilio = fake_twilio()
    call = phone("main", survey=None)  # the test answers the offer
    # Spanish, then a person ("agente" twice), then "sí" to the offer.
    _agent, item, twiml = _to_the_agent(call, make_agent, twilio,
                                        ["2", "agente", "agente", "sí"], language="es",
                                        skills=())  # fmt: skip
    offer = call.exchanges[-2]
    assert {language for language, _text in offer.said} == {"es"}
    assert _words(offer).startswith("¿Respondería una pregunta sobre esta llamada")
    assert item.queue.code == "t1-general-es"
    question = _agent_hangs_up(call, twiml.find("Dial"))
    assert "qué tan satisfecho" in _words(question)
    done = call.send("cuatro")
    assert done.hung_up and "Gracias por su respuesta" in _words(done)
    survey = Survey.objects.get()
    assert (survey.language, survey.score) == ("es", 4)


@pytest.mark.parametrize("answer", ["", "2", "0", "representative"])
def test_main_line_caller_who_lets_the_offer_pass_goes_in_line_at_once(
    phone,  # noqa: F811
    make_agent,
    fake_twilio,  # noqa: F811
    answer,
):
    twilio = fake_twilio()
    call = phone("main", survey=None)  # the test answers the offer
    _agent, _item, twiml = _to_the_agent(call, make_agent, twilio, ["1", "4", answer], skills=())
    in_line = call.exchanges[-1]
    # No second question: the next thing said is the hold, in the same turn.
    assert in_line.holding and "Please hold" in _words(in_line)
    assert "question" not in _words(in_line)
    assert twiml.find("Dial").get("action") is None
    assert not Survey.objects.exists()
