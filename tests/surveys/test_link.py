"""Surveys sent by link: a resolved callback, an answered secure message, a resolved service
request; the public page; never sent twice; closed, unknown and refused links change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contactcenter.inquiries.models import Inquiry
from contactcenter.inquiries.services import (
    inquiry_escalate,
    inquiry_open,
    inquiry_reopen,
    inquiry_resolve,
)
from contactcenter.notifications.models import Notification
from contactcenter.routing.models import WorkItem, WorkKind
from contactcenter.staff.models import Role
from contactcenter.surveys.models import Survey
from contactcenter.surveys.services import survey_invite_for_inquiry
from tests.surveys.conftest import survey_link_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def callback_resolved(signed_in, queues, always_open):
    """A Tier 2 officer calls back, reaches the person and resolves the inquiry, through the
    desk's pages. Returns (inquiry, officer)."""

    def make(*, email: str = "person@example.com", phone: str = "+14025550142"):
        inquiry = inquiry_open(channel="phone", language="es", contact_phone=phone,
                               contact_email=email)  # fmt: skip
        inquiry_escalate(inquiry=inquiry, actor=None, reason="Card not received",
                         urgency="regular")  # fmt: skip
        client, officer = signed_in(Role.TIER2, languages="en,es")
        client.post("/desk/callbacks/take/")
        item = WorkItem.objects.get(inquiry=inquiry, kind=WorkKind.CALLBACK)
        client.post(f"/desk/callbacks/{item.pk}/attempt/", {"outcome": "answered"})
        client.post(f"/desk/callbacks/{item.pk}/resolve/",
                    {"disposition": "resolved_first_contact", "note": ""})  # fmt: skip
        client.logout()
        assert Inquiry.objects.get(pk=inquiry.pk).state == "closed"
        return inquiry, officer, item

    return make


def _invitations() -> list[Notification]:
    return list(Notification.objects.filter(template="survey_invitation").order_by("pk"))


def test_a_resolved_callback_sends_one_survey_link_that_answers_once(client, callback_resolved):
    inquiry, officer, item = callback_resolved()
    survey = Survey.objects.get(inquiry=inquiry)
    assert (survey.channel, survey.invited_by, survey.language) == ("callback", "email", "es")
    assert survey.agent_id == officer.pk and survey.queue_id == item.queue_id
    assert survey.expires_at - survey.invited_at == dt.timedelta(days=28)
    [sent] = _invitations()
    assert (sent.channel, sent.recipient, sent.context) == (
        "email", "person@example.com", {"survey": str(survey.pk)}
    )  # fmt: skip
    link = survey_link_of(sent)
    token = link.split("/")[2]
    assert token not in str(Survey.objects.values_list().get(pk=survey.pk))  # only its hash

    page = client.get(link)
    assert page.status_code == 200
    assert "¿Cómo lo hicimos?" in page.content.decode()  # in the survey's language
    done = client.post(link, {"score": "4", "comment": "  Muy amable.  "})
    assert done.status_code == 200 and b'data-testid="survey-thanks"' in done.content
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (4, "Muy amable.")
    assert survey.answered_at is not None

    again = client.post(link, {"score": "1"})
    assert again.status_code == 410
    assert b"already been answered" in again.content or "ya" in again.content.decode()
    survey.refresh_from_db()
    assert survey.score == 4


def test_never_sent_twice_for_one_contact(callback_resolved, staff):
    inquiry, officer, _item = callback_resolved()
    reopened = inquiry_reopen(inquiry=inquiry, actor=officer, reason="Called again")
    inquiry_resolve(inquiry=reopened, actor=officer, disposition="resolved_first_contact")
    assert survey_invite_for_inquiry(inquiry=inquiry, channel="callback", agent_id=None) is None
    assert Survey.objects.filter(inquiry=inquiry).count() == 1
    assert len(_invitations()) == 1


def test_no_survey_when_the_callback_never_reached_the_person(signed_in, queues, always_open):
    inquiry = inquiry_open(channel="phone", language="en", contact_phone="+14025550142",
                           contact_email="person@example.com")  # fmt: skip
    inquiry_escalate(inquiry=inquiry, actor=None, reason="x", urgency="regular")
    client, _officer = signed_in(Role.TIER2)
    client.post("/desk/callbacks/take/")
    item = WorkItem.objects.get(inquiry=inquiry, kind=WorkKind.CALLBACK)
    client.post(f"/desk/callbacks/{item.pk}/attempt/", {"outcome": "no_answer"})
    client.post(f"/desk/callbacks/{item.pk}/attempt/", {"outcome": "no_answer"})
    assert Inquiry.objects.get(pk=inquiry.pk).disposition == "no_answer"
    assert not Survey.objects.exists() and not _invitations()


def test_a_text_when_there_is_no_email(callback_resolved):
    inquiry, _officer, _item = callback_resolved(email="")
    [sent] = _invitations()
    assert (sent.channel, sent.recipient) == ("sms", "+14025550142")
    assert Survey.objects.get(inquiry=inquiry).invited_by == "sms"
    assert "/survey/" in survey_link_of(sent)


@pytest.mark.parametrize("score", ["0", "6", "x", "", "4.5", "٣"])
def test_a_bad_score_changes_nothing(client, callback_resolved, score):
    _inquiry, _officer, _item = callback_resolved()
    link = survey_link_of(_invitations()[0])
    response = client.post(link, {"score": score, "comment": "hello"})
    assert response.status_code == 400
    assert b'data-testid="survey-form-error"' in response.content
    survey = Survey.objects.get()
    assert (survey.score, survey.answered_at, survey.comment) == (None, None, "")


def test_a_comment_too_long_changes_nothing(client, callback_resolved):
    callback_resolved()
    link = survey_link_of(_invitations()[0])
    response = client.post(link, {"score": "5", "comment": "x" * 1001})
    assert response.status_code == 400
    assert Survey.objects.get().answered_at is None


def test_after_28_days_the_link_is_closed(client, callback_resolved):
    callback_resolved()
    link = survey_link_of(_invitations()[0])
    Survey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    page = client.get(link)
    assert page.status_code == 410 and b"closed 28 days" in page.content
    answer = client.post(link, {"score": "5"})
    assert answer.status_code == 410
    assert Survey.objects.get().answered_at is None


def test_an_unknown_or_altered_link_is_refused(client, callback_resolved):
    callback_resolved()
    link = survey_link_of(_invitations()[0])
    altered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    for path in (altered, "/survey/nothing/"):
        response = client.post(path, {"score": "5"})
        assert response.status_code == 404
        assert b"not one we sent" in response.content
    assert Survey.objects.get().answered_at is None


def test_the_officer_who_handled_it_cannot_answer(client, callback_resolved, staff):
    _inquiry, officer, _item = callback_resolved()
    link = survey_link_of(_invitations()[0])
    client.force_login(officer)
    page = client.get(link)
    assert page.status_code == 403 and b"You handled this contact" in page.content
    assert client.post(link, {"score": "5"}).status_code == 403
    assert Survey.objects.get().answered_at is None
    # Another member of staff (or anyone signed out) is not refused.
    client.force_login(staff(Role.TIER1))
    assert client.post(link, {"score": "2"}).status_code == 200
    assert Survey.objects.get().score == 2


def test_the_public_form_is_rate_limited(client, callback_resolved, settings):
    callback_resolved()
    link = survey_link_of(_invitations()[0])
    settings.CASE_STATUS_RATE_LIMIT = 2
    address = {"REMOTE_ADDR": "203.0.113.77"}  # counted apart from the other tests' visits
    assert client.get("/survey/guess1/", **address).status_code == 404
    assert client.get("/survey/guess2/", **address).status_code == 404
    limited = client.post(link, {"score": "5"}, **address)
    assert limited.status_code == 429 and limited.has_header("Retry-After")
    assert Survey.objects.get().answered_at is None
