"""Pages without an account: account help, feedback, outreach events, contact."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contactcenter.core.errors import InvalidInput
from contactcenter.core.reference_numbers import ReferenceNumber
from contactcenter.inquiries.models import Channel, Inquiry
from contactcenter.offices.models import Office, OfficeClosure
from contactcenter.portal.errors import EventFull
from contactcenter.portal.models import EventRegistration, OutreachEvent
from contactcenter.portal.public_services import event_register, feedback_submit
from contactcenter.routing.models import QueueTier, WorkItem, WorkKind

pytestmark = pytest.mark.django_db


def test_account_help_becomes_a_webform_inquiry_due_in_48_hours(client, portal_data):
    before = timezone.now()
    response = client.post(
        "/account-help/",
        {"topic": "locked", "description": "My account is locked.", "email": "me@example.com"},
    )
    assert response.status_code == 200
    inquiry = Inquiry.objects.get()
    assert inquiry.channel == Channel.WEBFORM
    assert response.context["reference"] == inquiry.reference_number
    ReferenceNumber.parse(inquiry.reference_number)
    item = WorkItem.objects.get(inquiry=inquiry)
    assert item.kind == WorkKind.WEBFORM_REPLY
    assert dt.timedelta(hours=47) < item.due_at - before <= dt.timedelta(hours=48, seconds=5)


def test_account_help_page_says_no_case_information(client):
    page = client.get("/account-help/").content.decode()
    assert "We do not give any case information through it." in page
    assert 'name="website"' in page  # the honeypot


def test_account_help_needs_a_way_to_answer(client, portal_data):
    response = client.post("/account-help/", {"topic": "password", "description": "Help"})
    assert response.status_code == 400
    assert "Give an email address or a phone number" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_honeypot_filled_stores_nothing_but_looks_accepted(client, portal_data):
    response = client.post(
        "/account-help/",
        {"topic": "other", "description": "buy", "email": "bot@example.com", "website": "x"},
    )
    assert response.status_code == 200
    assert not Inquiry.objects.exists()


def test_rate_limit_holds_back_repeated_posts(client, portal_data, settings):
    settings.PORTAL_FORM_RATE_LIMIT = 2
    form = {"topic": "other", "description": "Problem", "email": "me@example.com"}
    assert client.post("/account-help/", form).status_code == 200
    assert client.post("/account-help/", form).status_code == 200
    third = client.post("/account-help/", form)
    assert third.status_code == 429
    assert Inquiry.objects.count() == 2


@pytest.mark.parametrize(
    ("kind", "tier"),
    [
        ("compliment", QueueTier.TIER1),
        ("complaint_service", QueueTier.TIER1),
        ("complaint_officer", QueueTier.SUPERVISOR),
        ("misconduct", QueueTier.SUPERVISOR),
        ("fraud", QueueTier.SUPERVISOR),
        ("accessibility", QueueTier.SUPERVISOR),
    ],
)
def test_feedback_goes_to_the_right_queue(portal_data, kind, tier):
    inquiry = feedback_submit(
        kind=kind, body="What happened", email="a@example.com", phone="", anonymous=False,
        language="en",
    )  # fmt: skip
    assert WorkItem.objects.get(inquiry=inquiry).tier == tier
    assert inquiry.topic == f"feedback: {kind}"


def test_anonymous_fraud_tip_keeps_no_contact(client, portal_data):
    response = client.post(
        "/feedback/",
        {"kind": "fraud", "body": "Someone sells fake forms.", "anonymous": "on",
         "email": "me@example.com"},
    )  # fmt: skip
    assert response.status_code == 200
    inquiry = Inquiry.objects.get()
    assert inquiry.contact_email == "" and inquiry.contact_phone == ""
    assert response.context["reference"] == inquiry.reference_number


def test_anonymous_compliment_refused(portal_data):
    with pytest.raises(InvalidInput):
        feedback_submit(
            kind="compliment", body="Great", email="", phone="", anonymous=True, language="en"
        )
    assert not Inquiry.objects.exists()


@pytest.fixture
def event(db):
    start = timezone.now() + dt.timedelta(days=7)
    return OutreachEvent.objects.create(
        title_en="Naturalization information session",
        title_es="Sesión informativa sobre naturalización",
        description_en="How to apply, step by step.",
        location="Omaha Public Library, 215 S 15th St, Omaha, NE",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=2,
    )


def test_registration_respects_capacity(event):
    event_register(event=event, name="Ana", email="ana@example.com", language="en")
    event_register(event=event, name="Luis", email="luis@example.com", language="es")
    with pytest.raises(EventFull):
        event_register(event=event, name="Third", email="third@example.com", language="en")
    event.refresh_from_db()
    assert event.registered == 2
    assert EventRegistration.objects.count() == 2


def test_registration_page_and_duplicate(client, event):
    url = f"/events/{event.pk}/"
    page = client.get(url).content.decode()
    assert "We do not take questions about individual cases" in page
    ok = client.post(url, {"name": "Ana", "email": "ana@example.com"})
    assert ok.status_code == 200 and ok.context["registered"]
    again = client.post(url, {"name": "Ana", "email": "ANA@example.com"})
    assert again.status_code == 400
    assert EventRegistration.objects.count() == 1


def test_calendar_file(client, event):
    response = client.get(f"/events/{event.pk}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert "SUMMARY:Naturalization information session\r\n" in text
    assert "LOCATION:Omaha Public Library\\, 215 S 15th St\\, Omaha\\, NE" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    spanish = client.get(f"/events/{event.pk}/calendar.ics", HTTP_ACCEPT_LANGUAGE="es")
    assert "Sesión informativa" in spanish.content.decode()


def test_past_event_shows_notes_and_takes_no_registration(client, event):
    event.starts_at = timezone.now() - dt.timedelta(days=3)
    event.ends_at = event.starts_at + dt.timedelta(hours=1)
    event.notes_en = "Slides and answers to common questions."
    event.save()
    page = client.get(f"/events/{event.pk}/")
    assert "Slides and answers" in page.content.decode()
    assert client.get("/events/").context["past"][0][0] == event
    with pytest.raises(InvalidInput):
        event_register(event=event, name="Late", email="late@example.com", language="en")


def test_contact_page_open_now_waits_and_closures(client, portal_data, settings):
    settings.LIVE_HELP_ALWAYS_OPEN = True
    office = Office.objects.filter(kind="field_office").first()
    today = timezone.localdate()
    OfficeClosure.objects.create(
        office=office, starts_on=today, ends_on=today, reason_en="Power outage",
        reason_es="Corte de luz",
    )  # fmt: skip
    feedback_submit(
        kind="compliment", body="Thanks", email="a@example.com", phone="", anonymous=False,
        language="en",
    )  # fmt: skip
    response = client.get("/contact/")
    text = response.content.decode()
    assert "Live help is open now." in text
    assert "Power outage" in text
    webform = next(w for w in response.context["waits"] if w.channel == "webform")
    assert webform.waiting == 1
    assert webform.minutes is None  # nobody has been answered recently: no figure invented


def test_contact_page_closed(client, settings, db):
    settings.LIVE_HELP_ALWAYS_OPEN = False
    settings.LIVE_HELP_OPENS_AT = "00:00"
    settings.LIVE_HELP_CLOSES_AT = "00:01"
    from contactcenter.routing.calendar import live_help_calendar_reset

    live_help_calendar_reset()
    try:
        text = client.get("/contact/").content.decode()
        assert "Live help is closed now." in text
        # Closed: no "No wait" or minutes beside a channel nobody is answering.
        assert "there is no wait to estimate" in text
        assert "People waiting" not in text and "Estimated wait by channel" not in text
    finally:
        live_help_calendar_reset()
