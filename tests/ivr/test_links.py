"""The link to check a case status online, after a status is read out: by text to the number
calling, or by email to the address on file for the case just found, never read aloud."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import resolve

from contactcenter.audit.models import DisclosureLog
from contactcenter.cases.models import Confidentiality
from contactcenter.ivr import effects
from contactcenter.ivr.engine import FOUND_CASE, Event, step
from contactcenter.ivr.flow_versions import active_flow
from contactcenter.ivr.models import Call
from contactcenter.notifications.catalogue import message_render
from contactcenter.notifications.models import Notification
from contactcenter.notifications.services import notification_deliver

pytestmark = pytest.mark.django_db

LIN_KEYS = "546"  # L I N on the keypad
ADDRESS = "Ana.Reyes@Example.ORG"
RECEIPT_NUMBER = re.compile(r"\b[A-Z]{3}\d{10}\b")
SENT_EN = "We have sent an email with the link to the address on file for this case."
NOT_SENT_EN = "We cannot send an email for this case."


def keyed(receipt: str) -> str:
    return LIN_KEYS + receipt[3:] + "#"


def spoken(call) -> str:
    return " ".join(call.prompts())


def record(call) -> Call:
    return Call.objects.select_related("inquiry").get(call_sid=call.call_sid)


def on_file(case, email: str = ADDRESS):
    case.applicant.email = email
    case.applicant.save(update_fields=["email"])
    return case


def everything_said_and_stored(call) -> str:
    """What the caller heard, the stored turns and answers, and the inquiry's transcript."""
    row = record(call)
    turns = " ".join(f"{t.heard} {t.said} {t.twiml}" for t in row.turns.all())
    events = " ".join(row.inquiry.events.values_list("body", flat=True))
    return f"{spoken(call)} {turns} {events}"


def test_email_goes_to_the_address_on_file_and_is_never_said(phone, known_case, settings):
    settings.PUBLIC_BASE_URL = "https://contact.example.gov"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    on_file(known_case)
    call = phone("main")
    call.run(["1", "1", keyed(known_case.receipt_number), "4"])

    assert SENT_EN in spoken(call)
    assert "For the main menu, press 1" in spoken(call)  # then on to the next question
    notification = Notification.objects.get()
    assert notification.channel == "email"
    assert notification.recipient == "Ana.Reyes@example.org"  # the domain is kept lower-case
    assert notification.template == "case_status_link"
    assert notification.language == "en"
    assert notification.context == {}  # nothing about the case travels with it
    assert notification.inquiry_id == record(call).inquiry_id

    mail.outbox = []
    notification_deliver(notification_id=notification.pk)
    (email,) = mail.outbox
    assert email.to == ["Ana.Reyes@example.org"]
    text = f"{email.subject}\n{email.body}"
    assert not RECEIPT_NUMBER.search(text)
    assert known_case.receipt_number[3:] not in text
    assert "Received" not in text and "I-485" not in text
    assert "https://contact.example.gov/case-status/" in text
    assert "https://contact.example.gov/account/" in text
    assert resolve("/case-status/").url_name == "case-status"

    call.send("9")
    assert call.hung_up
    stored = everything_said_and_stored(call).lower()
    for part in ("ana.reyes", "example.org", "@"):
        assert part not in stored
    # The case found is kept only while the call lasts, like the receipt number itself.
    state = record(call).state
    assert state["vars"][FOUND_CASE] == "[removed]"
    assert known_case.receipt_number not in str(state)


def test_transcript_masks_the_case_and_keeps_the_email_prompts(phone, known_case):
    on_file(known_case)
    call = phone("main")
    call.run(["1", "1", keyed(known_case.receipt_number), "email", "9"])

    assert Notification.objects.get().channel == "email"
    bodies = " ".join(record(call).inquiry.events.values_list("body", flat=True))
    assert "Caller: [RECEIPT]" in bodies
    assert "Caller: email" in bodies  # the spoken choice, not masked
    assert f"IVR: {SENT_EN}" in bodies  # the prompt as said: no part taken for an address
    assert "address on file for this case, press 4" in bodies
    assert known_case.receipt_number not in bodies
    assert known_case.receipt_number[3:] not in bodies


def test_no_email_on_file_says_so_and_sends_nothing(phone, known_case):
    on_file(known_case, "")
    call = phone("main")
    call.run(["1", "1", keyed(known_case.receipt_number), "4"])

    said = spoken(call)
    assert NOT_SENT_EN in said
    assert "You can find the link to check your case status at uscis.gov." in said
    assert SENT_EN not in said
    assert not Notification.objects.exists()
    call.send("9")
    assert call.hung_up


def test_a_protected_case_gets_the_same_answer_and_no_email(phone, make_case):
    case = on_file(make_case(confidentiality=Confidentiality.VAWA))
    call = phone("main")
    call.run(["1", "1", keyed(case.receipt_number), "4"])

    assert NOT_SENT_EN in spoken(call)
    assert not Notification.objects.exists()
    # No address was read; the refused attempt is on record, with no fields.
    refused = DisclosureLog.objects.get()
    assert (refused.case_id, refused.system_actor, refused.outcome, refused.fields) == (
        case.pk, "ivr", "refused", ""
    )  # fmt: skip


def test_the_address_read_for_the_email_is_in_the_disclosure_log(phone, known_case):
    on_file(known_case)
    call = phone("main")
    call.run(["1", "1", keyed(known_case.receipt_number), "4"])

    entry = DisclosureLog.objects.get()
    assert entry.case_id == known_case.pk
    assert entry.viewer is None and entry.system_actor == "ivr"
    assert (entry.channel, entry.fields) == ("phone", "email")
    assert "status link" in entry.purpose
    assert Notification.objects.get().channel == "email"


def test_no_address_on_file_writes_no_disclosure(phone, known_case):
    on_file(known_case, "")
    call = phone("main")
    call.run(["1", "1", keyed(known_case.receipt_number), "4"])
    assert not DisclosureLog.objects.exists()


def test_an_ordinary_case_of_a_protected_person_gets_no_email(phone, make_case):
    """Protection follows the person: a VAWA petitioner's other case is not emailed about."""
    protected = make_case(confidentiality=Confidentiality.VAWA)
    ordinary = on_file(make_case())
    ordinary.applicant = protected.applicant
    ordinary.save(update_fields=["applicant"])
    on_file(ordinary)
    call = phone("main")
    call.run(["1", "1", keyed(ordinary.receipt_number), "4"])

    assert NOT_SENT_EN in spoken(call)
    assert not Notification.objects.exists()


def test_the_email_goes_for_the_last_case_found(phone, make_case):
    first = on_file(make_case())
    second = on_file(make_case(), "")
    call = phone("main")
    # First case found, then an unknown number (not found), then the second case found.
    call.run(["1", "1", keyed(first.receipt_number), "2", keyed("LIN2499999999"), "1",
              keyed(second.receipt_number), "4"])  # fmt: skip

    assert "I could not find a case" in spoken(call)
    assert NOT_SENT_EN in spoken(call)  # the second case has no address on file
    assert not Notification.objects.exists()


def test_a_failed_look_up_keeps_the_case_found_before(ivr):
    _version, flow = active_flow("main")
    start = step(flow, None, Event(start=True)).state
    state = {**start, "node": "case_status", "vars": {FOUND_CASE: "LIN2400000001"}}
    found = step(flow, {**state, "awaiting": "lookup_case"},
                 Event(result={"found": True, "receipt": "LIN2400000002", "form": "I-485",
                               "status_text": "Case Was Received",
                               "status_date": "2024-01-10"}))  # fmt: skip
    assert found.state["vars"][FOUND_CASE] == "LIN2400000002"
    missed = step(flow, {**found.state, "node": "case_status", "awaiting": "lookup_case"},
                  Event(result={"found": False}))  # fmt: skip
    assert missed.state["vars"][FOUND_CASE] == "LIN2400000002"


def test_spanish_caller_gets_the_spanish_email(phone, known_case, settings):
    settings.PUBLIC_BASE_URL = "https://contact.example.gov"
    on_file(known_case)
    call = phone("main")
    call.run(["2", "estado del caso", keyed(known_case.receipt_number), "correo electrónico"])

    said = spoken(call)
    assert "para este caso, oprima 4" in said
    assert "Enviamos un correo electrónico con el enlace a la dirección registrada" in said
    languages = {lang for exchange in call.exchanges[1:] for lang, _text in exchange.said}
    assert languages == {"es"}
    notification = Notification.objects.get()
    assert (notification.channel, notification.language) == ("email", "es")
    message = message_render(key=notification.template, language="es", channel="email",
                             context=notification.context)  # fmt: skip
    assert message.subject == "Vea el estado de su caso en línea"
    assert "https://contact.example.gov/case-status/" in message.body
    assert not RECEIPT_NUMBER.search(message.body)


def test_spanish_caller_without_an_email_on_file(phone, known_case):
    call = phone("main")
    call.run(["2", "1", keyed(known_case.receipt_number), "4"])
    assert "No podemos enviar un correo electrónico para este caso." in spoken(call)
    assert not Notification.objects.exists()


def test_tty_line_offers_the_email_for_relay(phone, known_case):
    on_file(known_case)
    call = phone("tty")
    call.run(["1", "1", keyed(known_case.receipt_number), "4"])
    said = spoken(call)
    assert "at the address on file for this case, type 4" in said
    assert "press" not in said.lower() and "say " not in said.lower()
    assert SENT_EN in said
    notification = Notification.objects.get()
    assert (notification.channel, notification.template) == ("email", "case_status_link")
    assert record(call).inquiry.channel == "tty"


def test_a_second_call_the_same_day_sends_no_second_email(phone, known_case):
    on_file(known_case)
    for _ in range(2):
        call = phone("main")
        call.run(["1", "1", keyed(known_case.receipt_number), "4"])
        assert SENT_EN in spoken(call)
    assert Notification.objects.filter(channel="email").count() == 1


def test_the_text_is_the_case_status_link_too(phone, known_case):
    call = phone("main")
    call.run(["1", "1", keyed(known_case.receipt_number), "1"])
    assert "We have sent a text message" in spoken(call)
    notification = Notification.objects.get()
    assert (notification.channel, notification.recipient) == ("sms", "+15555550142")
    assert notification.template == "case_status_link"
    assert notification.context == {}
    body = message_render(key="case_status_link", language="en", channel="sms",
                          context=notification.context).body  # fmt: skip
    assert not RECEIPT_NUMBER.search(body)
    assert "/case-status/" in body


def test_the_engine_carries_no_case_when_none_was_found(ivr):
    _version, flow = active_flow("main")
    state = {**step(flow, None, Event(start=True)).state, "node": "after_status"}
    turn = step(flow, state, Event(digits="4"))
    (effect,) = turn.effects
    assert effect.kind == "send_link"
    assert effect.data["via"] == "email" and effect.data["case"] == ""
    assert effects._case_email("") == ""
    assert effects._case_email("LIN2499999999") == ""
