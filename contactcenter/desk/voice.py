"""Where the agent's calls ring, and the browser phone's access token.

An agent chooses a device on the desk's home page (``desk/_voice_device.html``): a phone
number an accepted call is forwarded to, or this browser, where Twilio's Voice JavaScript SDK
(``static/desk/voice.js``) registers with a token from ``POST /desk/voice/token/``. Only a page
that loads the SDK lets the browser reach Twilio's hosts and use the microphone
(``browser_phone_headers``); every other page keeps the site's policy, which allows neither.
Without telephony configured calls are simulated, the panel says so and loads no SDK.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contactcenter.core.errors import ApplicationError, ErrorCode
from contactcenter.desk.access import TIER1_PAGE_ROLES, desk_roles_required
from contactcenter.ivr.bridge import telephony_configured
from contactcenter.ivr.browser_phone import browser_phone_configured, voice_access_token
from contactcenter.routing.models import Agent, VoiceDevice
from contactcenter.routing.services import agent_ensure_for_user, agent_voice_device_set

# What the SDK talks to: its signalling socket and event gateway (any Twilio edge, so
# ``*.twilio.com``) and the ringtones it fetches from sdk.twilio.com.
TWILIO_CONNECT_SOURCES = ("https://*.twilio.com", "wss://*.twilio.com")
TWILIO_MEDIA_SOURCES = ("'self'", "https://sdk.twilio.com", "blob:")


@dataclass(frozen=True)
class VoicePanel:
    """What the device panel shows: simulated calls, the number calls ring at, or the
    browser phone (``loads_sdk``)."""

    simulated: bool
    browser_available: bool
    device: str
    phone: str

    @property
    def loads_sdk(self) -> bool:
        return not self.simulated and self.browser_available and self.device == VoiceDevice.BROWSER


def voice_panel(agent: Agent) -> VoicePanel:
    return VoicePanel(
        simulated=not telephony_configured(),
        browser_available=browser_phone_configured(),
        device=agent.voice_device,
        phone=agent.voice_phone,
    )


def _microphone_allowed(policy: str) -> str:
    features = [part.strip() for part in policy.split(",") if part.strip()]
    kept = [part for part in features if not part.startswith("microphone=")]
    return ", ".join([*kept, "microphone=(self)"])


def browser_phone_headers(response: HttpResponse) -> HttpResponse:
    """Open this one response to the browser phone: Twilio's hosts in ``connect-src`` and
    ``media-src``, and the microphone for this site in ``Permissions-Policy``."""
    response._csp_update = {  # type: ignore[attr-defined]  # read by django-csp's middleware
        "connect-src": list(TWILIO_CONNECT_SOURCES),
        "media-src": list(TWILIO_MEDIA_SOURCES),
    }
    if settings.PERMISSIONS_POLICY:
        response["Permissions-Policy"] = _microphone_allowed(settings.PERMISSIONS_POLICY)
    return response


def _refusal(error: ApplicationError) -> JsonResponse:
    response = JsonResponse(error.as_dict(), status=error.http_status)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@desk_roles_required(TIER1_PAGE_ROLES)
def voice_token(request: HttpRequest) -> HttpResponse:
    """A fresh access token for the browser phone, as JSON; the page asks again before it
    expires. 404 where the browser phone is not set up, 409 when the agent's calls ring at a
    phone number."""
    if not browser_phone_configured():
        return _refusal(
            ApplicationError(
                _("The browser phone is not set up here."),
                code=ErrorCode.NOT_FOUND,
                http_status=404,
            )
        )
    agent = agent_ensure_for_user(user=request.user)
    if agent.voice_device != VoiceDevice.BROWSER:
        return _refusal(
            ApplicationError(
                _("Your calls ring at a phone number. Choose this browser to take them here."),
                code=ErrorCode.VOICE_DEVICE_IS_PHONE,
                http_status=409,
            )
        )
    token = voice_access_token(identity=agent.voice_identity)
    response = JsonResponse(
        {
            "token": token.token,
            "identity": token.identity,
            "ttl_seconds": token.ttl_seconds,
            "expires_at": token.expires_at.isoformat(),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@desk_roles_required(TIER1_PAGE_ROLES)
def voice_device(request: HttpRequest) -> HttpResponse:
    """Choose where accepted calls ring (``device``: browser or phone; ``phone``: a number)."""
    agent = agent_ensure_for_user(user=request.user)
    try:
        agent_voice_device_set(
            agent=agent,
            device=request.POST.get("device", ""),
            phone=request.POST.get("phone", ""),
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("desk:home")
    if agent.voice_device == VoiceDevice.PHONE:
        messages.success(
            request, _("Calls you accept will ring at %(phone)s.") % {"phone": agent.voice_phone}
        )
    else:
        messages.success(request, _("Calls you accept will ring in this browser."))
    return redirect("desk:home")
