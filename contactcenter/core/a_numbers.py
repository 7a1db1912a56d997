"""Alien Registration Numbers: ``A`` and 7 to 9 digits, always written padded to nine."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from contactcenter.core.errors import ApplicationError, ErrorCode

_SEPARATORS = re.compile(r"[\s\-]+")


class InvalidANumber(ApplicationError):
    code = ErrorCode.INVALID_A_NUMBER
    http_status = 400


@dataclass(frozen=True, slots=True)
class ANumber:
    value: str  # "A" + exactly nine digits

    @classmethod
    def parse(cls, raw: object) -> ANumber:
        if not isinstance(raw, str):
            raise InvalidANumber(_("An A-Number must be text."))
        compact = _SEPARATORS.sub("", raw).upper()
        if compact.startswith("A"):
            compact = compact[1:]
        if not compact:
            raise InvalidANumber(_("Enter an A-Number, for example A012345678."))
        if not compact.isascii() or not compact.isdigit():
            raise InvalidANumber(_("An A-Number is the letter A followed by digits only."))
        if not 7 <= len(compact) <= 9:
            raise InvalidANumber(
                _("An A-Number has 7 to 9 digits; this one has %(count)d.")
                % {"count": len(compact)}
            )
        if int(compact) == 0:
            raise InvalidANumber(_("An A-Number cannot be all zeros."))
        return cls("A" + compact.zfill(9))

    def __str__(self) -> str:
        return self.value

    @property
    def digits(self) -> str:
        return self.value[1:]

    def masked(self) -> str:
        return f"A*****{self.value[-4:]}"
