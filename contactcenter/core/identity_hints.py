"""Answers to the identity questions in what a person typed, for the agent's buttons.

A person in a live chat types "my receipt is EAC 22 123 45678, I was born March 3, 1985 and
my ZIP is 20500". The stored message is masked (``core.redaction``), but the agent working the
chat is shown what was typed and, beside it, one button per answer found here that copies it
into the desk's identity form. Nothing here is stored or logged: the hints travel with the
live message to that agent only (``chat.consumers``).

Each hint is the form field it fills and the value in the form the field takes: a receipt
number in its normal form, a date of birth as ISO (the date input's value), a five-digit ZIP
code, and an A-Number's last four digits. Only what parses is offered: a receipt number with
a known prefix, an A-Number of 7 to 9 digits, a real date in the past.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from contactcenter.core.a_numbers import ANumber
from contactcenter.core.errors import ApplicationError
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.core.redaction import MONTHS, WORDS_DATE_RE

RECEIPT_NUMBER = "receipt_number"
DATE_OF_BIRTH = "date_of_birth"
ZIP_CODE = "zip_code"
A_NUMBER_LAST4 = "a_number_last4"
FIELDS = (RECEIPT_NUMBER, DATE_OF_BIRTH, ZIP_CODE, A_NUMBER_LAST4)

_RECEIPT_RE = re.compile(r"\b[A-Za-z]{3}[\s-]?\d{2}[\s-]?\d{3}[\s-]?\d{5}\b")
_A_NUMBER_RE = re.compile(r"\b[Aa][\s#-]?\d{7,9}\b|\b[Aa][\s-]?\d{3}[\s-]?\d{3}[\s-]?\d{3}\b")
_NUMERIC_DATE_RE = re.compile(
    r"\b(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4}|\d{2})\b"
    r"|\b(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})\b"
)
_ZIP_RE = re.compile(r"(?<![\d-])\d{5}(?:-\d{4})?(?![\d-])")
_LAST4_RE = re.compile(r"(?<![\d/.-])\d{4}(?![\d/.-])")
# "last four of my A-Number", "los últimos cuatro del número A", "alien number".
_A_NUMBER_WORDS_RE = re.compile(
    r"\b(?:A[\s-]?|a-)(?i:number|numero|número)\b"
    r"|\b(?i:n[uú]mero)\s+(?:A\b|(?i:de\s+extranjero))|\b(?i:alien)\b"
)
_ORDINAL_RE = re.compile(r"\D+$")


@dataclass(frozen=True, slots=True)
class IdentityHint:
    field: str  # one of FIELDS: the identity form's field it fills
    value: str  # what goes into that field

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "value": self.value}


def _date(year: int, month: int, day: int, today: dt.date) -> dt.date | None:
    try:
        found = dt.date(year, month, day)
    except ValueError:
        return None
    return found if dt.date(1900, 1, 1) <= found < today else None


def _year(text: str, today: dt.date) -> int:
    year = int(text)
    if len(text) == 2:  # "85" is 1985, "07" is 2007: never a year still to come
        year += 2000 if year <= today.year % 100 else 1900
    return year


def _day(text: str) -> int:
    if text.lower() == "primero":
        return 1
    return int(_ORDINAL_RE.sub("", text.replace(".º", "")) or 0)


def _dates(text: str, *, language: str, today: dt.date) -> list[tuple[dt.date, tuple[int, int]]]:
    found: list[tuple[dt.date, tuple[int, int]]] = []
    for match in WORDS_DATE_RE.finditer(text):
        month = match.group("m1") or match.group("m2")
        day = match.group("d1") or match.group("d2")
        year = match.group("y1") or match.group("y2")
        number = MONTHS.get(month.rstrip(".").lower())
        when = number and _date(int(year), number, _day(day), today)
        if when:
            found.append((when, match.span()))
    for match in _NUMERIC_DATE_RE.finditer(text):
        if match.group("iy"):
            when = _date(int(match["iy"]), int(match["im"]), int(match["id"]), today)
        else:
            first, second = int(match["a"]), int(match["b"])
            # People in the United States write the month first; Spanish writers the day.
            month, day = (second, first) if language == "es" else (first, second)
            when = _date(_year(match["y"], today), month, day, today)
        if when:
            found.append((when, match.span()))
    return found


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def identity_hints(
    text: str, *, language: str = "en", today: dt.date | None = None
) -> list[IdentityHint]:
    """The answers to identity questions found in ``text``, first found first, each once."""
    today = today or timezone.localdate()
    hints: list[IdentityHint] = []
    used: list[tuple[int, int]] = []
    for match in _RECEIPT_RE.finditer(text):
        try:
            hints.append(IdentityHint(RECEIPT_NUMBER, ReceiptNumber.parse(match.group(0)).value))
        except ApplicationError:
            continue
        used.append(match.span())
    rest = _blank(text, used)
    for match in _A_NUMBER_RE.finditer(rest):
        try:
            hints.append(IdentityHint(A_NUMBER_LAST4, ANumber.parse(match.group(0)).value[-4:]))
        except ApplicationError:
            continue
        used.append(match.span())
    rest = _blank(text, used)
    for when, span in _dates(rest, language=language, today=today):
        hints.append(IdentityHint(DATE_OF_BIRTH, when.isoformat()))
        used.append(span)
    rest = _blank(text, used)
    hints += [IdentityHint(ZIP_CODE, match.group(0)[:5]) for match in _ZIP_RE.finditer(rest)]
    if _A_NUMBER_WORDS_RE.search(rest) and not any(h.field == A_NUMBER_LAST4 for h in hints):
        hints += [IdentityHint(A_NUMBER_LAST4, m.group(0)) for m in _LAST4_RE.finditer(rest)]
    return list(dict.fromkeys(hints))
