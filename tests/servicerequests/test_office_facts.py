"""A service request's steps, through the real services, as the operations fold counts them
per office: received at the office it was routed to, sent on to another, resolved there with
its time from receipt. The events carry the office ids the fold needs (ids only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contactcenter.offices.models import Office
from contactcenter.operations.models import ContactEventRecord, OfficeFacts
from contactcenter.operations.services import interval_facts_fold
from contactcenter.servicerequests.services import (
    service_request_open,
    service_request_resolve,
    service_request_transfer,
)
from contactcenter.staff.models import Role
from tests.factories import StaffUserFactory


@pytest.fixture(autouse=True)
def _settled_at_once(settings):
    settings.OPERATIONS_FOLD_SETTLE_SECONDS = 0


def test_received_transferred_and_resolved_are_counted_per_office(create, clerk):
    request = create().request
    first, second = Office.objects.get(code="NBC"), Office.objects.get(code="NSC")
    service_request_open(request=request, actor=clerk)
    service_request_transfer(request=request, actor=clerk, to_office=second, reason="Their file.")
    other_clerk = StaffUserFactory(role=Role.OFFICE_STAFF, office=second)
    service_request_resolve(request=request, actor=other_clerk, note="Corrected.")
    request.refresh_from_db()

    transfer = ContactEventRecord.objects.get(channel="service_request", kind="transferred")
    assert transfer.detail["office_id"] == second.pk
    assert transfer.detail["from_office_id"] == first.pk
    interval_facts_fold(now=timezone.now() + dt.timedelta(seconds=1))

    def summed(office: Office) -> dict[str, int]:
        rows = OfficeFacts.objects.filter(office_id=office.pk, channel="service_request")
        names = ("received", "transferred_in", "transferred_out", "resolved", "resolved_timed")
        return {name: sum(getattr(row, name) for row in rows) for name in names}

    assert summed(first) == {
        "received": 1, "transferred_in": 0, "transferred_out": 1, "resolved": 0,
        "resolved_timed": 0,
    }  # fmt: skip
    assert summed(second) == {
        "received": 0, "transferred_in": 1, "transferred_out": 0, "resolved": 1,
        "resolved_timed": 1,
    }  # fmt: skip
    took = OfficeFacts.objects.get(office_id=second.pk, resolved=1).resolve_ms
    expected = (request.resolved_at - request.created_at).total_seconds() * 1000
    assert abs(took - expected) < 1_000  # from the receipt's event to the resolution's
