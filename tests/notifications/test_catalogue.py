"""The message catalogue: every message in both languages, and nothing about a case in it."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import resolve

from contactcenter.cases.statuses import STATUS_TEXT_ES, CaseStatus
from contactcenter.core.errors import InvalidInput
from contactcenter.core.redaction import redact
from contactcenter.notifications.catalogue import (
    EMAIL,
    LANGUAGES,
    MESSAGES,
    SMS,
    ValueKind,
    common_context,
    context_clean,
    message_render,
    reply_render,
    template_name,
)
from contactcenter.offices.models import OfficeKind
from tests.factories import OfficeFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "contactcenter" / "notifications" / "templates"
VARIABLE = re.compile(r"\{\{\s*(\w+)")
RECEIPT_NUMBER = re.compile(r"\b[A-Z]{3}\d{10}\b")

ALL = [
    (key, language, channel)
    for key, spec in MESSAGES.items()
    for channel in sorted(spec.channels)
    for language in LANGUAGES
]


@pytest.fixture
def office(db):
    """An office for the appointment messages (their context names one by its code)."""
    return OfficeFactory(
        code="NYC", kind=OfficeKind.FIELD_OFFICE, name_en="New York City Field Office",
        name_es="Oficina Local de la Ciudad de Nueva York", street="26 Federal Square",
        city="New York", state="NY", zip_code="10278",
    )  # fmt: skip


def sample_context(key: str) -> dict[str, str]:
    values = {
        ValueKind.REFERENCE_NUMBER: "3135577744",
        ValueKind.DATE: dt.date(2025, 3, 13),
        ValueKind.TIME: "14:30",
        ValueKind.OFFICE_CODE: "NYC",
        ValueKind.APPOINTMENT_REASON: "biometrics",
        ValueKind.SURVEY: "1",
    }
    raw = {name: values[kind] for name, kind in MESSAGES[key].values.items()}
    return context_clean(key=key, channel=sorted(MESSAGES[key].channels)[0], context=raw)


def test_the_required_messages_exist():
    assert {
        "inquiry_escalated",
        "inquiry_updated",
        "callback_text_ahead",
        "callback_missed",
        "secure_message_waiting",
        "case_status_link",
    } <= set(MESSAGES)
    assert MESSAGES["callback_text_ahead"].channels == {SMS}


@pytest.mark.parametrize(("key", "language", "channel"), ALL)
def test_every_message_exists_in_both_languages_for_each_channel(key, language, channel):
    assert (TEMPLATES / template_name(key, language, channel)).is_file()


def test_no_template_file_is_left_over():
    expected = {template_name(*combination) for combination in ALL}
    replies = {f"notifications/reply_{name}.sms.txt" for name in ("stopped", "started", "help")}
    found = {
        str(path.relative_to(TEMPLATES)) for path in (TEMPLATES / "notifications").glob("*.txt")
    }
    assert found == expected | replies


# The chat transcript is the one message with content: the person asks for it, for their own
# conversation, and every line in it was masked before it was stored (tests/chat checks that).
TRANSCRIPTS = {"chat_transcript"}
# Values an app adds when the message is rendered (message_render_context_register), never
# stored with the message: the survey's link is made from its id then.
RENDERED = {"survey_invitation": {"survey_url"}}


@pytest.mark.parametrize(("key", "language", "channel"), ALL)
def test_templates_use_only_the_allowed_values(key, language, channel):
    """What keeps case details out: a template can only print the message's listed values
    and the common ones (who we are, where to read more)."""
    if key in TRANSCRIPTS:
        pytest.skip("a transcript prints the person's own masked conversation")
    source = (TEMPLATES / template_name(key, language, channel)).read_text()
    used = set(VARIABLE.findall(source))
    assert used <= set(MESSAGES[key].values) | set(common_context(language)) | RENDERED.get(
        key, set()
    )


@pytest.mark.parametrize(("key", "language"), [(k, lang) for k, lang, c in ALL if c == EMAIL])
def test_emails_carry_no_case_details(key, language, office):
    message = message_render(key=key, language=language, channel=EMAIL, context=sample_context(key))
    text = f"{message.subject}\n{message.body}"

    assert message.subject and message.body
    assert not RECEIPT_NUMBER.search(text)
    statuses = [label.lower() for label in CaseStatus.labels] + [
        label.lower() for label in STATUS_TEXT_ES.values()
    ]
    assert not [status for status in statuses if status in text.lower()]
    for word in ("approved", "denied", "aprob", "deneg", "receipt", "recibo", "dear", "estimad"):
        assert word not in text.lower()
    # Besides the reference number and the date, nothing that looks like personal data.
    # Our own number reads as a phone number; the date we answer by, written in words, as a
    # date (redaction masks dates in words as it would a date of birth).
    assert set(redact(text.replace("3135577744", "")).kinds) <= {"PHONE", "DATE"}
    assert "https://" in text or "http://" in text  # says where to read the news


@pytest.mark.parametrize(("key", "language"), [(k, lang) for k, lang, c in ALL if c == SMS])
def test_texts_are_short_and_say_how_to_stop(key, language, office):
    message = message_render(key=key, language=language, channel=SMS, context=sample_context(key))

    assert len(message.body) <= 320
    assert "\n" not in message.body
    assert ("STOP" if language == "en" else "PARA") in message.body


def test_spanish_dates_are_written_in_spanish():
    context = sample_context("inquiry_escalated")
    english = message_render(key="inquiry_escalated", language="en", channel=EMAIL,
                             context=context)  # fmt: skip
    spanish = message_render(key="inquiry_escalated", language="es", channel=EMAIL,
                             context=context)  # fmt: skip
    text = message_render(key="inquiry_escalated", language="es", channel=SMS, context=context)

    assert "Thursday, March 13, 2025" in english.body
    assert "jueves 13 de marzo de 2025" in spanish.body
    assert "13 de marzo" in text.body
    assert "usted" in spanish.body


@pytest.mark.parametrize("channel", [EMAIL, SMS])
def test_the_case_status_link_says_where_to_look_and_nothing_else(channel, settings):
    """Sent from the phone line to whatever number called or the address on file: the
    public case-status page, the online account and our number, in the caller's language."""
    settings.PUBLIC_BASE_URL = "https://contact.example.gov/"
    assert MESSAGES["case_status_link"].values == {}
    with pytest.raises(InvalidInput, match="Unexpected context"):
        context_clean(key="case_status_link", channel=channel,
                      context={"reference_number": "3135577744"})  # fmt: skip
    english = message_render(key="case_status_link", language="en", channel=channel, context={})
    spanish = message_render(key="case_status_link", language="es", channel=channel, context={})

    for message in (english, spanish):
        assert "https://contact.example.gov/case-status/" in message.body
        assert "https://contact.example.gov/account/" in message.body
        assert not RECEIPT_NUMBER.search(message.body)
    assert resolve("/case-status/").url_name == "case-status"
    assert "case status" in english.body and "estado de su caso" in spanish.body
    if channel == EMAIL:
        assert english.subject == "Check your case status online"
        assert spanish.subject == "Vea el estado de su caso en línea"
        assert "800-375-5283" in english.body and "800-375-5283" in spanish.body
        assert "usted" in spanish.body  # a caller we cannot see: the formal address


def test_plain_text_is_not_html_escaped(settings):
    settings.NOTIFICATIONS_SENDER_NAME = {"en": "Help & Info", "es": "Ayuda & Información"}
    message = message_render(key="secure_message_waiting", language="en", channel=SMS, context={})
    assert message.body.startswith("Help & Info:")


@pytest.mark.parametrize("name", ["stopped", "started", "help"])
def test_replies_are_bilingual(name):
    reply = reply_render(name)
    assert "Contact Center" in reply and "Centro de Contacto" in reply
    assert len(reply) <= 320
