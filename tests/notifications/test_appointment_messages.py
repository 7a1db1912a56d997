"""Appointment messages: date, time, place and what to bring in the reader's language, built
from codes only; a bad time, office or reason is refused before anything is queued."""

import datetime as dt

import pytest

from contactcenter.appointments.reasons import reason_get
from contactcenter.core.errors import InvalidInput
from contactcenter.notifications.catalogue import EMAIL, SMS, context_clean, message_render
from contactcenter.notifications.models import Notification
from contactcenter.notifications.services import notification_queue
from contactcenter.offices.models import OfficeKind
from tests.factories import OfficeFactory
from tests.notifications.conftest import EMAIL as ADDRESS
from tests.notifications.conftest import PHONE

NUMBER = "3135577744"
MANAGE_URL = "https://contact.example.gov/appointments/manage/"


@pytest.fixture
def office(db):
    return OfficeFactory(
        code="NYC", kind=OfficeKind.FIELD_OFFICE, name_en="New York City Field Office",
        name_es="Oficina Local de la Ciudad de Nueva York", street="26 Federal Square",
        city="New York", state="NY", zip_code="10278",
    )  # fmt: skip


def booking(**overrides: object) -> dict[str, object]:
    return {
        "reference_number": NUMBER,
        "appointment_date": dt.date(2025, 3, 13),
        "appointment_time": "14:30",
        "office_code": "NYC",
        "reason": "proof_of_status_stamp",
        **overrides,
    }


def render(key, language, channel, context):
    cleaned = context_clean(key=key, channel=channel, context=context)
    return message_render(key=key, language=language, channel=channel, context=cleaned)


@pytest.mark.parametrize("key", ["appointment_confirmed", "appointment_moved"])
def test_booking_emails_give_time_place_and_what_to_bring_in_english(key, office):
    message = render(key, "en", EMAIL, booking())

    assert NUMBER in message.subject
    assert "Thursday, March 13, 2025" in message.body
    assert "2:30 PM" in message.body
    assert "New York City Field Office, 26 Federal Square, New York, NY 10278" in message.body
    for line in reason_get("proof_of_status_stamp").bring_en:
        assert f"- {line}" in message.body
    assert MANAGE_URL in message.body


@pytest.mark.parametrize("key", ["appointment_confirmed", "appointment_moved"])
def test_booking_emails_give_time_place_and_what_to_bring_in_spanish(key, office):
    message = render(key, "es", EMAIL, booking())

    assert NUMBER in message.subject
    assert "jueves 13 de marzo de 2025" in message.body
    assert "14:30" in message.body
    assert "Oficina Local de la Ciudad de Nueva York" in message.body
    reason = reason_get("proof_of_status_stamp")
    for line in reason.bring_es:
        assert f"- {line}" in message.body
    assert not [line for line in reason.bring_en if line in message.body]
    assert "su código postal" in message.body  # usted, not tú
    assert MANAGE_URL in message.body


@pytest.mark.parametrize("key", ["appointment_confirmed", "appointment_moved"])
@pytest.mark.parametrize(
    ("language", "when", "stop"),
    [("en", "March 13 at 2:30 PM", "STOP"), ("es", "13 de marzo a las 14:30", "PARA")],
)
def test_booking_texts_give_time_place_and_where_to_read_more(key, language, when, stop, office):
    message = render(key, language, SMS, booking())

    assert message.subject == ""
    assert NUMBER in message.body and when in message.body
    assert office.name(language) in message.body
    assert MANAGE_URL in message.body and stop in message.body
    assert len(message.body) <= 320


def test_the_bring_list_follows_the_reason(office):
    stamp = render("appointment_confirmed", "en", EMAIL, booking())
    biometrics = render("appointment_confirmed", "en", EMAIL, booking(reason="biometrics"))

    assert "Your unexpired passport" in stamp.body
    assert "Your unexpired passport" not in biometrics.body
    assert "Your appointment notice" in biometrics.body


def test_only_codes_are_stored_never_the_rendered_office_or_list(office):
    cleaned = context_clean(key="appointment_confirmed", channel=EMAIL, context=booking())

    assert cleaned == {
        "reference_number": NUMBER,
        "appointment_date": "2025-03-13",
        "appointment_time": "14:30",
        "office_code": "NYC",
        "reason": "proof_of_status_stamp",
    }


@pytest.mark.parametrize(
    ("language", "channel", "expected"),
    [
        ("en", EMAIL, ["Thursday, March 13, 2025", "You do not need to call us."]),
        ("es", EMAIL, ["jueves 13 de marzo de 2025", "No necesita llamarnos."]),
        ("en", SMS, ["March 13", "No need to call.", "STOP"]),
        ("es", SMS, ["13 de marzo", "No necesita llamar.", "PARA"]),
    ],
)
def test_office_closed_says_the_day_and_where_to_choose_a_new_time(language, channel, expected):
    context = {"reference_number": NUMBER, "closed_on": dt.date(2025, 3, 13)}
    message = render("appointment_office_closed", language, channel, context)
    text = f"{message.subject}\n{message.body}"

    assert NUMBER in text and MANAGE_URL in text
    for words in expected:
        assert words in text
    assert bool(message.subject) == (channel == EMAIL)


@pytest.mark.parametrize(
    ("language", "channel", "expected"),
    [
        ("en", EMAIL, "could not book one"),
        ("es", EMAIL, "no pudimos darle una cita"),
        ("en", SMS, "could not book"),
        ("es", SMS, "no pudimos darle la cita"),
    ],
)
def test_a_declined_request_quotes_only_the_reference(language, channel, expected):
    message = render(
        "appointment_request_declined", language, channel, {"reference_number": NUMBER}
    )
    text = f"{message.subject}\n{message.body}"

    assert expected in text and NUMBER in text
    assert "https://contact.example.gov/account/" in text


# --- bad values are refused and nothing is queued --------------------------------------------


@pytest.mark.parametrize(
    "time", ["9:30", "24:00", "12:60", "14:30:00", " 14:30", "14:30\n", "２３:00", "1430", 1430]
)
def test_a_bad_time_is_refused(time, office):
    with pytest.raises(InvalidInput, match="appointment_time"):
        context_clean(key="appointment_confirmed", channel=SMS,
                      context=booking(appointment_time=time))  # fmt: skip


@pytest.mark.parametrize("time", ["00:00", "09:05", "23:59"])
def test_good_times_pass_unchanged(time, office):
    cleaned = context_clean(key="appointment_moved", channel=SMS,
                            context=booking(appointment_time=time))  # fmt: skip
    assert cleaned["appointment_time"] == time


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("appointment_time", "25:00"),
        ("office_code", "ZZZ"),
        ("office_code", "nyc"),
        ("office_code", None),
        ("reason", "haircut"),
        ("reason", "Biometrics"),
        ("reference_number", "3135577745"),  # wrong check digit
    ],
)
def test_bad_values_are_refused_and_nothing_is_queued(field, value, office, dummy_tasks):
    with pytest.raises(InvalidInput, match=field):
        notification_queue(
            channel="email",
            recipient=ADDRESS,
            template="appointment_confirmed",
            language="en",
            context=booking(**{field: value}),
        )
    assert Notification.objects.count() == 0
    assert not dummy_tasks.results


def test_extra_values_such_as_a_name_are_refused(office, dummy_tasks):
    with pytest.raises(InvalidInput, match="Unexpected context"):
        notification_queue(
            channel="sms", recipient=PHONE, template="appointment_moved", language="es",
            context=booking(name="Ana Reyes"),
        )  # fmt: skip
    assert Notification.objects.count() == 0


def test_a_good_appointment_message_is_queued_and_sent(
    office, immediate_tasks, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_queue(
            channel="sms", recipient=PHONE, template="appointment_confirmed", language="es",
            context=booking(),
        )  # fmt: skip
    notification.refresh_from_db()

    assert notification.state == "sent"
    assert "13 de marzo a las 14:30" in sms_outbox[-1].body
