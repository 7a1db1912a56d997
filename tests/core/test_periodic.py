import datetime as dt

import pytest
from django.utils import timezone

from contactcenter.core import periodic
from contactcenter.core.models import PeriodicJobRun


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(periodic, "_REGISTRY", {})
    return periodic


@pytest.mark.django_db
def test_due_jobs_run_once_per_interval(registry):
    calls = []
    registry.periodic_register("a", every=dt.timedelta(seconds=10), run=lambda: calls.append(1))
    now = timezone.now()
    assert registry.periodic_run_due(now=now) == ["a"]
    assert registry.periodic_run_due(now=now + dt.timedelta(seconds=5)) == []
    assert registry.periodic_run_due(now=now + dt.timedelta(seconds=10)) == ["a"]
    assert calls == [1, 1]
    row = PeriodicJobRun.objects.get(name="a")
    assert row.runs == 2 and row.last_error == ""


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_others_still_run(registry):
    calls = []

    def broken():
        raise RuntimeError("boom")

    registry.periodic_register("broken", every=dt.timedelta(seconds=10), run=broken)
    registry.periodic_register("fine", every=dt.timedelta(seconds=10), run=lambda: calls.append(1))
    assert registry.periodic_run_due() == ["broken", "fine"]
    assert calls == [1]
    assert "boom" in PeriodicJobRun.objects.get(name="broken").last_error


def test_routing_registers_its_jobs():
    names = {job.name for job in periodic.periodic_jobs()}
    assert {"routing.expire_offers", "routing.flag_overdue"} <= names
