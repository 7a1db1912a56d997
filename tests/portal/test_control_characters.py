"""The secure inbox refuses control characters in a subject or message and writes nothing."""

from __future__ import annotations

import pytest

from contactcenter.core.text_input import ControlCharacters
from contactcenter.portal.models import Message, Thread
from contactcenter.portal.services import thread_message_add, thread_start

pytestmark = pytest.mark.django_db


def test_the_secure_inbox_refuses_them_and_writes_nothing(applicant):
    user, case = applicant
    with pytest.raises(ControlCharacters):
        thread_start(user=user, case=case, subject="Hi\x00", body="Body", language="en")
    with pytest.raises(ControlCharacters):
        thread_start(user=user, case=case, subject="Hi", body="Body\x1b[2J", language="en")
    assert not Thread.objects.exists()
    thread = thread_start(
        user=user, case=case, subject="Hi", body="Line one\nline two", language="en"
    )
    with pytest.raises(ControlCharacters):
        thread_message_add(user=user, thread=thread, body="again\x00", language="en")
    assert Message.objects.count() == 1


def test_the_inbox_page_shows_the_error(client, applicant):
    user, case = applicant
    client.force_login(user)
    response = client.post(
        f"/account/cases/{case.pk}/ask/", {"subject": "Hello", "body": "escape \x1b[2J here"}
    )
    assert response.status_code == 400
    assert "control characters" in response.content.decode()
    assert not Thread.objects.exists()
