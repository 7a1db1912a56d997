"""Reference numbers a person can quote anywhere: ten digits whose last is a Luhn check digit.

Digits only, so they can be read out on the phone and typed on a keypad; the check digit
catches a mistyped or transposed digit before anything is looked up.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.utils.translation import gettext as _

from contactcenter.core.errors import ApplicationError, ErrorCode

LENGTH = 10
_SEPARATORS = re.compile(r"[\s\-.]+")


class InvalidReferenceNumber(ApplicationError):
    code = ErrorCode.INVALID_REFERENCE_NUMBER
    http_status = 400


def luhn_check_digit(digits: str) -> str:
    total = 0
    # Walk from the right; the check digit will sit to the right of these digits, so the
    # rightmost payload digit is the one doubled.
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


@dataclass(frozen=True, slots=True)
class ReferenceNumber:
    value: str

    @classmethod
    def generate(cls) -> ReferenceNumber:
        payload = str(secrets.randbelow(9 * 10 ** (LENGTH - 2)) + 10 ** (LENGTH - 2))
        return cls(payload + luhn_check_digit(payload))

    @classmethod
    def parse(cls, raw: object) -> ReferenceNumber:
        if not isinstance(raw, str):
            raise InvalidReferenceNumber(_("A reference number must be text."))
        compact = _SEPARATORS.sub("", raw)
        if not compact.isascii() or not compact.isdigit():
            raise InvalidReferenceNumber(_("A reference number has digits only."))
        if len(compact) != LENGTH:
            raise InvalidReferenceNumber(
                _("A reference number has %(expected)d digits; this one has %(count)d.")
                % {"expected": LENGTH, "count": len(compact)}
            )
        if luhn_check_digit(compact[:-1]) != compact[-1]:
            raise InvalidReferenceNumber(
                _("That reference number is not valid. Check each digit and try again.")
            )
        return cls(compact)

    def __str__(self) -> str:
        return self.value

    def spoken(self) -> str:
        """Digits separated by spaces, in groups, for text-to-speech."""
        groups = [self.value[0:3], self.value[3:6], self.value[6:]]
        return ", ".join(" ".join(group) for group in groups)
