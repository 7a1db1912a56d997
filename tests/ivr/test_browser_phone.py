"""Access tokens for the browser phone, minted by the twilio library's ``AccessToken`` and
``VoiceGrant`` and read back here with PyJWT as Twilio would read them."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest

from contactcenter.ivr.browser_phone import browser_phone_configured, voice_access_token

ACCOUNT_SID = "AC" + "1" * 32
API_KEY_SID = "SK" + "2" * 32
API_KEY_SECRET = "browser-phone-secret-0123456789abcdef"
APP_SID = "AP" + "3" * 32
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def browser_phone(settings):
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = "test-auth-token"
    settings.TWILIO_API_KEY_SID = API_KEY_SID
    settings.TWILIO_API_KEY_SECRET = API_KEY_SECRET
    settings.TWILIO_TWIML_APP_SID = APP_SID
    settings.VOICE_TOKEN_TTL_SECONDS = 1800


def decode(token: str) -> dict:
    return jwt.decode(
        token, API_KEY_SECRET, algorithms=["HS256"], options={"verify_exp": False,
        "verify_nbf": False},
    )  # fmt: skip


def test_the_token_is_signed_with_the_api_key_secret_and_grants_voice(browser_phone):
    minted = voice_access_token(identity="agent-7", now=NOW)
    claims = decode(minted.token)
    assert claims["iss"] == API_KEY_SID
    assert claims["sub"] == ACCOUNT_SID
    assert claims["grants"]["identity"] == "agent-7"
    assert claims["grants"]["voice"] == {
        "incoming": {"allow": True},
        "outgoing": {"application_sid": APP_SID},
    }
    assert jwt.get_unverified_header(minted.token)["cty"] == "twilio-fpa;v=1"
    assert minted.identity == "agent-7"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(minted.token, "another-secret-of-the-same-length-0123", algorithms=["HS256"])


def test_the_token_lives_the_configured_time(browser_phone):
    minted = voice_access_token(identity="agent-7", now=NOW)
    claims = decode(minted.token)
    assert claims["nbf"] == int(NOW.timestamp())
    assert claims["exp"] - claims["nbf"] == 1800
    assert minted.ttl_seconds == 1800
    assert minted.expires_at == NOW + dt.timedelta(seconds=1800)


def test_a_token_minted_now_is_valid_now(browser_phone):
    claims = jwt.decode(voice_access_token(identity="agent-7").token, API_KEY_SECRET,
                        algorithms=["HS256"])  # fmt: skip
    assert claims["grants"]["identity"] == "agent-7"


@pytest.mark.parametrize(("setting", "ttl"), [(5, 60), (172_800, 86_400), (600, 600)])
def test_the_lifetime_stays_within_what_twilio_accepts(browser_phone, settings, setting, ttl):
    settings.VOICE_TOKEN_TTL_SECONDS = setting
    claims = decode(voice_access_token(identity="agent-7", now=NOW).token)
    assert claims["exp"] - claims["nbf"] == ttl


def test_without_a_twiml_app_the_token_only_receives_calls(browser_phone, settings):
    settings.TWILIO_TWIML_APP_SID = ""
    claims = decode(voice_access_token(identity="agent-7", now=NOW).token)
    assert claims["grants"]["voice"] == {"incoming": {"allow": True}}


def test_the_browser_phone_needs_telephony_and_an_api_key(browser_phone, settings):
    assert browser_phone_configured()
    settings.TWILIO_API_KEY_SECRET = ""
    assert not browser_phone_configured()
    settings.TWILIO_API_KEY_SECRET = API_KEY_SECRET
    settings.TWILIO_AUTH_TOKEN = ""  # no telephony: calls are simulated
    assert not browser_phone_configured()
