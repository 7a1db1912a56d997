"""Receipt numbers: three letters naming the intake site and ten digits.

The ten digits are a two-digit fiscal year, a three-digit workday of that year and a
five-digit sequence, for example ``EAC2212345678``. People type them with spaces, dashes and
lower case; :meth:`ReceiptNumber.parse` accepts all of that once, at the edge, and everything
after works with the normalised value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from contactcenter.core.errors import ApplicationError, ErrorCode
from contactcenter.core.text_patterns import (
    RECEIPT_NUMBER_MAX_LENGTH,
    SEPARATORS_RE,
    receipt_number_pattern,
)

# Intake prefix -> the service center (or office) code that owns it.
PREFIX_OFFICES: dict[str, str] = {
    "EAC": "VSC",
    "VSC": "VSC",
    "WAC": "CSC",
    "CSC": "CSC",
    "LIN": "NSC",
    "NSC": "NSC",
    "SRC": "TSC",
    "TSC": "TSC",
    "MSC": "NBC",
    "NBC": "NBC",
    "IOE": "IOE",
    "YSC": "PSC",
}
PREFIXES = frozenset(PREFIX_OFFICES)
# What the OpenAPI document publishes; ``parse`` accepts exactly the texts it matches.
RECEIPT_NUMBER_PATTERN = receipt_number_pattern(PREFIXES)
_RECEIPT_NUMBER_RE = re.compile(RECEIPT_NUMBER_PATTERN)


class InvalidReceiptNumber(ApplicationError):
    code = ErrorCode.INVALID_RECEIPT_NUMBER
    http_status = 400


@dataclass(frozen=True, slots=True)
class ReceiptNumber:
    value: str

    @classmethod
    def parse(cls, raw: object) -> ReceiptNumber:
        if not isinstance(raw, str):
            raise InvalidReceiptNumber(_("A receipt number must be text."))
        if len(raw) > RECEIPT_NUMBER_MAX_LENGTH:
            raise InvalidReceiptNumber(
                _("A receipt number is at most %(limit)d characters long.")
                % {"limit": RECEIPT_NUMBER_MAX_LENGTH}
            )
        compact = SEPARATORS_RE.sub("", raw)
        if not compact:
            raise InvalidReceiptNumber(_("Enter a receipt number, for example EAC2212345678."))
        # ASCII before upper-casing: "ı".upper() is "I" and "ſ".upper() is "S".
        if not compact.isascii() or not compact.isalnum():
            raise InvalidReceiptNumber(
                _("A receipt number has only letters and digits (spaces and dashes are ignored).")
            )
        compact = compact.upper()
        prefix, digits = compact[:3], compact[3:]
        if not prefix.isalpha():
            raise InvalidReceiptNumber(
                _("A receipt number starts with three letters, for example EAC or IOE.")
            )
        if prefix not in PREFIXES:
            raise InvalidReceiptNumber(
                _("%(prefix)s is not a receipt number prefix. Known prefixes: %(known)s.")
                % {"prefix": prefix, "known": ", ".join(sorted(PREFIXES))}
            )
        if not digits.isdigit():
            raise InvalidReceiptNumber(
                _("After the three letters a receipt number has only digits.")
            )
        if len(digits) != 10:
            raise InvalidReceiptNumber(
                _("A receipt number has 10 digits after the letters; this one has %(count)d.")
                % {"count": len(digits)}
            )
        if _RECEIPT_NUMBER_RE.fullmatch(raw) is None:  # the published pattern has the last word
            raise InvalidReceiptNumber(_("Enter a receipt number, for example EAC2212345678."))
        return cls(prefix + digits)

    def __str__(self) -> str:
        return self.value

    @property
    def prefix(self) -> str:
        return self.value[:3]

    @property
    def fiscal_year(self) -> int:
        """The four-digit federal fiscal year (the two digits are 20xx)."""
        return 2000 + int(self.value[3:5])

    @property
    def workday(self) -> int:
        return int(self.value[5:8])

    @property
    def sequence(self) -> int:
        return int(self.value[8:13])

    @property
    def intake_office_code(self) -> str:
        return PREFIX_OFFICES[self.prefix]

    def masked(self) -> str:
        """For logs and transcripts: the prefix and the last four digits only."""
        return f"{self.prefix}******{self.value[-4:]}"
