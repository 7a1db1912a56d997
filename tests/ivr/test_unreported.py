"""Calls whose end the provider never reported are closed by a periodic job, as the status
callback would have closed them, so what a caller said is never left without an inquiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contactcenter.core.periodic import periodic_jobs
from contactcenter.inquiries.models import InquiryState
from contactcenter.ivr.models import Call, Outcome
from contactcenter.ivr.services import (
    BRIDGED_CALL_LIMIT,
    CALL_SILENT_AFTER,
    calls_close_unreported,
)
from contactcenter.routing.models import WorkItem, WorkState

from .test_calls import keyed

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


def later(delta: dt.timedelta) -> dt.datetime:
    return timezone.now() + delta


def test_a_call_left_in_a_menu_is_closed_once_silent_long_enough(phone):
    call = phone("main")
    call.run(["1"])  # then the line went dead, and no status callback came

    assert calls_close_unreported(now=later(CALL_SILENT_AFTER - MINUTE)) == 0
    assert Call.objects.get().ended_at is None

    assert calls_close_unreported(now=later(CALL_SILENT_AFTER + MINUTE)) == 1
    row = Call.objects.select_related("inquiry").get()
    assert row.outcome == Outcome.ABANDONED and row.ended_at is not None
    assert row.inquiry.state == InquiryState.CLOSED
    assert "Caller: 1" in row.inquiry.events.filter(kind="message").get().body
    assert calls_close_unreported(now=later(CALL_SILENT_AFTER + MINUTE)) == 0  # once only


def test_a_caller_who_heard_the_status_and_hung_up_keeps_the_transcript(phone, known_case):
    call = phone("main")
    call.run(["1", "1", keyed(known_case.receipt_number)])
    assert calls_close_unreported(now=later(CALL_SILENT_AFTER + MINUTE)) == 1
    row = Call.objects.select_related("inquiry").get()
    assert row.ended_at is not None and row.inquiry is not None
    body = " ".join(row.inquiry.events.values_list("body", flat=True))
    assert "Caller: [RECEIPT]" in body and known_case.receipt_number not in body
    assert known_case.receipt_number not in str(row.state)  # collected values removed


def test_a_caller_left_in_line_leaves_the_line(phone):
    call = phone("main")
    call.run(["1", "4"])  # to a representative: in line
    assert calls_close_unreported(now=later(CALL_SILENT_AFTER + MINUTE)) == 1
    row = Call.objects.get()
    assert row.outcome == Outcome.ABANDONED
    assert WorkItem.objects.get(inquiry=row.inquiry_id).state == WorkState.CANCELLED


def test_a_call_handed_to_an_agent_is_given_the_longest_call(phone):
    call = phone("main")
    call.run(["1", "4"])
    Call.objects.update(bridged_at=timezone.now())  # the agent took it: no more requests

    assert calls_close_unreported(now=later(CALL_SILENT_AFTER + MINUTE)) == 0
    assert calls_close_unreported(now=later(BRIDGED_CALL_LIMIT - MINUTE)) == 0
    assert calls_close_unreported(now=later(BRIDGED_CALL_LIMIT + MINUTE)) == 1
    row = Call.objects.get()
    assert row.outcome == Outcome.QUEUED  # the agent settles the inquiry, as after a callback
    assert row.ended_at is not None


def test_calls_that_ended_are_left_alone(phone, known_case):
    call = phone("main")
    call.run(["1", "1", keyed(known_case.receipt_number), "9"])
    ended = Call.objects.get()
    assert calls_close_unreported(now=later(dt.timedelta(days=1))) == 0
    assert Call.objects.get().ended_at == ended.ended_at


def test_the_job_is_registered_for_the_worker():
    (job,) = [job for job in periodic_jobs() if job.name == "ivr.close_unreported_calls"]
    assert job.run is calls_close_unreported
    assert job.every <= CALL_SILENT_AFTER
