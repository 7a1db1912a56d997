"""The widget's HTTP side: ask the assistant, hand off, end, email the transcript.

Every view answers JSON. The chat token lives in the person's session (signed cookie naming a
server-side session); the database keeps only its digest.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contactcenter.chat import selectors, services
from contactcenter.chat.consumers import SESSION_KEY
from contactcenter.chat.events import message_json
from contactcenter.chat.models import Conversation
from contactcenter.core.errors import ApplicationError, InvalidInput, NotFound
from contactcenter.core.languages import active_language
from contactcenter.core.rate_limits import rate_limit_hit_by_client, retry_after_set
from contactcenter.routing.calendar import live_help_open

ASK_LIMIT_PER_MINUTE = 30


# Where to turn when live chat is closed, best first: the secure inbox of the online account
# (for questions about one's case), the web form for account problems, then pages anyone can
# use. Each is offered only when its page is installed.
def offline_options(language: str) -> list[dict[str, str]]:
    with translation.override(language):
        choices = [
            ("portal:inbox", _("Send a secure message from your online account")),
            ("portal_public:account-help", _("Get help with your online account (web form)")),
            ("case-status", _("Check your case status")),
            ("processing-times", _("See processing times")),
            ("appointments:manage", _("See or move an appointment")),
        ]
        options = []
        for name, label in choices:
            try:
                options.append({"label": str(label), "url": reverse(name)})
            except NoReverseMatch:
                continue
        return options


def _error(error: ApplicationError) -> JsonResponse:
    body = error.as_dict()
    if isinstance(error, services.LiveHelpClosed):
        body["offline"] = offline_options(active_language())
    return retry_after_set(JsonResponse(body, status=error.http_status), error)


def _payload(request: HttpRequest) -> dict:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError as error:
            raise InvalidInput(_("The request is not valid JSON.")) from error
        if not isinstance(data, dict):
            raise InvalidInput(_("The request is not valid JSON."))
        return data
    return request.POST.dict()


def _current(request: HttpRequest) -> Conversation | None:
    return selectors.conversation_for_token(request.session.get(SESSION_KEY))


def _require(request: HttpRequest) -> Conversation:
    conversation = _current(request)
    if conversation is None:
        raise NotFound(_("There is no chat to continue. Ask a question to start one."))
    return conversation


@require_POST
def ask(request: HttpRequest) -> JsonResponse:
    try:
        rate_limit_hit_by_client(
            request,
            scope="chat-ask",
            limit=ASK_LIMIT_PER_MINUTE,
            window_seconds=60,
        )
        data = _payload(request)
        result, token = services.chat_ask_in_session(
            conversation=_current(request), language=active_language(),
            question=data.get("question"),
        )  # fmt: skip
    except ApplicationError as error:
        return _error(error)
    if token is not None:
        request.session[SESSION_KEY] = token
    return JsonResponse(
        {
            "question": message_json(result.question),
            "reply": message_json(result.reply),
            "handoff": result.handoff,
            "live_open": result.live_open,
        }
    )


@require_POST
def handoff(request: HttpRequest) -> JsonResponse:
    try:
        conversation, token = services.chat_handoff_in_session(
            conversation=_current(request), language=active_language()
        )
        status = selectors.chat_status(conversation=conversation)
    except ApplicationError as error:
        return _error(error)
    if token is not None:
        request.session[SESSION_KEY] = token
    return JsonResponse(status.as_dict())


@require_POST
def end(request: HttpRequest) -> JsonResponse:
    try:
        conversation = _require(request)
        services.chat_end(conversation_id=conversation.pk, by="person")
        status = selectors.chat_status(conversation=conversation)
    except ApplicationError as error:
        return _error(error)
    return JsonResponse(status.as_dict())


@require_POST
def survey(request: HttpRequest) -> JsonResponse:
    """The answer to the survey the ended chat asks: {score: 1..5, comment: optional}."""
    try:
        rate_limit_hit_by_client(request, scope="chat-survey", limit=ASK_LIMIT_PER_MINUTE,
                                 window_seconds=60)  # fmt: skip
        conversation = _require(request)
        data = _payload(request)
        user = getattr(request, "user", None)
        services.chat_survey_answer(
            conversation=conversation, score=data.get("score"), comment=data.get("comment", ""),
            user_id=user.pk if user is not None and user.is_authenticated else None,
        )  # fmt: skip
    except ApplicationError as error:
        return _error(error)
    return JsonResponse({"answered": True})


@require_POST
def restart(request: HttpRequest) -> JsonResponse:
    """Forget this browser's chat (after it ended) so the next question starts a new one."""
    request.session.pop(SESSION_KEY, None)
    return JsonResponse({"live_open": live_help_open()})


@require_POST
def transcript(request: HttpRequest) -> JsonResponse:
    try:
        conversation = _require(request)
        services.chat_transcript_email(
            conversation=conversation, email=_payload(request).get("email")
        )
    except ApplicationError as error:
        return _error(error)
    return JsonResponse({"queued": True})
