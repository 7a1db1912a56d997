"""The public page a survey link opens: one question, 1 to 5, and a comment box. No sign-in.

Every visit (GET or POST) counts against the visitor's address like the other public look-ups,
since a link is a secret that could be guessed at. An unknown, answered or expired link gets a
page saying so and changes nothing. The member of staff who handled the contact, signed in, is
refused: the link cannot be used to score one's own work.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from contactcenter.core.errors import ApplicationError
from contactcenter.core.rate_limits import rate_limit_hit_by_client, retry_after_set
from contactcenter.surveys import services
from contactcenter.surveys.models import COMMENT_MAX, SCORE_MAX, SCORE_MIN


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    context: dict = {"scores": range(SCORE_MIN, SCORE_MAX + 1), "comment_max": COMMENT_MAX}
    try:
        rate_limit_hit_by_client(
            request,
            scope="survey-link",
            limit=settings.CASE_STATUS_RATE_LIMIT,
            window_seconds=settings.CASE_STATUS_RATE_WINDOW_SECONDS,
        )
        survey = services.survey_check_link(token=token, user_id=_user_id(request))
    except services.SurveyClosed as error:
        context.update(closed=error.reason, error=error.message)
        return render(request, "surveys/answer.html", context, status=error.http_status)
    except ApplicationError as error:
        context["error"] = error.message
        response = render(request, "surveys/answer.html", context, status=error.http_status)
        return retry_after_set(response, error)
    # The survey's language, unless the visitor chose one with the language switch.
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(survey.language)
        request.LANGUAGE_CODE = survey.language
    context["survey"] = survey
    if request.method == "POST":
        context.update(
            chosen=request.POST.get("score", ""), comment=request.POST.get("comment", "")
        )
        try:
            services.survey_answer_by_link(
                token=token, score=request.POST.get("score"),
                comment=request.POST.get("comment", ""), user_id=_user_id(request),
            )  # fmt: skip
        except ApplicationError as error:
            context["form_error"] = error.message
            return render(request, "surveys/answer.html", context, status=error.http_status)
        return render(request, "surveys/answer.html", {"thanks": True})
    return render(request, "surveys/answer.html", context)
