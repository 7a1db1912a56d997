from __future__ import annotations

import re

import pytest

from contactcenter.notifications.catalogue import message_render
from contactcenter.notifications.models import Notification


@pytest.fixture
def signed_in(client, staff):
    """A client signed in as a new member of staff in ``role``; returns (client, user)."""

    def make(role: str, **kwargs):
        user = staff(role, **kwargs)
        client.force_login(user)
        return client, user

    return make


def survey_link_of(notification: Notification) -> str:
    """The path of the survey link in the message as the person receives it."""
    body = message_render(
        key=notification.template, language=notification.language,
        channel=notification.channel, context=notification.context,
    ).body  # fmt: skip
    match = re.search(r"https?://[^/\s]+(/survey/[A-Za-z0-9_-]+/)", body)
    assert match, body
    return match.group(1)
