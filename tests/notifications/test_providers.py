"""Providers: the real twilio library's request, checked without the network."""

import json
import logging
import smtplib
from pathlib import Path

import pytest
from twilio.http import HttpClient
from twilio.http.response import Response

from contactcenter.notifications.providers.base import DeliveryError, RecipientOptedOut
from contactcenter.notifications.providers.django_email import email_send
from contactcenter.notifications.providers.sms import (
    ConsoleSmsProvider,
    InMemorySmsProvider,
    sms_provider,
)
from contactcenter.notifications.providers.twilio_sms import TwilioSmsProvider
from tests.notifications.conftest import EMAIL, PHONE

FIXTURES = Path(__file__).parent / "fixtures"
SID = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
TOKEN = "test-auth-token"
FROM = "+15555550100"


class RecordingHttpClient(HttpClient):
    """Stands where the library's requests-based client would; answers like Twilio."""

    def __init__(self, status: int, fixture: str) -> None:
        super().__init__(logger=logging.getLogger("tests.twilio"), is_async=False)
        self.status = status
        self.body = (FIXTURES / fixture).read_text()
        self.requests: list[dict] = []

    def request(self, method, uri, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):  # fmt: skip
        self.requests.append(
            {"method": method, "uri": uri, "params": params, "data": data,
             "headers": headers, "auth": auth}
        )  # fmt: skip
        return Response(self.status, self.body, headers={"Content-Type": "application/json"})


def twilio(status=201, fixture="twilio_message_created.json"):
    http = RecordingHttpClient(status, fixture)
    provider = TwilioSmsProvider(
        account_sid=SID, auth_token=TOKEN, from_number=FROM, http_client=http
    )
    return provider, http


def test_twilio_request_shape():
    provider, http = twilio()

    message_id = provider.send(PHONE, "There is news about your inquiry.")

    assert message_id == json.loads((FIXTURES / "twilio_message_created.json").read_text())["sid"]
    (request,) = http.requests
    assert request["method"] == "POST"
    assert request["uri"] == f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"
    assert request["auth"] == (SID, TOKEN)
    assert request["data"] == {
        "To": PHONE,
        "From": FROM,
        "Body": "There is news about your inquiry.",
    }
    assert request["headers"]["Content-Type"] == "application/x-www-form-urlencoded"


def test_twilio_takes_credentials_from_settings(settings):
    settings.TWILIO_ACCOUNT_SID = SID
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_FROM_NUMBER = FROM
    http = RecordingHttpClient(201, "twilio_message_created.json")

    TwilioSmsProvider(http_client=http).send(PHONE, "hello")

    assert http.requests[0]["auth"] == (SID, TOKEN)
    assert http.requests[0]["data"]["From"] == FROM


@pytest.mark.parametrize(
    ("status", "fixture", "error", "permanent"),
    [
        (400, "twilio_invalid_to.json", DeliveryError, True),
        (400, "twilio_unsubscribed.json", RecipientOptedOut, True),
        (500, "twilio_server_error.json", DeliveryError, False),
        (429, "twilio_server_error.json", DeliveryError, False),
    ],
)
def test_twilio_errors_say_whether_to_retry(status, fixture, error, permanent):
    provider, _ = twilio(status, fixture)

    with pytest.raises(error) as raised:
        provider.send(PHONE, "hello")

    assert raised.value.permanent is permanent


def test_twilio_network_failure_is_retried():
    class Unreachable(RecordingHttpClient):
        def request(self, *args, **kwargs):
            raise ConnectionError("connection refused")

    provider = TwilioSmsProvider(
        account_sid=SID, auth_token=TOKEN, from_number=FROM,
        http_client=Unreachable(201, "twilio_message_created.json"),
    )  # fmt: skip
    with pytest.raises(DeliveryError) as raised:
        provider.send(PHONE, "hello")
    assert raised.value.permanent is False


@pytest.mark.parametrize(
    ("name", "provider_class"),
    [("console", ConsoleSmsProvider), ("memory", InMemorySmsProvider)],
)
def test_the_provider_is_chosen_in_settings(settings, name, provider_class):
    settings.SMS_PROVIDER = name
    assert type(sms_provider()) is provider_class


def test_twilio_is_chosen_in_settings(settings):
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = SID, TOKEN
    assert isinstance(sms_provider(), TwilioSmsProvider)


def test_console_provider_masks_the_number(caplog):
    caplog.set_level(logging.INFO)
    message_id = ConsoleSmsProvider().send(PHONE, "hello there")

    assert message_id.startswith("console-")
    assert "+1******0142" in caplog.text and "hello there" in caplog.text
    assert PHONE not in caplog.text


def test_email_gets_our_message_id(settings, mailoutbox):
    settings.DEFAULT_FROM_EMAIL = "Contact Center <no-reply@contact.example.gov>"
    message_id = email_send(to=EMAIL, subject="Subject", body="Body")

    (message,) = mailoutbox
    assert message_id.endswith("@contact.example.gov>")
    assert message.extra_headers["Message-ID"] == message_id
    assert message.from_email == "Contact Center <no-reply@contact.example.gov>"


@pytest.mark.parametrize(
    ("smtp_error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({EMAIL: (550, b"no such user")}), True),
        (smtplib.SMTPResponseException(554, b"rejected"), True),
        (smtplib.SMTPResponseException(451, b"try later"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError(), False),
    ],
)
def test_smtp_errors_say_whether_to_retry(monkeypatch, smtp_error, permanent):
    def fail(self, fail_silently=False):
        raise smtp_error

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", fail)

    with pytest.raises(DeliveryError) as raised:
        email_send(to=EMAIL, subject="s", body="b")

    assert raised.value.permanent is permanent
    assert EMAIL not in str(raised.value)
