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
_SEPARATORS = re.compile(r"[\s\-]+")


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
        compact = _SEPARATORS.sub("", raw).upper()
        if not compact:
            raise InvalidReceiptNumber(_("Enter a receipt number, for example EAC2212345678."))
        if not compact.isascii() or not compact.isalnum():
            raise InvalidReceiptNumber(
                _("A receipt number has only letters and digits (spaces and dashes are ignored).")
            )
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
