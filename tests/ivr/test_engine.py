"""The pure step function, node kind by node kind, with a small flow written for the tests."""

from __future__ import annotations

import datetime as dt

import pytest

from contactcenter.ivr.engine import ENDED, QUEUED, Event, step
from contactcenter.ivr.flows import flow_parse
from contactcenter.ivr.spoken import Unusable, compact, parse_value, receipt_candidates

TEXT = "{en: English text, es: Texto en español}"
FLOW = f"""
line: test
title: {TEXT}
start: pick
default_language: en
representative: person
supervisor: boss
prompts:
  representative_first: {{en: Ask again, es: Pida otra vez}}
  no_input: {{en: Nothing heard, es: Nada}}
  hold:
    en: "You are {{position}}, {{wait}}"
    es: "Usted es {{position}}, {{wait}}"
  hold_callback: {{en: Will call back, es: Le llamaremos}}
  goodbye: {TEXT}
  connecting: {TEXT}
  no_callback_number: {{en: No number, es: Sin numero}}
nodes:
  pick:
    kind: menu
    prompt: {{en: Pick, es: Elija}}
    options:
      - {{digit: "1", words: {{en: [zip code, zip], es: [codigo postal]}}, next: zip, topic: zip}}
      - {{digit: "2", words: {{en: [spanish], es: [espanol]}}, language: es, next: pick}}
      - {{digit: "3", words: {{en: [status], es: [estado]}}, next: receipt}}
      - {{digit: "4", words: {{en: [birthday], es: [cumpleanos]}}, next: born}}
      - {{digit: "5", words: {{en: [a number], es: [numero a]}}, next: anumber}}
    fail: bye
  zip:
    kind: collect
    value: zip
    store: zip
    prompt: {{en: Zip please, es: Codigo por favor}}
    retry: {{en: Five digits, es: Cinco digitos}}
    next: info
    fail: person
  born:
    kind: collect
    value: date
    store: born
    prompt: {TEXT}
    retry: {TEXT}
    next: bye
    fail: bye
  anumber:
    kind: collect
    value: a_number
    store: anumber
    prompt: {TEXT}
    retry: {TEXT}
    next: bye
    fail: bye
  info:
    kind: say
    prompt: {{en: "Open {{hours}}", es: "Abierto {{hours}}"}}
    next: link
  link:
    kind: send_link
    prompt: {{en: Sent, es: Enviado}}
    not_sent: {{en: Not sent, es: No enviado}}
    next: bye
  receipt:
    kind: collect
    value: receipt
    store: receipt
    prompt: {TEXT}
    retry: {TEXT}
    next: status
    fail: bye
  status:
    kind: case_status
    receipt: receipt
    found:
      en: "Form {{form}}: {{status}} on {{date}}"
      es: "Formulario {{form}}: {{status}} el {{date}}"
    not_found: {{en: Not found, es: No encontrado}}
    next: bye
    not_found_next: person
  person:
    kind: transfer
    tier: tier1
    prompt: {{en: Hold please, es: Espere}}
    after_hours: closed
  boss:
    kind: transfer
    tier: supervisor
    prompt: {TEXT}
    after_hours: closed
  closed:
    kind: menu
    prompt: {{en: "Closed. Open {{hours}}", es: "Cerrado. Abierto {{hours}}"}}
    options:
      - {{digit: "1", words: {{en: [callback], es: [llamada]}}, next: callme}}
    fail: bye
  callme:
    kind: callback
    prompt: {TEXT}
  bye:
    kind: hangup
    prompt: {{en: Bye, es: Adios}}
"""
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def flow():
    return flow_parse(FLOW, file="test.yaml")


def play(flow, *answers, live_open=True):
    turn = step(flow, None, Event(start=True, live_open=live_open, today=TODAY))
    for answer in answers:
        keys = answer.isdigit()
        turn = step(flow, turn.state, Event(digits=answer if keys else "",
                                            speech="" if keys else answer,
                                            live_open=live_open, today=TODAY,
                                            hours={"en": "9-5", "es": "9-5"}))  # fmt: skip
    return turn


def texts(turn):
    return [p.text for p in turn.prompts]


def test_menu_by_key_and_by_word(flow):
    assert texts(play(flow, "1")) == ["Zip please"]
    assert texts(play(flow, "my zip code is")) == ["Zip please"]
    assert play(flow, "1").state["topic"] == "zip"


def test_menu_words_pick_the_longest_keyword_heard(flow):
    # "status" (option 3) and "zip code" (option 1) are both heard: the longer phrase wins.
    assert texts(play(flow, "the status of my zip code")) == ["Zip please"]
    # A later option's longer keyword beats an earlier option's shorter one.
    assert play(flow, "status of my a number").state["node"] == "anumber"
    assert play(flow, "estado del codigo postal").state["node"] == "zip"


def test_menu_words_for_two_options_ask_again(flow):
    turn = play(flow, "status or birthday")
    assert texts(turn) == ["Nothing heard", "Pick"]
    assert turn.state["node"] == "pick" and turn.state["tries"] == 1


@pytest.mark.parametrize(
    ("said", "node"),
    [("three", "receipt"), ("Press 3.", "receipt"), ("opción tres", "receipt"),
     ("número cuatro", "born"), ("Uno", "zip")],
)  # fmt: skip
def test_menu_key_said_aloud(flow, said, node):
    assert play(flow, said).state["node"] == node


@pytest.mark.parametrize("said", ["zero", "Press 0.", "cero"])
def test_zero_said_aloud_asks_for_a_representative(flow, said):
    assert texts(play(flow, said)) == ["Ask again", "Pick"]
    assert texts(play(flow, said, said)) == ["Hold please"]


@pytest.mark.parametrize("said", ["seven", "one or two", "I want to go home", "for"])
def test_menu_key_said_aloud_must_be_alone_and_offered(flow, said):
    turn = play(flow, said)
    assert turn.state["node"] == "pick" and turn.state["tries"] == 1


def test_menu_language_choice_switches_every_prompt(flow):
    turn = play(flow, "spanish")
    assert turn.state["language"] == "es"
    assert turn.prompts[0].language == "es" and texts(turn) == ["Elija"]
    assert turn.listen.language == "es"


def test_menu_words_in_either_language(flow):
    assert texts(play(flow, "codigo postal")) == ["Zip please"]


def test_menu_bad_answers_then_fail(flow):
    turn = play(flow, "9")
    assert texts(turn) == ["Nothing heard", "Pick"] and turn.state["tries"] == 1
    turn = play(flow, "9", "8", "7")
    assert texts(turn) == ["Bye"] and turn.hangup


def test_collect_retries_then_way_out(flow):
    turn = play(flow, "1", "123")
    assert texts(turn) == ["Five digits"]
    turn = play(flow, "1", "123", "", "abc")
    assert texts(turn) == ["Hold please"]
    assert turn.effects[0].kind == "enqueue"


def test_say_and_send_link_run_on_to_the_next_question(flow):
    turn = play(flow, "1", "20001")
    assert texts(turn) == ["Open 9-5"]
    assert turn.awaiting == "send_link"
    assert [e.kind for e in turn.effects] == ["send_link"]
    assert turn.state["vars"]["zip"] == {"value": "20001"}
    sent = step(flow, turn.state, Event(result={"sent": True}))
    assert texts(sent) == ["Sent", "Bye"]
    not_sent = step(flow, turn.state, Event(result={"sent": False}))
    assert texts(not_sent) == ["Not sent", "Bye"]


def test_collect_date_and_a_number(flow):
    assert play(flow, "4", "March 14 1985").state["vars"]["born"] == {"value": "1985-03-14"}
    assert play(flow, "4", "14 de marzo de 1985").state["vars"]["born"]["value"] == "1985-03-14"
    assert play(flow, "4", "03141985").state["vars"]["born"]["value"] == "1985-03-14"
    assert play(flow, "4", "02302020").state["tries"] == 1  # no February 30th
    assert play(flow, "4", "01012099").state["tries"] == 1  # not in the future
    assert play(flow, "5", "A 12 345 678").state["vars"]["anumber"] == {"value": "A012345678"}


def test_case_status_awaits_the_lookup_then_reads_it(flow):
    turn = play(flow, "3", "EAC 22 123 45678")
    assert turn.awaiting == "lookup_case"
    assert turn.effects[0].data == {"candidates": ["EAC2212345678"], "language": "en"}
    found = step(
        flow,
        turn.state,
        Event(
            result={
                "found": True,
                "form": "I-130",
                "status_text": "Approved",
                "status_date": "2024-01-10",
            }
        ),
    )
    assert texts(found) == ["Form I-130: Approved on January 10, 2024", "Bye"]
    assert found.state["outcome"] == "self_served"
    missing = step(flow, turn.state, Event(result={"found": False}))
    assert texts(missing)[0] == "Not found"


def test_case_status_in_spanish_reads_the_spanish_date(flow):
    turn = play(flow, "2", "3", "EAC2212345678")
    found = step(
        flow,
        turn.state,
        Event(
            result={
                "found": True,
                "form": "I-130",
                "status_text": "Aprobado",
                "status_date": "2024-01-10",
            }
        ),
    )
    assert texts(found)[0] == "Formulario I-130: Aprobado el 10 de enero de 2024"


def test_transfer_in_live_hours_queues_and_holds(flow):
    turn = play(flow, "0", "0")
    assert turn.awaiting == "enqueue" and turn.state["node"] == QUEUED
    assert turn.effects[0].data["tier"] == "tier1"
    held = step(flow, turn.state, Event(result={"queue": "x"}, hold={"position": 3, "minutes": 9}))
    assert held.hold and texts(held) == ["You are 3, 9 minutes"]
    again = step(flow, held.state, Event(hold={"position": 1, "minutes": 1}))
    assert texts(again) == ["You are 1, 1 minute"]
    asked = step(flow, held.state, Event(digits="1"))
    assert [e.kind for e in asked.effects] == ["callback"] and asked.awaiting == "callback"
    done = step(flow, asked.state, Event(result={"scheduled": True}))
    assert texts(done) == ["Will call back"]
    assert done.state["outcome"] == "callback" and done.hangup
    # A withheld number cannot be called back: the caller stays in line.
    kept = step(
        flow, asked.state, Event(result={"scheduled": False}, hold={"position": 1, "minutes": 2})
    )
    assert texts(kept) == ["No number", "You are 1, 2 minutes"]
    assert kept.hold and kept.state["outcome"] == "queued"


def test_a_wait_that_cannot_be_estimated_is_said_so_never_a_figure(flow):
    """No estimate (no recent history or no agent): a flow without its own words for it gets
    the engine's, in the caller's language."""
    turn = play(flow, "0", "0")
    held = step(
        flow, turn.state, Event(result={"queue": "x"}, hold={"position": 2, "minutes": None})
    )
    assert held.hold
    assert texts(held) == ["You are number 2 in line. We cannot estimate the wait right now."]


def test_transfer_after_hours_goes_to_the_hours(flow):
    turn = play(flow, "0", "0", live_open=False)
    assert texts(turn)[-1] == "Closed. Open 9-5"
    assert turn.state["outcome"] == "after_hours" and not turn.effects
    turn = step(flow, turn.state, Event(digits="1", live_open=False))
    assert turn.effects[0].kind == "callback" and turn.awaiting == "callback"
    done = step(flow, turn.state, Event(result={"scheduled": True}))
    assert texts(done) == ["English text"] and done.state["outcome"] == "callback"
    withheld = step(flow, turn.state, Event(result={"scheduled": False}))
    assert texts(withheld) == ["No number"] and withheld.hangup
    assert withheld.state["outcome"] == "after_hours"


def test_supervisor_word_at_any_time(flow):
    turn = play(flow, "1", "let me talk to your supervisor")
    assert turn.effects[0].data["tier"] == "supervisor"
    assert play(flow, "supervisora").effects[0].data["tier"] == "supervisor"


def test_representative_once_reminds_twice_transfers(flow):
    turn = play(flow, "operator")
    assert texts(turn) == ["Ask again", "Pick"] and not turn.effects
    assert play(flow, "operator", "representante").effects[0].kind == "enqueue"


def test_an_ended_call_stays_ended(flow):
    turn = play(flow, "9", "9", "9")
    assert turn.state["node"] == ENDED
    again = step(flow, turn.state, Event(digits="1"))
    assert again.hangup and not again.effects


def test_step_does_not_change_the_state_it_was_given(flow):
    turn = play(flow, "1")
    before = repr(turn.state)
    step(flow, turn.state, Event(digits="20001"))
    assert repr(turn.state) == before


@pytest.mark.parametrize(
    ("speech", "expected"),
    [
        ("E A C 22 1234 5678", "EAC2212345678"),
        ("e a c two two one two three four five six seven eight", "EAC2212345678"),
        ("E.A.C. 22-123-45678", "EAC2212345678"),
        ("I O E zero one two three four five six seven eight nine", "IOE0123456789"),
        ("e a c double two one two three four five six seven eight", "EAC2212345678"),
        ("i o e cero uno dos tres cuatro cinco seis siete ocho nueve", "IOE0123456789"),
    ],
)
def test_spoken_receipt_numbers(speech, expected):
    assert compact(speech) == expected
    assert receipt_candidates(digits="", speech=speech) == [expected]


def test_keyed_receipt_numbers_keep_every_prefix_that_fits():
    assert receipt_candidates(digits="3222212345678", speech="") == ["EAC2212345678"]
    # M S C and N S C share their keys: both are tried.
    assert receipt_candidates(digits="6722212345678", speech="") == [
        "MSC2212345678", "NSC2212345678"]  # fmt: skip
    with pytest.raises(Unusable):
        receipt_candidates(digits="1112212345678", speech="")


def test_nothing_heard_is_unusable():
    with pytest.raises(Unusable):
        parse_value("zip", digits="", speech="  ", today=TODAY)
