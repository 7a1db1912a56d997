"""Parsing the fields of an imported row: each parser returns the clean value or raises
``FieldError`` with a reason that names what is wrong, never the value (the files hold personal
data), and ``RowParser`` collects every problem of a row so one pass reports them all."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from contactcenter.cases.import_files import RawRow, RowError
from contactcenter.cases.models import Confidentiality
from contactcenter.cases.services import KEEP, Keep, processing_time_months_check
from contactcenter.core.a_numbers import ANumber, InvalidANumber
from contactcenter.core.errors import ApplicationError
from contactcenter.core.receipt_numbers import InvalidReceiptNumber, ReceiptNumber
from contactcenter.people.models import Language

T = TypeVar("T")
B = TypeVar("B")

# USPS codes: states, DC, territories, freely associated states and military post offices.
_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY "
    "AS GU MP PR VI UM FM MH PW AA AE AP"
)
US_STATES = frozenset(_STATE_CODES.split(" "))
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")
_PHONE_PUNCTUATION = re.compile(r"[\s().\-/]+")
_NANP = re.compile(r"^[2-9]\d{2}[2-9]\d{6}$")

_LANGUAGES = frozenset(Language.values)

CONFIDENTIAL_VALUES: dict[str, Confidentiality] = {
    "true": Confidentiality.PROTECTED,
    "yes": Confidentiality.PROTECTED,
    "1": Confidentiality.PROTECTED,
    "protected": Confidentiality.PROTECTED,
    "false": Confidentiality.NONE,
    "no": Confidentiality.NONE,
    "0": Confidentiality.NONE,
    "": Confidentiality.NONE,
    "vawa": Confidentiality.VAWA,
    "t": Confidentiality.T_VISA,
    "u": Confidentiality.U_VISA,
}


class FieldError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float | Decimal):
        return str(value)
    raise FieldError(_("must be text, a number or true/false"))


def iso_date(text: str) -> dt.date:
    if not _ISO_DATE.match(text):
        raise FieldError(_("not a date in the form YYYY-MM-DD"))
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FieldError(_("not a real calendar date")) from None


def receipt_number_parse(text: str) -> ReceiptNumber:
    try:
        return ReceiptNumber.parse(text)
    except InvalidReceiptNumber as error:
        raise FieldError(str(error.message)) from None


def a_number_parse(text: str) -> ANumber:
    try:
        return ANumber.parse(text)
    except InvalidANumber as error:
        # The parser's reasons give the count of digits at most, never the digits.
        raise FieldError(str(error.message)) from None


def text_up_to(limit: int, *, multiline: bool = False) -> Callable[[str], str]:
    allowed = {"\n"} if multiline else set()

    def parse(text: str) -> str:
        text = text.replace("\r\n", "\n")
        if len(text) > limit:
            raise FieldError(_("longer than %(limit)d characters") % {"limit": limit})
        if any(ord(char) < 32 and char not in allowed for char in text):
            raise FieldError(_("contains control characters"))
        return text

    return parse


def state_parse(text: str) -> str:
    code = text.upper()
    if code not in US_STATES:
        raise FieldError(_("not a two-letter U.S. state or territory code"))
    return code


def zip_parse(text: str) -> str:
    match = _ZIP.match(text)
    if not match:
        raise FieldError(_("not a 5-digit ZIP code"))
    # ZIP+4 is common in agency extracts; field-office jurisdiction needs only the five.
    return match.group(1)


def email_parse(text: str) -> str:
    try:
        validate_email(text)
    except ValidationError:
        raise FieldError(_("not a valid email address")) from None
    local, _at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def phone_to_e164(text: str) -> str:
    """A phone number as E.164; ten-digit numbers are taken as U.S. (NANP) numbers."""
    compact = _PHONE_PUNCTUATION.sub("", text)
    if compact.startswith("+"):
        digits = compact[1:]
        if not digits.isdigit() or not 8 <= len(digits) <= 15 or digits[0] == "0":
            raise FieldError(_("not a phone number in international form"))
        if digits.startswith("1") and not _NANP.match(digits[1:]):
            raise FieldError(_("not a valid U.S. phone number"))
        return "+" + digits
    if not compact.isdigit():
        raise FieldError(_("a phone number has only digits, spaces, dashes and parentheses"))
    if len(compact) == 11 and compact.startswith("1"):
        compact = compact[1:]
    if not _NANP.match(compact):
        raise FieldError(_("not a valid 10-digit U.S. phone number"))
    return "+1" + compact


def language_parse(text: str) -> str:
    code = text.lower()
    if code not in _LANGUAGES:
        raise FieldError(_("use en or es"))
    return code


def confidentiality_parse(text: str) -> Confidentiality:
    try:
        return CONFIDENTIAL_VALUES[text.lower()]
    except KeyError:
        raise FieldError(_("use true, false, vawa, t or u")) from None


def months_parse(text: str) -> Decimal:
    try:
        months = Decimal(text)
    except InvalidOperation:
        raise FieldError(_("not a number")) from None
    try:
        processing_time_months_check(months)
    except ApplicationError as error:
        raise FieldError(str(error.message)) from None
    return months


class RowParser:
    """Collects every problem in a row, so one pass reports them all."""

    def __init__(self, raw: RawRow) -> None:
        self.raw = raw
        self.errors: list[RowError] = []

    def error(self, name: str, reason: str) -> None:
        self.errors.append(RowError(self.raw.line, name, reason))

    def _text(self, name: str) -> str | Keep | None:
        if name not in self.raw.values:
            return KEEP
        try:
            return _scalar(self.raw.values[name])
        except FieldError as problem:
            self.error(name, problem.reason)
            return None

    def _parse(self, name: str, parse: Callable[[str], T], text: str) -> T | None:
        try:
            return parse(text)
        except FieldError as problem:
            self.error(name, problem.reason)
            return None

    def required(self, name: str, parse: Callable[[str], T]) -> T | None:
        text = self._text(name)
        if text is None:
            return None
        if text is KEEP or text == "":
            self.error(name, _("required"))
            return None
        assert isinstance(text, str)
        return self._parse(name, parse, text)

    def optional(self, name: str, parse: Callable[[str], T], *, blank: B) -> T | B | Keep:
        """``KEEP`` when the column is absent (or the value is bad: the row is then rejected
        anyway), ``blank`` when it is empty, else the parsed value."""
        text = self._text(name)
        if text is None or text is KEEP:
            return KEEP
        assert isinstance(text, str)
        if text == "":
            return blank
        parsed = self._parse(name, parse, text)
        return KEEP if parsed is None else parsed
