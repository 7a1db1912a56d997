"""The single-use link a survey is sent with, and how a token finds its survey again.

The token is an HMAC, under the server's secret key, of the survey's id and a random salt kept
on the survey; the survey keeps only the token's SHA-256. So the database alone cannot make a
working link (the key is needed), the notification stores only the survey's id, and the link is
made again when the email or text is rendered. A token that was tampered with, or made for a
survey since deleted, simply matches nothing.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping

from django.urls import reverse
from django.utils.crypto import salted_hmac

from contactcenter.agency.selectors import public_base_url
from contactcenter.surveys.models import Survey

INVITATION_TEMPLATE = "survey_invitation"
_KEY_SALT = "contactcenter.surveys.link"


def token_salt_new() -> str:
    return secrets.token_hex(16)


def token_for(*, survey_id: int, salt: str) -> str:
    digest = salted_hmac(_KEY_SALT, f"{survey_id}:{salt}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_url(token: str) -> str:
    return f"{public_base_url()}{reverse('surveys:answer', kwargs={'token': token})}"


def invitation_render_context(context: Mapping[str, str]) -> Mapping[str, object]:
    """The link for an invitation being rendered (``context["survey"]`` is the survey's id).
    A survey deleted since (retention) gets no link: the message says where to call instead."""
    survey = Survey.objects.filter(pk=int(context["survey"])).only("token_salt").first()
    if survey is None or not survey.token_salt:
        return {"survey_url": ""}
    return {"survey_url": survey_url(token_for(survey_id=survey.pk, salt=survey.token_salt))}
