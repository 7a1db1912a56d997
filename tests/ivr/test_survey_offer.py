"""The survey offer before the queue, in the step function: once, short, silence is a no; a
line's ``survey_share`` picks the calls offered it by their id, the same at every turn."""

from __future__ import annotations

import hashlib

import pytest

from contactcenter.ivr.engine import (
    QUEUED,
    SURVEY_OFFER,
    SURVEY_OFFER_TIMEOUT_SECONDS,
    Event,
    step,
    survey_offered,
)
from contactcenter.ivr.flows import flow_parse
from tests.ivr.test_engine import FLOW, TODAY

SURVEY = """  survey_offer:
    {en: "One question after? Press 1", es: "Una pregunta despues? Oprima 1"}
  survey_question: {en: How satisfied, es: Que tan satisfecho}
  survey_retry: {en: 1 to 5, es: 1 al 5}
  survey_thanks: {en: Thanks, es: Gracias}
"""
# Two call ids on either side of a half share: sha256's first 8 bytes over 2**64 are 0.3213...
# for the first and 0.9446... for the second.
IN_HALF, OUT_OF_HALF = "CA" + "0" * 32, "CA" + "0" * 31 + "1"


def survey_flow(share: str = ""):
    text = FLOW.replace("nodes:\n", SURVEY + "nodes:\n", 1)
    if share:
        text = f"survey_share: {share}\n" + text
    return flow_parse(text, file="test.yaml")


def play(flow, *answers, call_id=IN_HALF):
    turn = step(flow, None, Event(start=True, today=TODAY, call_id=call_id))
    for answer in answers:
        keys = answer.isdigit()
        turn = step(flow, turn.state, Event(digits=answer if keys else "",
                                            speech="" if keys else answer, today=TODAY,
                                            call_id=call_id))  # fmt: skip
    return turn


def texts(turn):
    return [p.text for p in turn.prompts]


def test_the_offer_comes_once_before_the_queue_and_waits_less_than_a_menu():
    offer = play(survey_flow(), "0", "0")  # a person, twice
    assert offer.state["node"] == SURVEY_OFFER
    assert texts(offer) == ["One question after? Press 1"]
    assert offer.listen.num_digits == 1 and offer.listen.timeout == SURVEY_OFFER_TIMEOUT_SECONDS
    assert not offer.effects


@pytest.mark.parametrize(
    ("answer", "yes"),
    [("1", True), ("yes", True), ("2", False), ("", False), ("9", False), ("no", False)],
)
def test_any_answer_or_none_goes_in_line_in_the_same_turn(answer, yes):
    turn = play(survey_flow(), "0", "0", answer)
    assert texts(turn) == ["Hold please"]  # no second prompt
    assert [effect.kind for effect in turn.effects] == ["enqueue"]
    assert turn.state["node"] == QUEUED and turn.state["survey"] is yes
    # The transfer node is on the path once, though it was reached before the offer too.
    assert turn.state["path"].count("person") == 1


def test_a_line_without_the_prompts_never_offers():
    turn = play(flow_parse(FLOW, file="test.yaml"), "0", "0")
    assert turn.state["node"] == QUEUED and "survey" not in turn.state


def test_a_share_offers_the_calls_its_hash_picks_and_only_once():
    flow = survey_flow("0.5")
    assert flow.survey_share == 0.5
    assert play(flow, "0", "0", call_id=IN_HALF).state["node"] == SURVEY_OFFER
    skipped = play(flow, "0", "0", call_id=OUT_OF_HALF)
    assert skipped.state["node"] == QUEUED and skipped.state["survey"] is False
    assert texts(skipped) == ["Hold please"]


def test_the_share_is_the_hash_of_the_call_id():
    for call_id, offered in ((IN_HALF, True), (OUT_OF_HALF, False)):
        fraction = int.from_bytes(hashlib.sha256(call_id.encode()).digest()[:8]) / 2**64
        assert (fraction < 0.5) is offered
        assert survey_offered(0.5, call_id) is offered
    assert survey_offered(1, OUT_OF_HALF) and not survey_offered(0, IN_HALF)
    # Over many ids the share is about right: 1,000 ids, a quarter share.
    picked = sum(survey_offered(0.25, f"CA{n:032d}") for n in range(1000))
    assert 200 <= picked <= 300


def test_no_share_is_every_caller_and_zero_is_nobody():
    assert survey_flow().survey_share == 1.0
    nobody = play(survey_flow("0"), "0", "0")
    assert nobody.state["node"] == QUEUED and nobody.state["survey"] is False


def test_the_offer_gathers_for_three_seconds_and_a_menu_for_six():
    from contactcenter.ivr.twiml import render

    offer = render(play(survey_flow(), "0", "0"), next_url="/ivr/voice/test/step?n=3")
    menu = render(play(survey_flow()), next_url="/ivr/voice/test/step?n=1")
    assert 'timeout="3"' in offer and 'timeout="6"' in menu
