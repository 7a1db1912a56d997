"""The phone lines' day on the supervisors' board: how today's calls ended, line by line."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone
from django.utils.translation import override

from contactcenter.ivr.models import Call, FlowVersion, Outcome
from contactcenter.ivr.selectors import phone_lines_today

pytestmark = pytest.mark.django_db

_sids = itertools.count(1)


def call(line: str, outcome: str = "", *, started: dt.datetime, ended: bool = True) -> Call:
    return Call.objects.create(
        call_sid=f"CA{next(_sids):032d}", line=line, started_at=started,
        flow_version=FlowVersion.objects.get(line=line, active=True), outcome=outcome,
        ended_at=started + dt.timedelta(minutes=3) if ended else None,
    )  # fmt: skip


def test_each_line_with_its_outcomes_in_order_and_its_calls_in_progress(ivr):
    now = timezone.localtime().replace(hour=15, minute=0, second=0, microsecond=0)
    morning = now - dt.timedelta(hours=5)
    for outcome in [Outcome.SELF_SERVED] * 6 + [Outcome.ABANDONED, Outcome.QUEUED] * 1:
        call("main", outcome, started=morning)
    call("main", Outcome.AFTER_HOURS, started=morning - dt.timedelta(days=1))  # yesterday
    call("main", started=now - dt.timedelta(minutes=1), ended=False)
    call("tty", started=now - dt.timedelta(minutes=1), ended=False)

    main, tty = phone_lines_today(now=now)

    assert (main.line, main.title, main.ended, main.in_progress) == (
        "main", "Main contact center line", 8, 1,
    )  # fmt: skip
    assert [(s.outcome, s.count) for s in main.shares] == [
        ("self_served", 6), ("queued", 1), ("abandoned", 1),
    ]  # fmt: skip
    assert [(s.start, s.width) for s in main.shares] == [
        ("0.00", "75.00"), ("75.00", "12.50"), ("87.50", "12.50"),
    ]  # fmt: skip
    assert main.self_served_percent == 75
    assert (tty.ended, tty.in_progress, tty.shares, tty.self_served_percent) == (0, 1, (), None)


def test_titles_and_labels_in_spanish(ivr):
    now = timezone.localtime().replace(hour=15)
    call("main", Outcome.SELF_SERVED, started=now - dt.timedelta(hours=1))
    with override("es"):
        (main,) = phone_lines_today(language="es", now=now)
        assert main.title == "Línea principal del centro de contacto"
        assert main.shares[0].label == "Autoservicio"


def test_no_calls_no_lines(ivr):
    assert phone_lines_today() == []
