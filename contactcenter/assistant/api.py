"""``POST /api/v1/assistant/ask``: the virtual assistant over HTTP."""

from __future__ import annotations

from typing import Annotated, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja import Router, Schema

from contactcenter.assistant.services import (
    MAX_QUESTION_CHARS,
    assistant_answer_json,
    assistant_ask,
)
from contactcenter.core.api_schemas import BAD_INPUT, RATE_LIMITED, free_text
from contactcenter.core.errors import ApplicationError
from contactcenter.core.rate_limits import rate_limit_hit_by_client

router = Router(tags=["self-service"])

# Questions per client address per window; generous, since one conversation asks several.
DEFAULT_RATE_LIMIT = 60
DEFAULT_RATE_WINDOW_SECONDS = 60


class AskIn(Schema):
    question: Annotated[
        str,
        free_text(
            "A question in plain words: at least one visible character, no control characters.",
            max_length=MAX_QUESTION_CHARS,
        ),
    ]
    language: Literal["en", "es"] | None = None


class LinkOut(Schema):
    label: str
    url: str


class AnswerOut(Schema):
    topic: str | None
    answer: str
    links: list[LinkOut]
    handoff: bool
    confidence: float
    language: str
    personal_data: list[str]
    follow_up: str | None


@router.post(
    "/assistant/ask",
    response={200: AnswerOut, **BAD_INPUT, **RATE_LIMITED},
    summary="Ask the virtual assistant a general question (never case data)",
    description=(
        f"The question (at most {MAX_QUESTION_CHARS} characters) and, optionally, the language "
        "to answer in (en or es; detected from the question when absent). `topic` is a stable "
        "slug, or null when no topic fits; `handoff` true means the person should be handed "
        "to live chat. Personal data typed into the question is reported in `personal_data` "
        "and never stored unmasked."
    ),
)
def ask(request: HttpRequest, payload: AskIn) -> dict[str, object]:
    rate_limit_hit_by_client(
        request,
        scope="assistant-ask",
        limit=getattr(settings, "ASSISTANT_RATE_LIMIT", DEFAULT_RATE_LIMIT),
        window_seconds=getattr(
            settings, "ASSISTANT_RATE_WINDOW_SECONDS", DEFAULT_RATE_WINDOW_SECONDS
        ),
    )
    with translation.override(payload.language or "en"):
        try:
            answer = assistant_ask(question=payload.question, language=payload.language)
        except ApplicationError as error:
            error.message = str(error.message)
            raise
    return assistant_answer_json(answer)
