"""After `contactcenter seed` every staff screen has work on it: outreach events on /events/,
requests in each demo office user's queue, appointment requests for Tier 2 to review, Tier 2
callbacks (some overdue, some due later today) and secure messages in applicants' accounts,
all made through the apps' services, and the same plan for the same seed and day."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from contactcenter.appointments.models import AppointmentRequest
from contactcenter.appointments.selectors import appointment_requests_pending
from contactcenter.desk.callbacks import callbacks_for_officer
from contactcenter.inquiries.models import Inquiry, InquiryState
from contactcenter.portal.models import AccountLink, OutreachEvent, Thread
from contactcenter.portal.selectors import desk_threads_waiting
from contactcenter.routing.models import Agent, QueueTier, WorkItem, WorkKind, WorkState
from contactcenter.routing.services import work_item_claim
from contactcenter.servicerequests.models import EventKind, ServiceRequest, ServiceRequestState
from contactcenter.servicerequests.selectors import office_queue
from contactcenter.setup.demo.build import demo_plan_build
from contactcenter.setup.demo.staff import DEMO_PASSWORDS
from contactcenter.setup.demo.work import ACCOUNT_DOMAIN, APPLICANT_PASSWORD, QUEUE_OFFICES
from contactcenter.staff.models import Role
from tests.browser import web_settings
from tests.factories import clear_disclosure_log_for_flush

CASES = 40


FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _web(settings):
    web_settings(settings)  # plain HTTP, and the fast hashing the accounts were made with


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One demo database for the module, seeded as of the real today (the events and
    callbacks are timed from now); each test's changes are rolled back, and the tables are
    emptied at the end. Returns the command's output."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHING):
        out = StringIO()
        call_command("seed", stdout=out, cases=CASES, seed=5)
        try:
            yield out.getvalue()
        finally:
            clear_disclosure_log_for_flush()  # the log is append-only, even for a flush
            call_command("flush", interactive=False, verbosity=0)


def _user(username: str):
    return get_user_model().objects.get(username=username)


def test_the_work_is_planned_the_same_for_the_same_seed_and_day():
    today = dt.date(2026, 11, 20)
    plan = demo_plan_build(cases=CASES, seed=5, today=today)
    assert plan.work == demo_plan_build(cases=CASES, seed=5, today=today).work
    assert plan.outreach_events == demo_plan_build(cases=CASES, seed=5, today=today).outreach_events
    work = plan.work
    assert {r.office for r in work.service_requests} == set(QUEUE_OFFICES)
    assert {r.stage for r in work.service_requests} == {"new", "in_progress", "awaiting_person"}
    assert {c.urgency for c in work.callbacks} == {"urgent", "regular"}
    assert (
        min(c.due_in_minutes for c in work.callbacks)
        < 0
        < max(c.due_in_minutes for c in work.callbacks)
    )
    assert any(t.reply for t in work.threads) and any(not t.reply for t in work.threads)
    assert {e.location == "Online" for e in plan.outreach_events} == {True, False}
    assert all(e.starts_at.date() > today for e in plan.outreach_events)
    assert len({a.email for a in work.accounts}) == len(work.accounts)
    assert all(a.email.endswith("@" + ACCOUNT_DOMAIN) for a in work.accounts)


def test_each_demo_office_user_finds_requests_in_its_queue(seeded, client):
    assert "service requests in the office queues" in seeded
    states = set()
    for office in QUEUE_OFFICES:
        username = f"office.{office.lower()}"
        user = _user(username)
        rows = office_queue(viewer=user)
        assert rows, office
        states |= {row.request.state for row in rows}
        assert all(row.request.office.code == office for row in rows)
        # Every request came from the applicant's account: verified, with its inquiry closed.
        for row in rows:
            inquiry = row.request.inquiry
            assert inquiry.is_verified and inquiry.case_id == row.request.case_id
        assert client.login(username=username, password=DEMO_PASSWORDS[Role.OFFICE_STAFF])
        page = client.get(reverse("servicerequests:queue")).content.decode()
        assert all(row.request.number in page for row in rows)
    assert states == {ServiceRequestState.ROUTED, ServiceRequestState.IN_PROGRESS}
    answered = ServiceRequest.objects.filter(events__kind=EventKind.REPLY)
    assert answered.filter(state=ServiceRequestState.IN_PROGRESS).exists()  # awaiting the person


def test_upcoming_outreach_events_are_listed_in_english_and_spanish(seeded, client):
    events = list(OutreachEvent.objects.filter(starts_at__gt=timezone.now()))
    assert len(events) >= 5
    assert any(e.location == "Online" for e in events)
    assert any("Field Office" in e.location for e in events)
    assert any(e.registered > 0 for e in events)
    assert all(e.registered == e.registrations.count() for e in events)
    english = client.get("/events/").content.decode()
    assert all(e.title_en in english for e in events)
    spanish = client.get("/events/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert any(e.title_es in spanish for e in events)


def test_appointment_requests_wait_for_tier2_review(seeded, client):
    pending = list(appointment_requests_pending())
    assert len(pending) >= 4
    assert any(r.urgent for r in pending) and any(not r.urgent for r in pending)
    assert any(r.reason == "emergency_travel_document" for r in pending)
    assert any(r.accommodations for r in pending)
    assert all(r.inquiry.is_verified for r in pending)
    assert client.login(username="tier2.dana", password=DEMO_PASSWORDS[Role.TIER2])
    page = client.get(reverse("appointments:staff-requests"))
    assert page.status_code == 200
    assert AppointmentRequest.objects.count() == len(pending)


def test_tier2_callbacks_are_due_some_overdue_some_later_today(seeded, client):
    now = timezone.now()
    waiting = list(
        WorkItem.objects.filter(
            kind=WorkKind.CALLBACK, state=WorkState.QUEUED, tier=QueueTier.TIER2
        ).select_related("inquiry")
    )
    assert len(waiting) >= 4
    assert any(item.due_at < now for item in waiting)
    later = [item for item in waiting if item.due_at > now]
    assert later and all(
        timezone.localdate(item.due_at) == timezone.localdate(now) for item in later
    )
    assert {item.language for item in waiting} == {"en", "es"}
    for item in waiting:
        assert item.inquiry.state == InquiryState.ESCALATED and item.inquiry.is_verified
    # In the calling window an officer takes the longest waiting one and sees it on the page.
    dana = _user("tier2.dana")
    agent = Agent.objects.get(user=dana)
    weekday = timezone.localdate(now) + dt.timedelta(days=1)
    while weekday.weekday() >= 5:
        weekday += dt.timedelta(days=1)
    window = dt.datetime.combine(weekday, dt.time(11), tzinfo=ZoneInfo("America/New_York"))
    taken = work_item_claim(agent=agent, now=window)
    assert taken is not None and taken.kind == WorkKind.CALLBACK
    assert list(callbacks_for_officer(agent=agent)) == [taken]
    assert client.login(username="tier2.dana", password=DEMO_PASSWORDS[Role.TIER2])
    page = client.get(reverse("desk:callbacks")).content.decode()
    assert taken.inquiry.reference_number in page


def test_secure_messages_wait_for_staff_and_answers_wait_for_the_person(seeded, client):
    threads = list(Thread.objects.select_related("user"))
    assert len(threads) >= 4
    # The showcase applicants' accounts the README names.
    emails = {thread.user.email for thread in threads}
    assert {"rahul.mehta@applicant.example", "grace.turner@applicant.example"} <= emails
    waiting = list(desk_threads_waiting())
    assert waiting and len(waiting) < len(threads)
    assert WorkItem.objects.filter(
        kind=WorkKind.SECURE_MESSAGE, state=WorkState.QUEUED
    ).count() == len(waiting)
    answered = [t for t in threads if not t.awaiting_reply]
    assert all(t.messages.filter(from_staff=True, read_at__isnull=True).exists() for t in answered)
    # The applicant signs in with the documented password and finds the thread in the inbox.
    thread = answered[0]
    assert AccountLink.objects.filter(user=thread.user, person_id=thread.case.applicant_id).exists()
    signed_in = client.post(
        "/accounts/login/", {"login": thread.user.email, "password": APPLICANT_PASSWORD}
    )
    assert signed_in.status_code == 302
    inbox = client.get("/account/messages/").content.decode()
    assert thread.subject in inbox


def test_a_second_seed_with_if_empty_adds_no_work(seeded):
    counts = (
        ServiceRequest.objects.count(),
        Inquiry.objects.count(),
        Thread.objects.count(),
        OutreachEvent.objects.count(),
    )
    out = StringIO()
    call_command("seed", stdout=out, cases=CASES, seed=5, if_empty=True)
    assert "not seeding" in out.getvalue()
    assert counts == (
        ServiceRequest.objects.count(),
        Inquiry.objects.count(),
        Thread.objects.count(),
        OutreachEvent.objects.count(),
    )
