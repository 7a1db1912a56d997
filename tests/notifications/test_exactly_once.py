"""Texts sent exactly once, as far as the provider lets us know, with the real twilio library
talking to a local server that answers like Twilio (tests/notifications/twilio_stub.py).

A worker killed mid-send leaves its text "sending". Before such a text is sent again the
provider is asked whether it took it: if it did, the row is settled as sent and nothing goes
twice; if it has no record after NOTIFICATIONS_PROVIDER_CHECKS rounds, the text goes once
more. Twilio's status callback settles a row as soon as Twilio has the text.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core import mail
from django.utils import timezone

from contactcenter.notifications.models import Notification, NotificationState
from contactcenter.notifications.providers.twilio_sms import TwilioSmsProvider
from contactcenter.notifications.services import (
    notification_deliver,
    notification_message_id,
    notifications_requeue_stalled,
)
from tests.notifications.conftest import PHONE
from tests.notifications.test_services import queue_email, queue_sms
from tests.notifications.twilio_stub import FROM, SID, TOKEN, twilio_stub_start
from tests.twilio_webhooks import twilio_payload, twilio_post

State = NotificationState
WEBHOOK_TOKEN = TOKEN


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing after it in the worker runs, not even an ``except``."""


@pytest.fixture
def twilio_stub(settings):
    stub = twilio_stub_start()
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_ACCOUNT_SID = SID
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_FROM_NUMBER = FROM
    settings.TWILIO_API_BASE_URL = stub.url
    settings.TWILIO_TIMEOUT_SECONDS = 1
    settings.TWILIO_WEBHOOK_BASE_URL = "https://contact.example.gov"
    settings.NOTIFICATIONS_STALLED_AFTER_SECONDS = 600
    settings.NOTIFICATIONS_PROVIDER_CHECKS = 2
    yield stub
    stub.stop()


def kill_worker(monkeypatch, *, after_provider_took_it: bool) -> None:
    """The next send's worker dies: just after Twilio answered, or just before it asked."""
    real_send = TwilioSmsProvider.send

    def send(self, to, body, *, status_callback=""):
        if after_provider_took_it:
            real_send(self, to, body, status_callback=status_callback)
        raise WorkerKilled

    monkeypatch.setattr(TwilioSmsProvider, "send", send)


def deliver_in_a_worker_that_dies(notification, monkeypatch, *, after_provider_took_it):
    with monkeypatch.context() as patch:
        kill_worker(patch, after_provider_took_it=after_provider_took_it)
        with pytest.raises(WorkerKilled):
            notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.state == State.SENDING


def stalled(notification, minutes=11):
    """The row as the stalled-work job finds it ``minutes`` after the worker took it."""
    Notification.objects.filter(pk=notification.pk).update(
        last_attempt_at=timezone.now() - dt.timedelta(minutes=minutes)
    )


def requeue_and_run(dummy_tasks, django_capture_on_commit_callbacks) -> list[int]:
    """One run of the stalled-work job, then every task it queued, run by a live worker."""
    dummy_tasks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notifications_requeue_stalled()
    ids = [result.args[0] for result in dummy_tasks.results]
    for notification_id in ids:
        notification_deliver(notification_id=notification_id)
    return ids


@pytest.mark.django_db
def test_a_text_twilio_took_before_its_worker_died_is_not_sent_again(
    twilio_stub, dummy_tasks, monkeypatch, reference_number, django_capture_on_commit_callbacks
):
    notification = queue_sms(reference_number)
    deliver_in_a_worker_that_dies(notification, monkeypatch, after_provider_took_it=True)
    (accepted,) = twilio_stub.created()
    stalled(notification)

    requeued = requeue_and_run(dummy_tasks, django_capture_on_commit_callbacks)

    assert requeued == []
    assert len(twilio_stub.created()) == 1, "sent twice"
    notification.refresh_from_db()
    assert notification.state == State.SENT
    assert notification.provider_message_id == accepted.sid
    # Asked by recipient, our number and send time, through the library's own list call.
    (lookup,) = twilio_stub.lookups()
    assert lookup["To"] == [PHONE] and lookup["From"] == [FROM] and "DateSent>" in lookup


@pytest.mark.django_db
def test_a_text_twilio_has_no_record_of_is_sent_once_more(
    twilio_stub, dummy_tasks, monkeypatch, reference_number, django_capture_on_commit_callbacks
):
    notification = queue_sms(reference_number)
    deliver_in_a_worker_that_dies(notification, monkeypatch, after_provider_took_it=False)
    assert twilio_stub.created() == []
    stalled(notification)

    # First round: no record yet, and a text still queued at Twilio would not show; wait.
    assert requeue_and_run(dummy_tasks, django_capture_on_commit_callbacks) == []
    notification.refresh_from_db()
    assert notification.state == State.SENDING and notification.provider_checks == 1

    # Second round: still none. It goes again, once.
    assert requeue_and_run(dummy_tasks, django_capture_on_commit_callbacks) == [notification.pk]
    notification.refresh_from_db()
    assert notification.state == State.SENT
    (sent,) = twilio_stub.created()
    assert notification.provider_message_id == sent.sid
    assert sent.to == PHONE

    # Later runs of the job leave a sent text alone.
    stalled(notification, minutes=60)
    assert requeue_and_run(dummy_tasks, django_capture_on_commit_callbacks) == []
    assert len(twilio_stub.created()) == 1


@pytest.mark.django_db
def test_a_queued_text_found_on_a_later_round_is_not_sent_again(
    twilio_stub, dummy_tasks, monkeypatch, reference_number, django_capture_on_commit_callbacks
):
    twilio_stub.new_status = "queued"  # Twilio holds it; no send date, so not listed yet
    notification = queue_sms(reference_number)
    deliver_in_a_worker_that_dies(notification, monkeypatch, after_provider_took_it=True)
    stalled(notification)
    assert requeue_and_run(dummy_tasks, django_capture_on_commit_callbacks) == []

    (message,) = twilio_stub.created()
    message.status, message.date_sent = "sent", message.date_created  # Twilio sent it
    assert requeue_and_run(dummy_tasks, django_capture_on_commit_callbacks) == []
    notification.refresh_from_db()
    assert notification.state == State.SENT and notification.provider_message_id == message.sid
    assert len(twilio_stub.created()) == 1


@pytest.mark.django_db
def test_a_send_that_timed_out_after_twilio_took_it_is_not_retried(
    twilio_stub, dummy_tasks, reference_number
):
    twilio_stub.answer_delay = 2  # past the client's 1-second time-out, message kept
    notification = queue_sms(reference_number)

    notification = notification_deliver(notification_id=notification.pk)
    assert notification.state == State.PENDING, "a time-out is retried"

    twilio_stub.answer_delay = 0
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=None)
    notification = notification_deliver(notification_id=notification.pk)

    assert notification.state == State.SENT
    (taken,) = twilio_stub.created()
    assert notification.provider_message_id == taken.sid


@pytest.mark.django_db
def test_each_text_asks_twilio_for_a_status_callback(twilio_stub, reference_number):
    notification = queue_sms(reference_number)
    notification_deliver(notification_id=notification.pk)
    (sent,) = twilio_stub.created()
    assert sent.status_callback == (
        f"https://contact.example.gov/webhooks/twilio/sms/status/{notification.pk}"
    )


@pytest.mark.django_db
def test_the_stall_time_is_a_setting(
    twilio_stub, settings, dummy_tasks, monkeypatch, reference_number,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.NOTIFICATIONS_STALLED_AFTER_SECONDS = 120
    notification = queue_sms(reference_number)
    deliver_in_a_worker_that_dies(notification, monkeypatch, after_provider_took_it=True)
    stalled(notification, minutes=1)
    requeue_and_run(dummy_tasks, django_capture_on_commit_callbacks)
    assert twilio_stub.lookups() == [], "one minute is not yet stalled"

    stalled(notification, minutes=3)
    requeue_and_run(dummy_tasks, django_capture_on_commit_callbacks)
    notification.refresh_from_db()
    assert notification.state == State.SENT and len(twilio_stub.created()) == 1


@pytest.mark.django_db
def test_the_recipients_number_never_reaches_the_log_from_the_twilio_library(
    twilio_stub, caplog, reference_number
):
    caplog.set_level(logging.DEBUG)
    notification = queue_sms(reference_number)
    notification_deliver(notification_id=notification.pk)
    assert len(twilio_stub.created()) == 1
    # The look-up by recipient: the library logs a request's query (the number) at INFO.
    provider = TwilioSmsProvider()
    since = timezone.now() - dt.timedelta(minutes=1)
    assert provider.accepted_message_id(to=PHONE, body="not this one", since=since) is None
    assert twilio_stub.lookups()
    for record in caplog.records:
        everything = f"{record.getMessage()} {record.__dict__}"
        assert "5555550142" not in everything, record.name


# --- email -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_email_sent_again_after_a_stall_keeps_its_message_id(
    dummy_tasks, reference_number, django_capture_on_commit_callbacks
):
    notification = queue_email(reference_number)
    notification_deliver(notification_id=notification.pk)
    # The worker died after the mail server took it: the row still says sending.
    Notification.objects.filter(pk=notification.pk).update(state=State.SENDING, sent_at=None)
    stalled(notification)

    assert requeue_and_run(dummy_tasks, django_capture_on_commit_callbacks) == [notification.pk]

    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"] == notification_message_id(notification)
    assert first.extra_headers["Message-ID"].startswith(f"<notification.{notification.pk}.")


# --- the status callback -------------------------------------------------------------------


@pytest.fixture
def status_post(client, settings):
    settings.TWILIO_AUTH_TOKEN = WEBHOOK_TOKEN
    settings.TWILIO_WEBHOOK_BASE_URL = ""

    def post(notification_id, signature=None, **fields):
        payload = twilio_payload("sms_status_sent", **fields)
        path = f"/webhooks/twilio/sms/status/{notification_id}"
        return twilio_post(path, payload, token=WEBHOOK_TOKEN, signature=signature, client=client)

    return post


SENT_SID = twilio_payload("sms_status_sent")["MessageSid"]


@pytest.mark.django_db
def test_the_status_callback_settles_a_text_whose_worker_died(
    status_post, sms_outbox, dummy_tasks, reference_number, django_capture_on_commit_callbacks
):
    notification = queue_sms(reference_number)
    Notification.objects.filter(pk=notification.pk).update(
        state=State.SENDING, attempts=1, last_attempt_at=timezone.now()
    )

    response = status_post(notification.pk)
    assert response.status_code == 200
    notification.refresh_from_db()
    assert notification.state == State.SENT
    assert notification.provider_message_id == SENT_SID
    assert notification.provider_status == "sent"

    # The same callback again, and a late "queued", change nothing; "delivered" moves it on.
    assert status_post(notification.pk).status_code == 200
    assert status_post(notification.pk, MessageStatus="queued").status_code == 200
    notification.refresh_from_db()
    assert (notification.state, notification.provider_status) == (State.SENT, "sent")
    assert status_post(notification.pk, MessageStatus="delivered").status_code == 200
    notification.refresh_from_db()
    assert notification.provider_status == "delivered"

    stalled(notification)
    assert requeue_and_run(dummy_tasks, django_capture_on_commit_callbacks) == []
    assert sms_outbox == []


@pytest.mark.django_db
def test_a_forged_status_callback_is_refused_and_changes_nothing(status_post, reference_number):
    notification = queue_sms(reference_number)
    response = status_post(notification.pk, signature="forged")
    assert response.status_code == 403
    notification.refresh_from_db()
    assert notification.state == State.PENDING and notification.provider_status == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [{"MessageStatus": "exploded"}, {"MessageSid": "not-a-sid"}, {"MessageStatus": None}],
)
def test_a_malformed_status_callback_is_answered_and_changes_nothing(
    status_post, reference_number, fields
):
    notification = queue_sms(reference_number)
    assert status_post(notification.pk, **fields).status_code == 200
    notification.refresh_from_db()
    assert notification.state == State.PENDING and notification.provider_status == ""


@pytest.mark.django_db
def test_a_status_callback_for_an_unknown_or_email_notification_changes_nothing(
    status_post, reference_number
):
    email = queue_email(reference_number)
    assert status_post(email.pk).status_code == 200
    assert status_post(email.pk + 1000).status_code == 200
    email.refresh_from_db()
    assert email.state == State.PENDING and email.provider_status == ""
