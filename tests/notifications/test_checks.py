import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from contactcenter.notifications.checks import check_sms_provider


def ids(errors):
    return [error.id for error in errors]


def test_console_and_memory_need_nothing(settings):
    for name in ("console", "memory"):
        settings.SMS_PROVIDER = name
        assert check_sms_provider() == []


def test_twilio_without_credentials_is_an_error(settings):
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC123"
    settings.TWILIO_AUTH_TOKEN = ""
    settings.TWILIO_FROM_NUMBER = ""

    (error,) = check_sms_provider()

    assert error.id == "notifications.E002"
    assert "TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER" in error.msg
    assert "AC123" not in error.msg


def test_twilio_with_credentials_passes(settings):
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC123"
    settings.TWILIO_AUTH_TOKEN = "token"
    settings.TWILIO_FROM_NUMBER = "+15555550100"
    assert check_sms_provider() == []

    settings.TWILIO_FROM_NUMBER = "555-555-0100"
    assert ids(check_sms_provider()) == ["notifications.E003"]


def test_unknown_provider_is_an_error(settings):
    settings.SMS_PROVIDER = "carrier-pigeon"
    assert ids(check_sms_provider()) == ["notifications.E001"]


@pytest.mark.parametrize("attempts", [0, "4"])
def test_max_attempts_must_be_a_positive_whole_number(settings, attempts):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = attempts
    assert ids(check_sms_provider()) == ["notifications.E004"]


def test_the_check_is_registered(settings):
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = settings.TWILIO_FROM_NUMBER = ""

    with pytest.raises(SystemCheckError, match=r"notifications\.E002"):
        call_command("check")
