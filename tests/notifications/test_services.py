import datetime as dt
import logging

import pytest
from django.core import mail
from django.db import transaction

from contactcenter.core.errors import InvalidInput, NotFound
from contactcenter.inquiries.models import Inquiry
from contactcenter.notifications.models import (
    InboundAction,
    InboundSms,
    Notification,
    NotificationState,
    SmsOptOut,
)
from contactcenter.notifications.providers.base import DeliveryError, RecipientOptedOut
from contactcenter.notifications.services import (
    deliver_notification,
    inbound_keyword_register,
    notification_deliver,
    notification_queue,
    notification_retry,
    notifications_requeue_stalled,
    sms_inbound,
)
from tests.notifications.conftest import EMAIL, PHONE

State = NotificationState


def queue_sms(reference_number, *, phone=PHONE, language="en", **kwargs):
    return notification_queue(
        channel="sms",
        recipient=phone,
        template="inquiry_updated",
        language=language,
        context={"reference_number": reference_number},
        **kwargs,
    )


def queue_email(reference_number, *, language="en"):
    return notification_queue(
        channel="email",
        recipient=EMAIL,
        template="inquiry_escalated",
        language=language,
        context={"reference_number": reference_number, "contact_by": dt.date(2025, 3, 13)},
    )


# --- after commit only ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_sends_nothing(dummy_tasks, reference_number):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email(reference_number)
        raise RuntimeError("the escalation failed after the notification was written")

    assert dummy_tasks.results == []
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_one_task_is_enqueued_when_the_transaction_commits(dummy_tasks, reference_number):
    with transaction.atomic():
        notification = queue_email(reference_number)
        assert dummy_tasks.results == []  # nothing leaves before the commit

    assert len(dummy_tasks.results) == 1
    result = dummy_tasks.results[0]
    assert result.task.name == deliver_notification.name
    assert result.args == [notification.pk]
    assert result.task.run_after is None


@pytest.mark.django_db(transaction=True)
def test_after_commit_the_worker_delivers_the_email(immediate_tasks, reference_number):
    with transaction.atomic():
        notification = queue_email(reference_number)
        assert mail.outbox == []

    notification.refresh_from_db()
    assert notification.state == State.SENT
    assert notification.attempts == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    assert reference_number in message.subject
    assert "Thursday, March 13, 2025" in message.body
    assert message.extra_headers["Message-ID"] == notification.provider_message_id


# --- delivery --------------------------------------------------------------------------------


def test_sms_delivery_through_the_in_memory_provider(db, sms_outbox, reference_number):
    notification = queue_sms(reference_number)

    delivered = notification_deliver(notification_id=notification.pk)

    assert delivered.state == State.SENT
    assert delivered.sent_at is not None
    assert [sms.to for sms in sms_outbox] == [PHONE]
    assert delivered.provider_message_id == sms_outbox[0].message_id
    assert reference_number in sms_outbox[0].body
    assert "https://contact.example.gov/account/" in sms_outbox[0].body


def test_spanish_templates_are_used_for_language_es(db, sms_outbox, reference_number):
    email = queue_email(reference_number, language="es")
    sms = queue_sms(reference_number, language="es")

    notification_deliver(notification_id=email.pk)
    notification_deliver(notification_id=sms.pk)

    assert mail.outbox[0].subject == f"Pasamos su consulta {reference_number} a un oficial"
    assert "jueves 13 de marzo de 2025" in mail.outbox[0].body
    assert "Centro de Contacto" in mail.outbox[0].body
    assert sms_outbox[0].body.startswith("Centro de Contacto: hay novedades sobre su consulta")
    assert "PARA" in sms_outbox[0].body


def test_delivering_twice_sends_once(db, sms_outbox, reference_number):
    notification = queue_sms(reference_number)

    first = notification_deliver(notification_id=notification.pk)
    second = notification_deliver(notification_id=notification.pk)

    assert len(sms_outbox) == 1
    assert first.state == second.state == State.SENT
    assert second.attempts == 1
    assert second.provider_message_id == first.provider_message_id


def test_a_row_claimed_by_another_worker_is_left_alone(db, sms_outbox, reference_number):
    notification = queue_sms(reference_number)
    Notification.objects.filter(pk=notification.pk).update(state=State.SENDING, attempts=1)

    result = notification_deliver(notification_id=notification.pk)

    assert result.state == State.SENDING
    assert sms_outbox == []


def test_delivering_an_unknown_notification_is_not_found(db):
    with pytest.raises(NotFound):
        notification_deliver(notification_id=987654)


def test_the_inquiry_supplies_the_reference_number(db, sms_outbox, reference_number):
    inquiry = Inquiry.objects.create(reference_number=reference_number, channel="phone")
    notification = notification_queue(
        channel="sms", recipient=PHONE, template="callback_text_ahead", language="en",
        inquiry=inquiry,
    )  # fmt: skip

    notification_deliver(notification_id=notification.pk)

    assert notification.inquiry == inquiry
    assert notification.context == {"reference_number": reference_number}
    assert "next 30 minutes" in sms_outbox[0].body
    assert reference_number in sms_outbox[0].body


# --- retries ---------------------------------------------------------------------------------


def test_failures_are_retried_after_1_4_and_16_minutes_then_marked_failed(
    db, clock, dummy_tasks, flaky_sms, reference_number, django_capture_on_commit_callbacks
):
    flaky_sms.failures.extend(DeliveryError("time-out") for _ in range(4))
    notification = queue_sms(reference_number)
    dummy_tasks.clear()

    for attempt, wait in enumerate([1, 4, 16], start=1):
        with django_capture_on_commit_callbacks(execute=True):
            result = notification_deliver(notification_id=notification.pk)
        assert result.state == State.PENDING
        assert result.attempts == attempt
        assert result.last_attempt_at == clock.now
        assert result.next_attempt_at == clock.now + dt.timedelta(minutes=wait)
        assert "time-out" in result.last_error
        retry = dummy_tasks.results[-1]
        assert len(dummy_tasks.results) == attempt
        assert retry.args == [notification.pk]
        assert retry.task.run_after == result.next_attempt_at
        clock.advance(minutes=wait)

    with django_capture_on_commit_callbacks(execute=True):
        result = notification_deliver(notification_id=notification.pk)

    assert result.state == State.FAILED
    assert result.attempts == 4
    assert result.next_attempt_at is None
    assert len(dummy_tasks.results) == 3  # no fifth try
    assert flaky_sms.outbox == []


def test_max_attempts_comes_from_settings(
    db, settings, clock, dummy_tasks, flaky_sms, reference_number
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    flaky_sms.failures.extend(DeliveryError("time-out") for _ in range(2))
    notification = queue_sms(reference_number)

    assert notification_deliver(notification_id=notification.pk).state == State.PENDING
    clock.advance(minutes=1)
    assert notification_deliver(notification_id=notification.pk).state == State.FAILED


def test_a_retry_that_arrives_early_does_nothing(db, clock, flaky_sms, reference_number):
    flaky_sms.failures.append(DeliveryError("time-out"))
    notification = queue_sms(reference_number)
    notification_deliver(notification_id=notification.pk)

    clock.advance(seconds=59)
    early = notification_deliver(notification_id=notification.pk)
    assert early.state == State.PENDING and early.attempts == 1
    clock.advance(seconds=1)
    due = notification_deliver(notification_id=notification.pk)

    assert due.state == State.SENT and due.attempts == 2
    assert len(flaky_sms.outbox) == 1


def test_a_permanent_error_is_not_retried(db, dummy_tasks, flaky_sms, reference_number):
    flaky_sms.failures.append(DeliveryError(f"{PHONE} is a landline", permanent=True))
    notification = queue_sms(reference_number)

    result = notification_deliver(notification_id=notification.pk)

    assert result.state == State.FAILED
    assert result.attempts == 1
    assert PHONE not in result.last_error  # the provider quoted the number; we do not keep it
    assert "landline" in result.last_error


def test_an_unexpected_exception_is_retried_not_lost(db, clock, flaky_sms, reference_number):
    flaky_sms.failures.append(KeyError("surprise"))
    notification = queue_sms(reference_number)

    result = notification_deliver(notification_id=notification.pk)

    assert result.state == State.PENDING
    assert "KeyError" in result.last_error


def test_a_backend_that_cannot_delay_retries_at_once(
    db, immediate_tasks, flaky_sms, reference_number, django_capture_on_commit_callbacks
):
    flaky_sms.failures.extend(DeliveryError("time-out") for _ in range(2))

    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_sms(reference_number)

    notification.refresh_from_db()
    assert notification.state == State.SENT
    assert notification.attempts == 3


def test_an_operator_can_send_a_failed_notification_again(
    db, dummy_tasks, flaky_sms, reference_number, django_capture_on_commit_callbacks
):
    flaky_sms.failures.append(DeliveryError("bad", permanent=True))
    notification = queue_sms(reference_number)
    notification_deliver(notification_id=notification.pk)
    dummy_tasks.clear()

    with django_capture_on_commit_callbacks(execute=True):
        retried = notification_retry(notification_id=notification.pk)

    assert retried.state == State.PENDING and retried.attempts == 0
    assert [result.args for result in dummy_tasks.results] == [[notification.pk]]
    assert notification_deliver(notification_id=notification.pk).state == State.SENT
    with pytest.raises(InvalidInput):
        notification_retry(notification_id=notification.pk)  # sent: nothing to retry


def test_stalled_work_is_handed_back_to_the_queue(
    db, clock, dummy_tasks, reference_number, django_capture_on_commit_callbacks
):
    lost_task = queue_sms(reference_number)
    dead_worker = queue_sms(reference_number)
    Notification.objects.filter(pk=dead_worker.pk).update(
        state=State.SENDING, attempts=1, last_attempt_at=clock.now
    )
    clock.advance(minutes=5)
    fresh = queue_sms(reference_number)
    dummy_tasks.clear()
    clock.advance(minutes=6)

    with django_capture_on_commit_callbacks(execute=True):
        count = notifications_requeue_stalled()

    # The lost task goes back at once; the text whose worker died is asked about first: the
    # provider has no record of it yet, and one look may miss a text still in its queue.
    assert count == 1
    assert [result.args[0] for result in dummy_tasks.results] == [lost_task.pk]
    dead_worker.refresh_from_db()
    assert dead_worker.state == State.SENDING and dead_worker.provider_checks == 1
    assert fresh.pk not in [result.args[0] for result in dummy_tasks.results]

    dummy_tasks.clear()
    clock.advance(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        notifications_requeue_stalled()
    # Still no record after NOTIFICATIONS_PROVIDER_CHECKS rounds: it is sent again.
    assert dead_worker.pk in [result.args[0] for result in dummy_tasks.results]
    dead_worker.refresh_from_db()
    assert dead_worker.state == State.PENDING


# --- bad input -------------------------------------------------------------------------------


REF = object()  # stands for a valid reference number in the cases below


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"channel": "fax"}, "Unknown channel"),
        ({"language": "fr"}, "Unknown language"),
        ({"template": "case_approved"}, "Unknown notification template"),
        ({"recipient": "555-555-0142"}, "E.164"),
        ({"recipient": "+0555"}, "E.164"),
        ({"channel": "email", "recipient": PHONE}, "email address"),
        ({"channel": "email", "recipient": "ana@"}, "email address"),
        (
            {"template": "callback_text_ahead", "channel": "email", "recipient": EMAIL},
            "not written",
        ),
        ({"context": {}}, "Missing context"),
        ({"context": {"reference_number": "1234567890"}}, "reference number"),
        ({"context": {"reference_number": REF, "receipt_number": "EAC2212345678"}}, "Unexpected"),
        ({"context": {"reference_number": REF, "status": "Case Was Denied"}}, "Unexpected"),
        ({"context": {"reference_number": REF, "name": "Ana"}}, "Unexpected"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    db, dummy_tasks, reference_number, overrides, message
):
    arguments = {
        "channel": "sms",
        "recipient": PHONE,
        "template": "inquiry_updated",
        "language": "en",
        "context": {"reference_number": reference_number},
        **overrides,
    }
    arguments["context"] = {
        name: reference_number if value is REF else value
        for name, value in arguments["context"].items()
    }

    with pytest.raises(InvalidInput, match=message):
        notification_queue(**arguments)

    assert not Notification.objects.exists()
    assert dummy_tasks.results == []


@pytest.mark.parametrize(
    ("contact_by", "accepted"),
    [
        (dt.date(2025, 3, 13), True),
        ("2025-03-13", True),
        ("13/03/2025", False),
        (dt.datetime(2025, 3, 13, 9, 0, tzinfo=dt.UTC), False),
        (20250313, False),
    ],
)
def test_dates_must_be_dates(db, reference_number, contact_by, accepted):
    def queue():
        return notification_queue(
            channel="email", recipient=EMAIL, template="inquiry_escalated", language="en",
            context={"reference_number": reference_number, "contact_by": contact_by},
        )  # fmt: skip

    if accepted:
        assert queue().context["contact_by"] == "2025-03-13"
    else:
        with pytest.raises(InvalidInput, match="contact_by"):
            queue()


def test_email_domain_is_lowercased_and_spaces_trimmed(db, reference_number):
    notification = notification_queue(
        channel="email", recipient="  Ana.Reyes@Example.ORG ", template="secure_message_waiting",
        language="en",
    )  # fmt: skip
    assert notification.recipient == "Ana.Reyes@example.org"


# --- STOP and START --------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["STOP", "stop", " Stop. ", "STOPALL", "unsubscribe", "CANCEL",
                                  "END", "quit", "PARA", "Para"])  # fmt: skip
def test_stop_words_opt_out_and_reply_in_both_languages(db, word):
    reply = sms_inbound(from_phone=PHONE, body=word)

    assert SmsOptOut.objects.filter(phone=PHONE).exists()
    assert "START" in reply
    assert "no more texts" in reply and "no le enviaremos" in reply
    assert InboundSms.objects.get().action == InboundAction.OPTED_OUT


def test_stop_suppresses_later_texts_and_start_lifts_it(
    db, dummy_tasks, sms_outbox, reference_number, django_capture_on_commit_callbacks
):
    waiting = queue_sms(reference_number)
    sms_inbound(from_phone=PHONE, body="STOP")
    dummy_tasks.clear()

    with django_capture_on_commit_callbacks(execute=True):
        later = queue_sms(reference_number)
        email = queue_email(reference_number)

    assert later.state == State.SUPPRESSED
    assert [result.args for result in dummy_tasks.results] == [[email.pk]]  # email unaffected
    waiting.refresh_from_db()
    assert waiting.state == State.SUPPRESSED  # queued before STOP, never sent
    assert notification_deliver(notification_id=waiting.pk).state == State.SUPPRESSED
    assert sms_outbox == []

    reply = sms_inbound(from_phone=PHONE, body="start")

    assert "again" in reply and "volverá a recibir" in reply
    assert not SmsOptOut.objects.filter(phone=PHONE).exists()
    assert queue_sms(reference_number).state == State.PENDING


def test_stop_after_queueing_but_before_delivery_suppresses(db, sms_outbox, reference_number):
    notification = queue_sms(reference_number)
    SmsOptOut.objects.create(phone=PHONE, opted_out_at=notification.created_at)

    result = notification_deliver(notification_id=notification.pk)

    assert result.state == State.SUPPRESSED
    assert result.attempts == 0  # nothing was tried
    assert sms_outbox == []


def test_stop_to_one_number_does_not_affect_another(db, reference_number):
    sms_inbound(from_phone="+15555550199", body="STOP")

    assert queue_sms(reference_number).state == State.PENDING


def test_a_provider_opt_out_is_recorded(db, flaky_sms, reference_number):
    flaky_sms.failures.append(RecipientOptedOut("twilio 21610"))
    notification = queue_sms(reference_number)

    result = notification_deliver(notification_id=notification.pk)

    assert result.state == State.SUPPRESSED
    assert SmsOptOut.objects.filter(phone=PHONE).exists()


def test_help_answers_with_the_phone_number(db, settings):
    settings.NOTIFICATIONS_CONTACT_PHONE = "800-555-0100"
    reply = sms_inbound(from_phone=PHONE, body="AYUDA")
    assert reply.count("800-555-0100") == 2
    assert not SmsOptOut.objects.exists()


def test_other_keywords_go_to_the_registered_handler(db):
    calls = []

    def on_yes(*, from_phone, body):
        calls.append((from_phone, body))
        return "Thank you / Gracias"

    inbound_keyword_register("YES", on_yes)

    assert sms_inbound(from_phone=PHONE, body="yes") == "Thank you / Gracias"
    assert sms_inbound(from_phone=PHONE, body="Sí") == "Thank you / Gracias"  # Spanish reply
    assert calls == [(PHONE, "yes"), (PHONE, "Sí")]
    assert InboundSms.objects.filter(action=InboundAction.HANDLED, keyword="YES").count() == 2


def test_a_handler_reply_is_not_sent_to_someone_who_opted_out(db):
    calls = []
    inbound_keyword_register("YES", lambda **kwargs: calls.append(kwargs) or "Thanks")
    sms_inbound(from_phone=PHONE, body="STOP")

    assert sms_inbound(from_phone=PHONE, body="YES") is None
    assert len(calls) == 1


def test_unknown_text_gets_no_reply_and_is_stored_masked(db):
    assert sms_inbound(from_phone=PHONE, body="my A-Number is A012345678") is None

    inbound = InboundSms.objects.get()
    assert inbound.action == InboundAction.IGNORED
    assert inbound.keyword == ""
    assert "012345678" not in inbound.body_redacted


@pytest.mark.parametrize("keyword", ["STOP", "para", "START", "HELP", "two words", ""])
def test_reserved_or_malformed_keywords_cannot_be_registered(keyword):
    with pytest.raises(ValueError):
        inbound_keyword_register(keyword, lambda **kwargs: None)


def test_inbound_from_a_malformed_number_is_refused(db):
    with pytest.raises(InvalidInput):
        sms_inbound(from_phone="5555550142", body="STOP")
    assert not SmsOptOut.objects.exists()


# --- no personal data in logs ----------------------------------------------------------------


def test_the_recipient_never_appears_in_log_output(
    db, caplog, settings, flaky_sms, reference_number, django_capture_on_commit_callbacks,
    immediate_tasks,
):  # fmt: skip
    caplog.set_level(logging.DEBUG)
    flaky_sms.failures.append(DeliveryError(f"timeout sending to {PHONE}"))

    with django_capture_on_commit_callbacks(execute=True):
        queue_sms(reference_number)
        queue_email(reference_number)
    settings.SMS_PROVIDER = "console"
    with django_capture_on_commit_callbacks(execute=True):
        queue_sms(reference_number, language="es")
    sms_inbound(from_phone=PHONE, body="STOP")
    queue_sms(reference_number)
    sms_inbound(from_phone=PHONE, body="START")

    assert "notification.sent" in caplog.text
    assert "sms.console" in caplog.text and "+1******0142" in caplog.text
    for record in caplog.records:
        everything = f"{record.getMessage()} {record.__dict__}"
        assert PHONE not in everything
        assert "5555550142" not in everything
        assert EMAIL not in everything
