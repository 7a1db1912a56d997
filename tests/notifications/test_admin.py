import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from contactcenter.notifications.models import Notification, NotificationState
from contactcenter.notifications.providers.base import DeliveryError
from contactcenter.notifications.services import (
    notification_deliver,
    notification_queue,
    sms_inbound,
)
from tests.notifications.conftest import EMAIL, PHONE


@pytest.fixture(autouse=True)
def _web_settings(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def admin_client_logged_in(client, db):
    client.force_login(User.objects.create_superuser("root", password=None))
    return client


@pytest.fixture
def log(db, reference_number):
    sms = notification_queue(
        channel="sms", recipient=PHONE, template="inquiry_updated", language="en",
        context={"reference_number": reference_number},
    )  # fmt: skip
    email = notification_queue(
        channel="email", recipient=EMAIL, template="secure_message_waiting", language="es"
    )
    sms_inbound(from_phone=PHONE, body="STOP")
    return sms, email


def test_the_log_shows_recipients_masked(
    admin_client_logged_in, log, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = admin_client_logged_in.get(
            reverse("admin:notifications_notification_changelist")
        )

    page = response.content.decode()
    assert response.status_code == 200
    assert "+1******0142" in page and "a***@example.org" in page
    assert PHONE not in page and EMAIL not in page


@pytest.mark.parametrize("index", [0, 1])
def test_a_notification_page_shows_the_recipient_masked(admin_client_logged_in, log, index):
    notification = log[index]
    response = admin_client_logged_in.get(
        reverse("admin:notifications_notification_change", args=[notification.pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert notification.masked_recipient in page
    assert notification.recipient not in page


@pytest.mark.parametrize("model", ["smsoptout", "inboundsms"])
def test_opt_outs_and_inbound_texts_show_numbers_masked(admin_client_logged_in, log, model):
    response = admin_client_logged_in.get(reverse(f"admin:notifications_{model}_changelist"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "+1******0142" in page
    assert PHONE not in page


def test_the_log_cannot_be_edited(admin_client_logged_in, log):
    notification = log[1]
    url = reverse("admin:notifications_notification_change", args=[notification.pk])
    admin_client_logged_in.post(url, {"state": "sent"})
    notification.refresh_from_db()
    assert notification.state == NotificationState.PENDING
    assert (
        admin_client_logged_in.get(reverse("admin:notifications_smsoptout_add")).status_code == 403
    )


def test_send_again_action_requeues_failed_notifications(admin_client_logged_in, log, monkeypatch):
    def refuse(**kwargs):
        raise DeliveryError("mailbox does not exist", permanent=True)

    monkeypatch.setattr("contactcenter.notifications.services.email_send", refuse)
    failed, suppressed = log[1], log[0]
    assert notification_deliver(notification_id=failed.pk).state == NotificationState.FAILED

    admin_client_logged_in.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "send_again", "_selected_action": [failed.pk, suppressed.pk]},
    )

    assert Notification.objects.get(pk=failed.pk).state == NotificationState.PENDING
    assert Notification.objects.get(pk=failed.pk).attempts == 0
    # Only failed ones are sent again: a text to someone who opted out stays suppressed.
    assert Notification.objects.get(pk=suppressed.pk).state == NotificationState.SUPPRESSED
