"""The browser phone: access tokens for Twilio's Voice JavaScript SDK in the desk.

An agent whose calls ring in the browser registers a ``Twilio.Device`` under the identity
``agent-<agent id>`` (``Agent.voice_identity``), which is what ``bridge.agent_dial_twiml``
rings with ``<Dial><Client>``. The token is a JWT signed with an API key's secret by the
``twilio`` library's ``AccessToken``; its ``VoiceGrant`` lets the device receive calls and,
when a TwiML app is configured, place them through that app. Nothing here calls Twilio: the
token is minted locally and the browser presents it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

from contactcenter.ivr.bridge import telephony_configured

# Twilio refuses tokens that live longer than a day; a very short one would keep the desk
# asking for new ones.
TOKEN_TTL_MIN_SECONDS = 60
TOKEN_TTL_MAX_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class VoiceToken:
    token: str
    identity: str
    ttl_seconds: int
    expires_at: dt.datetime


def browser_phone_configured() -> bool:
    """Whether the desk can offer the browser phone: telephony is set up (calls are really
    bridged) and there is an API key to sign tokens with."""
    return telephony_configured() and bool(
        settings.TWILIO_API_KEY_SID and settings.TWILIO_API_KEY_SECRET
    )


def token_ttl_seconds() -> int:
    return max(TOKEN_TTL_MIN_SECONDS, min(settings.VOICE_TOKEN_TTL_SECONDS, TOKEN_TTL_MAX_SECONDS))


def voice_access_token(*, identity: str, now: dt.datetime | None = None) -> VoiceToken:
    """A signed access token letting the browser register as ``identity`` and take calls."""
    now = now or timezone.now()
    ttl = token_ttl_seconds()
    starts = int(now.timestamp())
    grant = VoiceGrant(
        incoming_allow=True,
        outgoing_application_sid=settings.TWILIO_TWIML_APP_SID or None,
    )
    token = AccessToken(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_API_KEY_SID,
        settings.TWILIO_API_KEY_SECRET,
        grants=[grant],
        identity=identity,
        nbf=starts,
        ttl=ttl,
        valid_until=starts + ttl,
    )
    jwt = token.to_jwt()
    return VoiceToken(
        token=jwt if isinstance(jwt, str) else jwt.decode(),
        identity=identity,
        ttl_seconds=ttl,
        expires_at=dt.datetime.fromtimestamp(starts + ttl, tz=dt.UTC),
    )
