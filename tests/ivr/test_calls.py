"""Whole calls through the TwiML webhooks, as Twilio would place them; every answer is parsed
as XML by the simulator and the records are checked afterwards."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from contactcenter.inquiries.models import DispositionCode, InquiryState
from contactcenter.ivr.models import Call, CallTurn, Outcome
from contactcenter.notifications.models import Notification
from contactcenter.routing.models import Presence, Queue, WorkItem, WorkKind, WorkState
from tests.routing.wait_history import finished
from tests.twilio_webhooks import twilio_payload, twilio_post

from .conftest import AUTH_TOKEN

pytestmark = pytest.mark.django_db

LIN_KEYS = "546"  # L I N on the keypad


def keyed(receipt: str) -> str:
    return LIN_KEYS + receipt[3:] + "#"


def record(call) -> Call:
    return Call.objects.select_related("inquiry").get(call_sid=call.call_sid)


def spoken(call) -> str:
    return " ".join(call.prompts())


def test_case_status_by_keypad_is_self_served(phone, known_case):
    call = phone("main")
    call.run(["1", "1", keyed(known_case.receipt_number), "9"])
    assert "Case Was Received" in spoken(call) or "received" in spoken(call).lower()
    assert "I-485" in spoken(call)
    assert call.hung_up
    row = record(call)
    assert row.outcome == Outcome.SELF_SERVED
    assert row.inquiry.channel == "phone"
    assert row.inquiry.topic == "main/case-status"
    assert row.inquiry.state == InquiryState.CLOSED
    assert row.inquiry.disposition == DispositionCode.RESOLVED_FIRST_CONTACT
    assert not WorkItem.objects.filter(inquiry=row.inquiry).exists()


def test_spoken_receipt_number_is_normalised(phone, known_case):
    receipt = known_case.receipt_number  # LIN2400000001
    words = "l i n two four " + " ".join(receipt[5:])
    call = phone("main")
    call.run(["1", "case status", words, "9"])
    assert "I-485" in spoken(call)
    assert record(call).outcome == Outcome.SELF_SERVED


def test_spoken_receipt_with_groups_of_digits(phone, known_case):
    receipt = known_case.receipt_number
    call = phone("main")
    call.run(["english", "1", f"L I N {receipt[3:5]} {receipt[5:9]} {receipt[9:]}", "9"])
    assert "I-485" in spoken(call)


def test_transcript_is_masked(phone, known_case):
    call = phone("main")
    call.run(["1", "1", keyed(known_case.receipt_number), "9"])
    row = record(call)
    bodies = " ".join(row.inquiry.events.values_list("body", flat=True))
    assert "Caller: [RECEIPT]" in bodies
    assert known_case.receipt_number not in bodies
    assert known_case.receipt_number[3:] not in bodies
    assert "IVR: " in bodies
    # Nor is the number kept on the call once it is over.
    assert known_case.receipt_number not in str(row.state)
    assert all(known_case.receipt_number[3:] not in t.heard for t in row.turns.all())


def test_spanish_path_end_to_end(phone, known_case):
    call = phone("main")
    call.run(["2", "estado del caso", keyed(known_case.receipt_number), "9"])
    said = spoken(call)
    assert "Menú principal" in said
    assert "Su caso, formulario I-485" in said
    assert "de 20" in said  # the date read the Spanish way: "10 de enero de 2024"
    assert "Gracias por llamar" in said
    # Every prompt after the choice is spoken in Spanish.
    languages = [lang for exchange in call.exchanges[1:] for lang, _text in exchange.said]
    assert set(languages) == {"es"}
    row = record(call)
    assert row.inquiry.language == "es"
    assert row.outcome == Outcome.SELF_SERVED


def test_gather_attributes_follow_twilio(phone):
    client = Client()
    data = twilio_payload("voice_incoming", CallSid="CA" + "a" * 32)
    answer = twilio_post("/ivr/voice/main", data, token=AUTH_TOKEN, client=client)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/xml")
    root = ET.fromstring(answer.content)
    gather = root.find("Gather")
    assert gather is not None
    assert gather.get("input") == "dtmf speech"
    assert gather.get("language") == "en-US"
    assert gather.get("action") == "/ivr/voice/main/step?n=1"
    assert [say.get("language") for say in gather.iter("Say")] == ["en-US", "es-US"]
    assert root.find("Redirect").text == "/ivr/voice/main/step?n=1"
    # Step 1 in Spanish: the Gather listens in Spanish.
    data1 = twilio_payload("voice_gather_digits", CallSid=data["CallSid"], Digits="2")
    answer = twilio_post("/ivr/voice/main/step?n=1", data1, token=AUTH_TOKEN, client=client)
    gather = ET.fromstring(answer.content).find("Gather")
    assert gather.get("language") == "es-US"
    assert "estado del caso" in gather.get("hints")


def test_unknown_receipt_then_try_again(phone, known_case):
    call = phone("main")
    call.run(["1", "1", "EAC 99 999 99999", "1", keyed(known_case.receipt_number), "9"])
    said = spoken(call)
    assert "could not find a case" in said
    assert "I-485" in said
    assert record(call).outcome == Outcome.SELF_SERVED


def test_bad_receipt_three_times_reaches_a_person(phone):
    call = phone("main")
    call.run(["1", "1", "hello", "12345", "banana"])
    said = spoken(call)
    assert said.count("does not look like a receipt number") == 2
    assert "Let me find someone" in said
    assert call.holding
    row = record(call)
    assert row.state["outcome"] == "queued"
    item = WorkItem.objects.get(inquiry=row.inquiry)
    assert item.kind == WorkKind.CALL and item.queue.code == "t1-general-en"
    # The agent who takes the call can read how it got here, masked.
    transcript = row.inquiry.events.get(kind="message").body
    assert "Caller: [RECEIPT]" in transcript
    assert "banana" not in transcript
    assert "Let me find someone" in transcript


def test_silence_reprompts_then_moves_on(phone):
    call = phone("main")
    call.run(["1", "", ""])
    said = spoken(call)
    assert said.count("Sorry, I did not get that.") == 2
    assert said.count("Main menu.") == 3
    call.send("")  # a third silence: the menu's way out (a person)
    assert call.holding


def test_representative_twice_reaches_the_queue(phone):
    call = phone("main")
    call.run(["1", "representative"])
    assert "If you still want to speak with a representative" in spoken(call)
    assert not WorkItem.objects.exists()
    call.send("agent")
    assert call.holding
    assert "You are number 1 in line" in spoken(call)
    item = WorkItem.objects.get()
    assert item.queue.code == "t1-general-en"


def test_pressing_zero_twice_in_spanish(phone):
    call = phone("main")
    call.run(["2", "0", "0"])
    assert "Si aún desea hablar con un representante" in spoken(call)
    assert "Usted es el número 1 en la fila" in spoken(call)
    assert WorkItem.objects.get().queue.code == "t1-general-es"


def test_supervisor_at_any_time(phone):
    call = phone("main")
    call.run(["1", "1", "I want a supervisor"])
    assert call.holding
    assert WorkItem.objects.get().queue.code == "supervisor"


def test_self_service_first_after_a_status(phone, known_case):
    """After the status was given, live help is not offered; asking once is not enough."""
    call = phone("main")
    call.run(["1", "1", keyed(known_case.receipt_number)])
    after_status = call.exchanges[-1].said[-1][1]
    assert "representative" not in after_status.lower()
    call.send("representative")
    assert not WorkItem.objects.exists()
    call.send("representative")
    assert WorkItem.objects.count() == 1


def test_after_hours_says_the_hours_and_ends(phone, night):
    call = phone("main")
    call.run(["1", "4", "9"])
    said = spoken(call)
    assert "Representatives are available Monday through Friday, 8 a.m. to 8 p.m." in said
    assert "uscis.gov" in said
    row = record(call)
    assert row.outcome == Outcome.AFTER_HOURS
    assert row.inquiry.disposition == DispositionCode.REFERRED
    assert not WorkItem.objects.exists()


def test_federal_holiday_is_after_hours(phone, holiday):
    call = phone("main")
    call.run(["2", "4"])
    assert "Los representantes atienden de lunes a viernes" in spoken(call)
    assert not WorkItem.objects.exists()


def test_after_hours_callback_keeps_arrival_time(phone, night):
    call = phone("main")
    call.run(["1", "4", "1"])
    row = record(call)
    assert row.outcome == Outcome.CALLBACK
    item = WorkItem.objects.get(inquiry=row.inquiry)
    assert item.kind == WorkKind.CALLBACK
    assert item.enqueued_at == row.started_at
    assert row.inquiry.contact_phone == "+15555550142"
    assert row.inquiry.state == InquiryState.CALLBACK_SCHEDULED


def test_callback_from_hold_keeps_the_place_in_line(phone):
    first = phone("main", from_number="+15555550101")
    first.run(["1", "4"])
    second = phone("main", from_number="+15555550102")
    second.run(["1", "4"])
    assert "You are number 2 in line" in spoken(second)
    original = WorkItem.objects.get(inquiry=record(first).inquiry)
    first.send("1")  # callback instead of holding
    assert first.hung_up
    callback = WorkItem.objects.get(inquiry=record(first).inquiry, kind=WorkKind.CALLBACK)
    assert callback.enqueued_at == original.enqueued_at
    original.refresh_from_db()
    assert original.state == WorkState.CANCELLED
    assert record(first).outcome == Outcome.CALLBACK


def test_hold_position_is_refreshed(phone):
    first = phone("main", from_number="+15555550101")
    first.run(["1", "4"])
    second = phone("main", from_number="+15555550102")
    second.run(["1", "4"])
    assert "number 2 in line" in second.exchanges[-1].said[-1][1]
    first.status("completed")  # the first caller gives up
    second.send("")  # the hold loop comes back
    assert "number 1 in line" in second.exchanges[-1].said[-1][1]


def test_hanging_up_in_line_is_abandoned(phone):
    call = phone("main")
    call.run(["1", "4"])
    call.status("completed")
    row = record(call)
    assert row.outcome == Outcome.ABANDONED
    assert WorkItem.objects.get(inquiry=row.inquiry).state == WorkState.CANCELLED
    assert row.inquiry.disposition == DispositionCode.NO_ANSWER


def test_hanging_up_in_a_menu_is_abandoned(phone):
    call = phone("main")
    call.run(["1"])
    call.status("completed")
    call.status("completed")  # Twilio may send it twice: nothing changes the second time
    row = record(call)
    assert row.outcome == Outcome.ABANDONED
    assert row.inquiry.state == InquiryState.CLOSED
    assert "Caller: 1" in row.inquiry.events.filter(kind="message").get().body


def test_text_link_is_sent_once(phone, known_case):
    call = phone("main")
    call.run(["1", "1", keyed(known_case.receipt_number), "1"])
    assert "We have sent a text message" in spoken(call)
    notification = Notification.objects.get()
    assert notification.channel == "sms"
    assert notification.recipient == "+15555550142"
    assert notification.template == "case_status_link"
    assert notification.inquiry_id == record(call).inquiry_id
    # Twilio retries the same request: same answer, no second text.
    path = f"/ivr/voice/main/step?n={len(call.exchanges) - 1}"
    before = call.exchanges[-1]
    retried = call.request(path, {"Digits": "1"})
    assert retried.said == before.said
    assert Notification.objects.count() == 1


def test_other_languages_hear_about_interpreters(phone):
    call = phone("main")
    call.run(["3"])
    assert "interpreter" in spoken(call)
    assert "Main menu." in spoken(call)


def test_tty_line_is_a_tty_inquiry(phone, known_case):
    call = phone("tty")
    call.run(["1", "1", keyed(known_case.receipt_number), "9"])
    said = spoken(call)
    assert "TTY line" in said and "GA" in said
    assert "press" not in said.lower()
    row = record(call)
    assert row.inquiry.channel == "tty"
    assert row.outcome == Outcome.SELF_SERVED


def test_adoption_line_reaches_the_adoption_queue(phone):
    call = phone("intercountry-adoption")
    call.run(["3", "A 012 345 678"])
    assert call.holding
    row = record(call)
    assert WorkItem.objects.get(inquiry=row.inquiry).queue.code == "t1-intercountry-adoption"
    assert row.inquiry.topic == "intercountry-adoption/intercountry-adoption"
    assert "012345678" not in " ".join(row.turns.values_list("heard", flat=True))


def test_premium_line_collects_a_date_and_queues(phone):
    call = phone("premium-processing", survey="2")  # 2: no survey after the call
    call.run(["3", "February 30 2025", "03042025"])
    assert "I did not get a date" in spoken(call)
    row = record(call)
    assert WorkItem.objects.get(inquiry=row.inquiry).queue.code == "t1-premium-processing"


def test_international_line_self_service(phone):
    call = phone("international")
    call.run(["2", "2", "9"])
    assert "uscis.gov barra international" in spoken(call)
    row = record(call)
    assert row.outcome == Outcome.SELF_SERVED
    assert row.inquiry.topic == "international/international-offices"


def test_retried_first_request_opens_one_call(phone):
    call = phone("main")
    first = call.start()
    again = call.start()
    assert first.said == again.said
    assert Call.objects.count() == 1
    assert CallTurn.objects.count() == 1


def test_retried_transfer_queues_once(phone):
    call = phone("main")
    call.run(["1", "4"])
    twiml_before = CallTurn.objects.get(call=record(call), step=2).twiml
    call.request("/ivr/voice/main/step?n=2", {"Digits": "4"})
    assert CallTurn.objects.get(call=record(call), step=2).twiml == twiml_before
    assert WorkItem.objects.count() == 1


def test_withheld_number_gets_no_false_promises(phone, known_case, night):
    call = phone("main", from_number="anonymous")
    call.run(["1", "1", keyed(known_case.receipt_number), "1"])
    assert "We cannot send a text message" in spoken(call)
    assert not Notification.objects.exists()
    call.send("1")  # main menu
    call.send("4")  # a person: closed at night
    call.send("1")  # a callback: impossible without a number
    assert "we cannot call you back" in spoken(call)
    assert call.hung_up
    row = record(call)
    assert row.outcome == Outcome.AFTER_HOURS
    assert not WorkItem.objects.exists()


def test_hold_announces_a_wait_in_words(phone, make_agent):
    # One Spanish agent, who took 3 minutes a call: the next in line waits 3 minutes.
    finished(Queue.objects.get(code="t1-general-es"), [3])
    make_agent(languages=["es"], presence=Presence.BUSY)
    call = phone("main")
    call.run(["2", "4"])
    assert "Usted es el número 1 en la fila. La espera estimada es de unos 3 minutos." in (
        spoken(call)
    )


def test_no_queue_for_the_work_is_no_dead_end(phone):
    """With no queue loaded for the work, the caller hears the hours and the other options."""
    from contactcenter.routing.models import Queue

    Queue.objects.filter(tier="supervisor").update(active=False)
    call = phone("main")
    call.run(["1", "supervisor"])
    assert "Representatives are available" in spoken(call)
    assert not call.holding
    assert not WorkItem.objects.exists()
    call.send("9")
    assert record(call).outcome == Outcome.AFTER_HOURS
