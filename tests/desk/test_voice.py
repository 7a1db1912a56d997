"""The desk's phone: choosing where calls ring, the browser phone's token, and the page's
policy opened to Twilio and the microphone only where the browser phone loads."""

from __future__ import annotations

import jwt
import pytest

from contactcenter.routing.models import Agent
from contactcenter.routing.services import agent_ensure_for_user, agent_voice_device_set
from contactcenter.staff.models import Role

pytestmark = pytest.mark.django_db

API_KEY_SECRET = "browser-phone-secret-0123456789abcdef"
SDK = b"vendor/twilio/twilio.min.js"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def telephony(settings):
    """A provider account and an API key for the browser phone (nothing here calls them)."""
    settings.TWILIO_ACCOUNT_SID = "AC" + "1" * 32
    settings.TWILIO_AUTH_TOKEN = "test-auth-token"
    settings.TWILIO_API_KEY_SID = "SK" + "2" * 32
    settings.TWILIO_API_KEY_SECRET = API_KEY_SECRET
    settings.TWILIO_TWIML_APP_SID = "AP" + "3" * 32
    settings.VOICE_TOKEN_TTL_SECONDS = 900


@pytest.fixture
def no_telephony(settings):
    settings.TWILIO_ACCOUNT_SID = ""
    settings.TWILIO_AUTH_TOKEN = ""


def directive(response, name: str) -> str:
    for part in response["Content-Security-Policy"].split(";"):
        words = part.split()
        if words and words[0] == name:
            return " ".join(words[1:])
    return ""


# --- the token --------------------------------------------------------------------------------


def test_the_token_lets_this_agent_register_under_its_identity(signed_in, telephony):
    client, user = signed_in(Role.TIER1)
    response = client.post("/desk/voice/token/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    agent = Agent.objects.get(user=user)
    assert data["identity"] == f"agent-{agent.pk}"
    assert data["ttl_seconds"] == 900
    claims = jwt.decode(data["token"], API_KEY_SECRET, algorithms=["HS256"])
    assert claims["grants"]["identity"] == f"agent-{agent.pk}"
    assert claims["grants"]["voice"]["incoming"] == {"allow": True}
    assert claims["exp"] - claims["nbf"] == 900


def test_without_telephony_there_is_no_token(signed_in, no_telephony, settings):
    settings.TWILIO_API_KEY_SID, settings.TWILIO_API_KEY_SECRET = "SK" + "2" * 32, "secret"
    client, _user = signed_in(Role.TIER1)
    response = client.post("/desk/voice/token/")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "The browser phone is not set up here.",
    }


def test_without_an_api_key_there_is_no_token(signed_in, telephony, settings):
    settings.TWILIO_API_KEY_SECRET = ""
    client, _user = signed_in(Role.TIER1)
    assert client.post("/desk/voice/token/").status_code == 404


def test_an_agent_whose_calls_ring_at_a_phone_gets_409(signed_in, telephony):
    client, user = signed_in(Role.TIER1)
    agent_voice_device_set(
        agent=agent_ensure_for_user(user=user), device="phone", phone="4025550142"
    )
    response = client.post("/desk/voice/token/")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "voice_device_is_phone"
    assert "Choose this browser" in body["message"]
    assert "token" not in body


def test_the_refusal_is_in_spanish_for_a_spanish_page(signed_in, telephony):
    client, user = signed_in(Role.TIER1)
    agent_voice_device_set(
        agent=agent_ensure_for_user(user=user), device="phone", phone="4025550142"
    )
    response = client.post("/desk/voice/token/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.json()["message"].startswith("Sus llamadas suenan en un número de teléfono.")


def test_the_token_is_only_posted_and_only_for_agents(signed_in, telephony, client):
    signed_out = client.post("/desk/voice/token/")
    assert signed_out.status_code == 302 and "/desk/login/" in signed_out["Location"]
    tier1, _user = signed_in(Role.TIER1)
    assert tier1.get("/desk/voice/token/").status_code == 405
    office, _user = signed_in(Role.OFFICE_STAFF)
    assert office.post("/desk/voice/token/").status_code == 403


# --- choosing the device ----------------------------------------------------------------------


def test_an_agent_chooses_a_phone_number_and_back(signed_in, telephony):
    client, user = signed_in(Role.TIER1)
    response = client.post(
        "/desk/voice/device/", {"device": "phone", "phone": "(402) 555-0142"}, follow=True
    )
    assert "Calls you accept will ring at +14025550142." in messages_of(response)
    agent = Agent.objects.get(user=user)
    assert (agent.voice_device, agent.voice_phone) == ("phone", "+14025550142")
    assert b'data-testid="voice-rings-at"' in response.content
    assert SDK not in response.content
    back = client.post("/desk/voice/device/", {"device": "browser", "phone": ""}, follow=True)
    assert "Calls you accept will ring in this browser." in messages_of(back)
    assert Agent.objects.get(user=user).voice_device == "browser"
    assert SDK in back.content


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"device": "phone", "phone": "555-0142"}, "not a valid 10-digit U.S. phone number"),
        ({"device": "phone", "phone": "call me"}, "only digits"),
        ({"device": "phone"}, "Enter the phone number your calls should ring at."),
        ({"device": "fax", "phone": "4025550142"}, "this browser or a phone number"),
        ({}, "this browser or a phone number"),
    ],
)
def test_a_bad_choice_is_refused_with_a_reason_and_changes_nothing(
    signed_in, telephony, form, message
):
    client, user = signed_in(Role.TIER1)
    response = client.post("/desk/voice/device/", form, follow=True)
    assert any(message in text for text in messages_of(response))
    agent = Agent.objects.get(user=user)
    assert (agent.voice_device, agent.voice_phone) == ("browser", "")


def test_choosing_the_device_is_only_posted_and_only_for_agents(signed_in, client):
    assert client.post("/desk/voice/device/", {"device": "browser"}).status_code == 302
    office, _user = signed_in(Role.OFFICE_STAFF)
    assert office.post("/desk/voice/device/", {"device": "browser"}).status_code == 403
    tier1, _user = signed_in(Role.TIER1)
    assert tier1.get("/desk/voice/device/").status_code == 405


# --- the page and its policy ------------------------------------------------------------------


def test_without_telephony_the_desk_says_calls_are_simulated_and_loads_no_sdk(
    signed_in, no_telephony
):
    client, _user = signed_in(Role.TIER1)
    response = client.get("/desk/")
    assert b'data-testid="calls-simulated"' in response.content
    assert b"Calls are simulated" in response.content
    assert SDK not in response.content and b"desk/voice.js" not in response.content
    assert directive(response, "connect-src") == "'self'"
    assert "microphone=()" in response["Permissions-Policy"]


def test_the_browser_phone_page_alone_reaches_twilio_and_the_microphone(signed_in, telephony):
    client, _user = signed_in(Role.TIER1)
    response = client.get("/desk/")
    assert SDK in response.content and b"desk/voice.js" in response.content
    assert b'data-token-url="/desk/voice/token/"' in response.content
    assert b"calls-simulated" not in response.content
    connect = directive(response, "connect-src").split()
    assert connect == ["'self'", "https://*.twilio.com", "wss://*.twilio.com"]
    assert "https://sdk.twilio.com" in directive(response, "media-src").split()
    policy = response["Permissions-Policy"]
    assert "microphone=(self)" in policy and "microphone=()" not in policy
    assert "camera=()" in policy  # everything else stays off
    # Every other page keeps the site's policy, the desk's other pages included.
    for path in ["/desk/supervisor/", "/desk/callbacks/", "/"]:
        other = client.get(path) if path != "/" else client.get(path, follow=True)
        assert "twilio" not in other["Content-Security-Policy"], path
        assert "microphone=()" in other["Permissions-Policy"], path


def test_an_agent_on_a_phone_number_loads_no_sdk_and_keeps_the_site_policy(signed_in, telephony):
    client, user = signed_in(Role.TIER1)
    agent_voice_device_set(
        agent=agent_ensure_for_user(user=user), device="phone", phone="4025550142"
    )
    response = client.get("/desk/")
    assert SDK not in response.content
    assert b"Calls you accept ring at +14025550142." in response.content
    assert "twilio" not in response["Content-Security-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]


def test_without_an_api_key_the_desk_asks_for_a_phone_number(signed_in, telephony, settings):
    settings.TWILIO_API_KEY_SID = ""
    client, _user = signed_in(Role.TIER1)
    response = client.get("/desk/")
    assert b'data-testid="voice-no-browser-phone"' in response.content
    assert SDK not in response.content
    assert "twilio" not in response["Content-Security-Policy"]


def test_the_panel_speaks_spanish(signed_in, telephony):
    client, _user = signed_in(Role.TIER1)
    page = client.get("/desk/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Su teléfono" in page
    assert "Conectando el teléfono del navegador…" in page
    assert "El teléfono del navegador no pudo conectarse." in page
    assert "Guardar dónde suenan las llamadas" in page
