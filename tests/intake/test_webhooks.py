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
