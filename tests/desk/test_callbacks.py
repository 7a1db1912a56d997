"""Tier 2: take the next callback in the calling window, log attempts, text ahead, resolve."""

from __future__ import annotations

import pytest

from contactcenter.inquiries.models import Inquiry, InquiryState
from contactcenter.inquiries.services import inquiry_escalate, inquiry_open
from contactcenter.routing.models import CallbackAttempt, WorkItem, WorkKind, WorkState
from contactcenter.staff.models import Role

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def escalated(queues):
    def make(*, phone: str = "+14025550142", urgency: str = "regular") -> Inquiry:
        inquiry = inquiry_open(channel="phone", language="en", contact_phone=phone)
        return inquiry_escalate(inquiry=inquiry, actor=None, reason="Card not received",
                                urgency=urgency)  # fmt: skip

    return make


@pytest.fixture
def window_closed(settings, monkeypatch):
    """A moment outside the calling window, whatever the hour the tests run at."""
    from contactcenter.desk import views
    from contactcenter.routing import services

    settings.LIVE_HELP_ALWAYS_OPEN = False
    monkeypatch.setattr(views, "calling_window_open", lambda now=None: False)
    monkeypatch.setattr(services, "calling_window_open", lambda now=None: False)


def test_take_next_outside_the_calling_window_says_why(signed_in, escalated, window_closed):
    client, _user = signed_in(Role.TIER2)
    inquiry = escalated()
    page = client.get("/desk/callbacks/")
    assert b"The calling window is closed now" in page.content
    response = client.post("/desk/callbacks/take/", follow=True)
    assert any("only in the calling window" in m for m in messages_of(response))
    assert WorkItem.objects.get(inquiry=inquiry, kind=WorkKind.CALLBACK).state == WorkState.QUEUED


def test_take_next_with_nothing_waiting(signed_in, queues, always_open):
    client, _user = signed_in(Role.TIER2)
    response = client.post("/desk/callbacks/take/", follow=True)
    assert "No callbacks are waiting." in messages_of(response)


def test_take_log_attempts_and_resolve(signed_in, escalated, always_open):
    client, user = signed_in(Role.TIER2)
    inquiry = escalated()
    taken = client.post("/desk/callbacks/take/", follow=True)
    assert f"Callback {inquiry.reference_number} is yours." in messages_of(taken)
    item = WorkItem.objects.get(inquiry=inquiry, kind=WorkKind.CALLBACK)
    assert item.state == WorkState.ASSIGNED and item.assigned_to.user == user
    content = taken.content.decode()
    assert inquiry.reference_number in content and "+14025550142" in content

    busy = client.post("/desk/callbacks/take/", follow=True)
    assert "Finish the callback you hold before taking another." in messages_of(busy)

    missed = client.post(f"/desk/callbacks/{item.pk}/attempt/", {"outcome": "no_answer"},
                         follow=True)  # fmt: skip
    assert "Call attempt logged." in messages_of(missed)
    assert "No answer" in missed.content.decode()
    answered = client.post(f"/desk/callbacks/{item.pk}/attempt/", {"outcome": "answered"},
                           follow=True)  # fmt: skip
    assert "Call attempt logged." in messages_of(answered)
    assert Inquiry.objects.get(pk=inquiry.pk).state == InquiryState.ACTIVE
    assert list(CallbackAttempt.objects.values_list("outcome", flat=True)) == [
        "no_answer", "answered"
    ]  # fmt: skip

    no_disposition = client.post(f"/desk/callbacks/{item.pk}/resolve/", {"disposition": ""},
                                 follow=True)  # fmt: skip
    assert any(m.startswith("Disposition:") for m in messages_of(no_disposition))
    resolved = client.post(
        f"/desk/callbacks/{item.pk}/resolve/",
        {"disposition": "service_request_created", "note": "Sent to the office."},
        follow=True,
    )
    assert f"Inquiry {inquiry.reference_number} resolved." in messages_of(resolved)
    assert b'data-testid="no-callbacks"' in resolved.content
    item.refresh_from_db()
    assert item.state == WorkState.DONE
    assert Inquiry.objects.get(pk=inquiry.pk).disposition == "service_request_created"


def test_second_missed_call_closes_the_inquiry(signed_in, escalated, always_open):
    client, _user = signed_in(Role.TIER2)
    inquiry = escalated()
    client.post("/desk/callbacks/take/")
    item = WorkItem.objects.get(inquiry=inquiry, kind=WorkKind.CALLBACK)
    client.post(f"/desk/callbacks/{item.pk}/attempt/", {"outcome": "voicemail"})
    response = client.post(f"/desk/callbacks/{item.pk}/attempt/", {"outcome": "busy"},
                           follow=True)  # fmt: skip
    assert any(m.startswith("Second missed call") for m in messages_of(response))
    assert Inquiry.objects.get(pk=inquiry.pk).disposition == "no_answer"


def test_attempt_with_unknown_outcome_or_on_someone_elses_callback(
    signed_in, escalated, always_open, client
):
    client_a, _a = signed_in(Role.TIER2)
    inquiry = escalated()
    client_a.post("/desk/callbacks/take/")
    item = WorkItem.objects.get(inquiry=inquiry, kind=WorkKind.CALLBACK)
    bad = client_a.post(f"/desk/callbacks/{item.pk}/attempt/", {"outcome": "shrug"}, follow=True)
    assert any(m.startswith("How the call went:") for m in messages_of(bad))
    client.logout()
    client_b, _b = signed_in(Role.TIER2)
    other = client_b.post(f"/desk/callbacks/{item.pk}/attempt/", {"outcome": "answered"},
                          follow=True)  # fmt: skip
    assert "Only the officer holding this callback can log a call." in messages_of(other)
    resolve = client_b.post(f"/desk/callbacks/{item.pk}/resolve/",
                            {"disposition": "referred"}, follow=True)  # fmt: skip
    assert "Only the officer holding this callback can resolve it." in messages_of(resolve)
    assert not CallbackAttempt.objects.exists()
    assert Inquiry.objects.get(pk=inquiry.pk).state == InquiryState.ESCALATED


def test_text_ahead_queues_a_text(signed_in, escalated, always_open):
    from contactcenter.notifications.models import Notification

    client, _user = signed_in(Role.TIER2)
    inquiry = escalated()
    client.post("/desk/callbacks/take/")
    item = WorkItem.objects.get(inquiry=inquiry, kind=WorkKind.CALLBACK)
    page = client.get("/desk/callbacks/")
    assert b"disabled" not in page.content.split(b"Text ahead")[0].rsplit(b"<button", 1)[1]
    response = client.post(f"/desk/callbacks/{item.pk}/text/", follow=True)
    assert "Text sent: the person can reply YES if they are free." in messages_of(response)
    item.refresh_from_db()
    assert item.text_ahead_sent_at is not None
    note = Notification.objects.get(inquiry=inquiry, template="callback_text_ahead")
    assert note.channel == "sms" and note.recipient == "+14025550142"


def test_text_ahead_button_is_disabled_without_notifications(
    signed_in, escalated, always_open, monkeypatch
):
    from contactcenter.desk import views

    monkeypatch.setattr(views, "_text_ahead_available", lambda: False)
    client, _user = signed_in(Role.TIER2)
    inquiry = escalated()
    client.post("/desk/callbacks/take/")
    item = WorkItem.objects.get(inquiry=inquiry, kind=WorkKind.CALLBACK)
    page = client.get("/desk/callbacks/")
    assert b"Texting is not available on this installation." in page.content
    refused = client.post(f"/desk/callbacks/{item.pk}/text/", follow=True)
    assert "Texting ahead is not available on this installation." in messages_of(refused)
    item.refresh_from_db()
    assert item.text_ahead_sent_at is None


def test_tier2_sees_the_case_of_an_inquiry_tier1_verified(signed_in, held_call, case, client):
    from tests.desk.conftest import GOOD_ANSWERS

    t1_client, t1 = signed_in(Role.TIER1)
    item = held_call(t1)
    url = f"/desk/inquiries/{item.inquiry.reference_number}/"
    t1_client.post(url + "identity/", GOOD_ANSWERS)
    t1_client.post(url + "escalate/", {"escalate-reason": "r", "escalate-urgency": "regular"})
    client.logout()
    t2_client, _t2 = signed_in(Role.TIER2)
    assert t2_client.get(url).status_code == 404  # not theirs until they take it
    t2_client.post("/desk/callbacks/take/")
    page = t2_client.get(url)
    assert page.status_code == 200 and "Ana Reyes" in page.content.decode()
