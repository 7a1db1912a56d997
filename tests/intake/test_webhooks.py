"""Inbound email through django-anymail's webhooks: its checks on, then the one pipeline."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest

from contactcenter.inquiries.models import Inquiry
from contactcenter.intake.models import InboundEmail, Outcome
from tests.intake.conftest import corpus

pytestmark = pytest.mark.usefixtures("mail_queues")

URL = "/webhooks/anymail/mailgun/inbound_mime/"
KEY = "mailgun-signing-key"
AUTH = "hook:hook-secret"


@pytest.fixture
def anymail(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": AUTH, "MAILGUN_WEBHOOK_SIGNING_KEY": KEY}


def _signed(raw: bytes, key: str = KEY) -> dict[str, str]:
    timestamp, token = str(int(time.time())), "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {
        "body-mime": raw.decode("utf-8"),
        "timestamp": timestamp,
        "token": token,
        "signature": signature.hexdigest(),
        "recipient": "contact@example.gov",
        "sender": "jordan.smith@example.net",
    }


def _auth(value: str = AUTH) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(value.encode()).decode()}


def test_mailgun_raw_mime_becomes_an_inquiry_once(client, anymail):
    response = client.post(URL, _signed(corpus("plain.eml")), **_auth())
    assert response.status_code == 200
    email = InboundEmail.objects.get()
    assert (email.source, email.outcome) == ("webhook", Outcome.NEW_INQUIRY)
    assert email.message_id == "<plain-1.20261207@mail.example.net>"
    assert "work permit application" in email.body_text
    assert client.post(URL, _signed(corpus("plain.eml")), **_auth()).status_code == 200
    assert Inquiry.objects.count() == 1 and InboundEmail.objects.count() == 1


@pytest.mark.parametrize(
    ("auth", "key"),
    [("hook:wrong", KEY), (AUTH, "not-the-key")],
)
def test_bad_basic_auth_or_signature_is_refused(client, anymail, auth, key):
    response = client.post(URL, _signed(corpus("plain.eml"), key=key), **_auth(auth))
    assert response.status_code == 400
    assert not InboundEmail.objects.exists()


def test_no_webhook_without_its_checks(client, settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": KEY}  # no basic auth
    assert client.post(URL, _signed(corpus("plain.eml")), **_auth()).status_code == 404
    settings.ANYMAIL = {"WEBHOOK_SECRET": AUTH}  # no signing key
    assert client.post(URL, _signed(corpus("plain.eml")), **_auth()).status_code == 404
    assert not InboundEmail.objects.exists()


def test_spanish_message_through_the_webhook_keeps_its_accents(client, anymail):
    raw = corpus("spanish.eml")
    response = client.post(URL, _signed(raw.decode("latin-1").encode("utf-8")), **_auth())
    assert response.status_code == 200
    email = InboundEmail.objects.get()
    assert email.language == "es" and "aún sin respuesta" in email.subject


def test_a_message_past_the_form_limit_still_arrives_whole(client, anymail, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # the form limit, smaller than this message
    raw = corpus("multipart_attachments.eml")
    assert len(raw) > 1000
    response = client.post(URL, _signed(raw), **_auth())
    assert response.status_code == 200
    email = InboundEmail.objects.get()
    assert email.outcome == Outcome.NEW_INQUIRY
    assert sorted(email.attachments.values_list("filename", flat=True)) == [
        "card.png",
        "receipt-notice.pdf",
    ]
    assert email.raw_size >= len(raw)  # whole (anymail writes CRLF line ends)


def test_a_message_past_the_cap_through_the_webhook_is_recorded_and_refused(
    client, anymail, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.INTAKE_EMAIL_MAX_BYTES = 2000
    raw = corpus("plain.eml") + b"x" * 2200  # past the message cap, under twice it
    assert client.post(URL, _signed(raw), **_auth()).status_code == 200
    assert InboundEmail.objects.get().reason == "too_large"
    huge = corpus("plain.eml") + b"x" * 5000  # past twice the cap: not read at all
    assert client.post(URL, _signed(huge), **_auth()).status_code == 413
    assert InboundEmail.objects.count() == 1


def test_the_webhook_gets_the_larger_body_cap_under_asgi():
    from contactcenter.asgi import http_app

    assert http_app.limit_for(URL) == http_app.upload_max_bytes()
    assert http_app.limit_for("/webhooks/twilio/sms") == http_app.max_bytes()
