"""Recipient addresses: checked once at the edge, and masked wherever a person might read them.

A phone must already be in E.164 form (``+15555550142``): guessing a country code for a bare
number could send someone's case news to a stranger abroad.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")


def is_e164(value: str) -> bool:
    return bool(E164.match(value))


def is_email_address(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def mask_phone(phone: str) -> str:
    """``+15555550142`` -> ``+1******0142``: enough to tell two numbers apart, no more."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:2] + "*" * (len(phone) - 6) + phone[-4:]


def mask_email(address: str) -> str:
    """``ana.reyes@example.org`` -> ``a***@example.org``."""
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"


def mask_recipient(value: str) -> str:
    if "@" in value:
        return mask_email(value)
    return mask_phone(value)
