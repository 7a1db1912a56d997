"""Inbound texts through Twilio's webhook, signed the way Twilio signs them."""

import pytest

from contactcenter.notifications.models import SmsOptOut
from tests.twilio_webhooks import twilio_payload, twilio_post

TOKEN = "test-auth-token-0123456789abcdef"
PATH = "/webhooks/twilio/sms"


def twilio_form(body, sender="+15550100123"):
    """An incoming text as Twilio posts it, with the body and sender a test is about."""
    return twilio_payload("sms_incoming", Body=body, From=sender)


@pytest.fixture
def signed_post(client, settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.SECURE_SSL_REDIRECT = False

    def post(form, signature=None):
        return twilio_post(PATH, form, token=TOKEN, signature=signature, client=client)

    return post


@pytest.mark.django_db
def test_stop_opts_out_and_replies_in_twiml(signed_post):
    response = signed_post(twilio_form("STOP"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert b"<Response><Message>" in response.content
    assert SmsOptOut.objects.filter(phone="+15550100123").exists()


@pytest.mark.django_db
def test_a_bad_signature_is_refused_and_changes_nothing(signed_post):
    response = signed_post(twilio_form("STOP"), signature="forged")
    assert response.status_code == 403
    assert not SmsOptOut.objects.exists()


@pytest.mark.django_db
def test_without_a_token_every_request_is_refused(client, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    settings.SECURE_SSL_REDIRECT = False
    response = twilio_post(PATH, twilio_form("STOP"), token="anything", client=client)
    assert response.status_code == 403
    assert not SmsOptOut.objects.exists()


@pytest.mark.django_db
def test_an_unusable_sender_gets_an_empty_answer(signed_post):
    response = signed_post(twilio_form("hello", sender="22395"))
    assert response.status_code == 200
    assert b"<Message>" not in response.content


@pytest.mark.django_db
def test_get_is_not_allowed(client):
    assert client.get("/webhooks/twilio/sms").status_code == 405
