"""Moving a waiting call to the agent who accepted it, through Twilio's REST API.

The real ``twilio.rest.Client`` updates the live call with new TwiML (a short announcement and
a ``<Dial>`` to the agent's device: ``<Number>`` for an agent whose calls ring at a phone
number, ``<Client>`` with the agent's identity, ``agent-<agent id>``, for an agent who takes
calls in the browser, ``browser_phone.py``). ``TWILIO_API_BASE_URL``
(default Twilio's own API) lets the same client talk to another TwiML provider's compatible
API, or to a local stand-in in tests.
"""

from __future__ import annotations

from django.conf import settings
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from twilio.twiml.voice_response import Dial, VoiceResponse

from contactcenter.agency.selectors import agency_text
from contactcenter.ivr.twiml import VOICE_LANGUAGES
from contactcenter.routing.models import Agent, VoiceDevice

TWILIO_API = "https://api.twilio.com"
REST_TIMEOUT_SECONDS = 10
AGENT_DIAL_TIMEOUT_SECONDS = 30


class _BaseUrlHttpClient(TwilioHttpClient):
    """Sends the client's requests to ``base_url`` instead of api.twilio.com."""

    def __init__(self, base_url: str) -> None:
        super().__init__(timeout=REST_TIMEOUT_SECONDS)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


def telephony_configured() -> bool:
    """Whether calls can be moved through the provider's REST API at all: without an account
    and its token, accepted calls are simulated and the provider is never called."""
    return bool(settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN)


def twilio_client() -> Client:
    base_url = getattr(settings, "TWILIO_API_BASE_URL", "") or TWILIO_API
    return Client(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        http_client=_BaseUrlHttpClient(base_url),
    )


def agent_dial_twiml(agent: Agent, *, language: str, announcement: str, after_url: str = "") -> str:
    """The caller hears ``announcement`` in their language, then rings the agent's device.
    ``answerOnBridge`` keeps the caller hearing ringing, not silence, until the agent answers;
    an agent who does not answer within ``AGENT_DIAL_TIMEOUT_SECONDS`` ends the dial. With
    ``after_url`` (a caller who will answer the survey), the caller's side goes on there when
    the agent's side hangs up, instead of the call ending."""
    response = VoiceResponse()
    spoken = agency_text(announcement, language)
    response.say(spoken, language=VOICE_LANGUAGES.get(language, "en-US"))
    options: dict[str, object] = {"action": after_url, "method": "POST"} if after_url else {}
    dial = Dial(answer_on_bridge=True, timeout=AGENT_DIAL_TIMEOUT_SECONDS, **options)
    if agent.voice_device == VoiceDevice.PHONE and agent.voice_phone:
        dial.number(agent.voice_phone)
    else:
        dial.client(agent.voice_identity)
    response.append(dial)
    return str(response)


def redirect_to_agent(
    *, call_sid: str, agent: Agent, language: str, announcement: str, after_url: str = ""
) -> None:
    twiml = agent_dial_twiml(
        agent, language=language, announcement=announcement, after_url=after_url
    )
    twilio_client().calls(call_sid).update(twiml=twiml)
