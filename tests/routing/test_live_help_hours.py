"""Hours of live help approved per weekday: stored as a record, read by the business calendar
from the day they take effect, spoken by the phone line and shown on the contact page."""

import datetime as dt

import pytest
from django.utils import timezone

from contactcenter.core.business_calendar import BusinessCalendar
from contactcenter.core.errors import InvalidInput
from contactcenter.routing.calendar import (
    live_help_calendar,
    live_help_calendar_reset,
    live_help_hours_text,
    week_hours_text,
)
from contactcenter.routing.models import LiveHelpHours
from contactcenter.routing.services import live_help_hours_approve

LONG_MONDAY = [
    {"weekday": 0, "opens": "07:00", "closes": "21:00"},
    {"weekday": 1, "opens": "08:00", "closes": "20:00"},
    {"weekday": 2, "opens": "08:00", "closes": "20:00"},
    {"weekday": 3, "opens": "08:00", "closes": "20:00"},
    {"weekday": 4, "opens": "09:00", "closes": "17:30"},
    {"weekday": 5, "opens": "09:00", "closes": "13:00"},
]


@pytest.fixture(autouse=True)
def _fresh_calendar(settings):
    settings.LIVE_HELP_ALWAYS_OPEN = False
    live_help_calendar_reset()
    yield
    live_help_calendar_reset()


def test_default_hours_read_as_before(db):
    assert live_help_hours_text() == {
        "en": "Monday through Friday, 8 a.m. to 8 p.m. Eastern time, except federal holidays",
        "es": "de lunes a viernes, de 8 a. m. a 8 p. m., hora del Este, excepto los días "
        "feriados federales",
    }


def test_week_hours_text_groups_days_with_the_same_hours():
    calendar = BusinessCalendar(
        week_hours=tuple(
            (
                row["weekday"],
                dt.time.fromisoformat(row["opens"]),
                dt.time.fromisoformat(row["closes"]),
            )
            for row in LONG_MONDAY
        )
    )
    assert week_hours_text(calendar, "en") == (
        "Monday, 7 a.m. to 9 p.m.; Tuesday through Thursday, 8 a.m. to 8 p.m.; "
        "Friday, 9 a.m. to 5:30 p.m.; Saturday, 9 a.m. to 1 p.m. Eastern time, "
        "except federal holidays"
    )
    assert week_hours_text(calendar, "es") == (
        "los lunes, de 7 a. m. a 9 p. m.; de martes a jueves, de 8 a. m. a 8 p. m.; "
        "los viernes, de 9 a. m. a 5:30 p. m.; los sábados, de 9 a. m. a 1 p. m., hora del "
        "Este, excepto los días feriados federales"
    )


@pytest.mark.django_db(transaction=True)
def test_approved_hours_take_effect_on_their_day(staff_user):
    supervisor = staff_user("supervisor")
    today = timezone.localdate()
    later = live_help_hours_approve(
        hours=LONG_MONDAY[:2], effective_from=today + dt.timedelta(days=30), approved_by=supervisor
    )
    assert live_help_calendar().hours_on_weekday(0) == (dt.time(8, 0), dt.time(20, 0))
    now = live_help_hours_approve(
        hours=LONG_MONDAY,
        effective_from=today,
        approved_by=supervisor,
        figures={"budget_hours": 1200},
    )
    calendar = live_help_calendar()
    assert calendar.hours_on_weekday(0) == (dt.time(7, 0), dt.time(21, 0))
    assert calendar.hours_on_weekday(5) == (dt.time(9, 0), dt.time(13, 0))
    assert calendar.hours_on_weekday(6) is None
    assert "Saturday, 9 a.m. to 1 p.m." in live_help_hours_text()["en"]
    stored = LiveHelpHours.objects.get(pk=now.pk)
    assert stored.approved_by == supervisor
    assert stored.figures == {"budget_hours": 1200}
    assert LiveHelpHours.objects.filter(pk=later.pk).exists()


@pytest.mark.parametrize(
    "hours",
    [
        [],
        [{"weekday": 0, "opens": "09:00", "closes": "08:00"}],
        [{"weekday": 0, "opens": "09:00", "closes": "17:00"}] * 2,
        [{"weekday": 9, "opens": "09:00", "closes": "17:00"}],
        [{"weekday": "0", "opens": "09:00", "closes": "17:00"}],
        [{"weekday": 0, "opens": "nine", "closes": "17:00"}],
        [{"weekday": 0, "opens": "09:00"}],
        "Monday 9 to 5",
    ],
)
def test_a_bad_week_is_refused_and_nothing_stored(db, staff_user, hours):
    with pytest.raises(InvalidInput):
        live_help_hours_approve(
            hours=hours, effective_from=timezone.localdate(), approved_by=staff_user("supervisor")
        )
    assert not LiveHelpHours.objects.exists()
    assert live_help_calendar().hours_on_weekday(0) == (dt.time(8, 0), dt.time(20, 0))


def test_hours_cannot_start_in_the_past(db, staff_user):
    with pytest.raises(InvalidInput):
        live_help_hours_approve(
            hours=LONG_MONDAY,
            effective_from=timezone.localdate() - dt.timedelta(days=1),
            approved_by=staff_user("supervisor"),
        )
    assert not LiveHelpHours.objects.exists()
