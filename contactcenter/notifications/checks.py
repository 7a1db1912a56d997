"""System checks: a misconfigured provider fails at start-up, not at the first text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.utils.module_loading import import_string

from contactcenter.notifications.providers.sms import BUILT_IN, sms_provider_path
from contactcenter.notifications.recipients import is_e164

TWILIO_SETTINGS = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER")


def check_sms_provider(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    path = sms_provider_path()
    try:
        import_string(path)
    except ImportError:
        errors.append(
            Error(
                f"SMS_PROVIDER {getattr(settings, 'SMS_PROVIDER', '')!r} cannot be imported.",
                hint=f"Use one of {', '.join(sorted(BUILT_IN))} or a dotted path to a class.",
                id="notifications.E001",
            )
        )
        return errors
    if path == BUILT_IN["twilio"]:
        missing = [name for name in TWILIO_SETTINGS if not getattr(settings, name, "")]
        if missing:
            errors.append(
                Error(
                    f"SMS_PROVIDER is 'twilio' but {', '.join(missing)} "
                    f"{'is' if len(missing) == 1 else 'are'} not set.",
                    hint="Set them in the environment, or choose SMS_PROVIDER=console.",
                    id="notifications.E002",
                )
            )
        from_number = getattr(settings, "TWILIO_FROM_NUMBER", "")
        if from_number and not is_e164(from_number):
            errors.append(
                Error(
                    "TWILIO_FROM_NUMBER must be in E.164 form, for example +15555550100.",
                    id="notifications.E003",
                )
            )
    attempts = getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 4)
    if not isinstance(attempts, int) or attempts < 1:
        errors.append(
            Error(
                "NOTIFICATIONS_MAX_ATTEMPTS must be a whole number of at least 1.",
                id="notifications.E004",
            )
        )
    return errors
