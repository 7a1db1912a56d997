"""Mask personal data in free text before it is stored or logged.

Used for transcripts, chat messages and notes typed by the public. Each pattern replaces the
match with a label such as ``[A-NUMBER]`` so a reader still sees what kind of thing was said.

Dates are masked whether written in figures (``03/14/1985``, ``1985-03-14``) or in words, in
English or Spanish (``March 3, 1985``, ``3rd of March 1985``, ``3 de marzo de 1985``), always
with a year, since a date of birth has one and "your appointment is on March 3" is not
personal. One number is never masked: an inquiry's own reference number (ten digits whose
last is a Luhn check digit, ``core.reference_numbers``) written as ten digits together, so an
agent can quote it to the person and the transcript keeps it. The same ten digits with
separators, or after ``+1``, are a phone number and masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contactcenter.core.reference_numbers import LENGTH as REFERENCE_LENGTH
from contactcenter.core.reference_numbers import luhn_check_digit

# Month names and their usual abbreviations, English and Spanish, to their number.
MONTHS: dict[str, int] = {
    **{name: n for n, name in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"], start=1)},
    **{name: n for n, name in enumerate(
        ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
         "septiembre", "octubre", "noviembre", "diciembre"], start=1)},
    "setiembre": 9,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    "ene": 1, "abr": 4, "ago": 8, "dic": 12,
}  # fmt: skip
_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
# 3, 03, 3rd, 1st, 1º, 1.º, 1°, 1ro, "primero".
_DAY = r"(?:primero|[0-3]?\d(?:st|nd|rd|th|ro|º|°|\.º)?)"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
# "March 3, 1985" / "marzo 3 de 1985"; "3 March 1985" / "the 3rd of March, 1985" /
# "3 de marzo de 1985" / "3 de marzo del 1985".
WORDS_DATE_RE = re.compile(
    rf"\b(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}),?(?:\s+(?:de|del))?\s+(?P<y1>{_YEAR})\b"
    rf"|\b(?P<d2>{_DAY})(?:\s+(?:of|de))?\s+(?P<m2>{_MONTH}),?(?:\s+(?:de|del))?\s+(?P<y2>{_YEAR})\b",
    re.IGNORECASE,
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("EMAIL", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("RECEIPT-NUMBER", re.compile(r"\b[A-Za-z]{3}[\s-]?\d{2}[\s-]?\d{3}[\s-]?\d{5}\b")),
    ("SSN", re.compile(r"\b\d{3}[\s-]\d{2}[\s-]\d{4}\b")),
    ("A-NUMBER", re.compile(r"\b[Aa][\s#-]?\d{7,9}\b|\b[Aa][\s-]?\d{3}[\s-]?\d{3}[\s-]?\d{3}\b")),
    ("DATE", WORDS_DATE_RE),
    (
        "DATE",
        re.compile(r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})\b"),
    ),
    ("PHONE", re.compile(r"(?:\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b")),
    ("NUMBER", re.compile(r"\b\d{9,}\b")),
]


def is_reference_number(text: str) -> bool:
    """Ten digits together whose last is the Luhn check digit of the nine before it."""
    return (
        len(text) == REFERENCE_LENGTH
        and text.isascii()
        and text.isdigit()
        and text[0] != "0"
        and luhn_check_digit(text[:-1]) == text[-1]
    )


@dataclass(frozen=True, slots=True)
class Redacted:
    text: str
    kinds: tuple[str, ...]  # which kinds of personal data were found, in order found

    @property
    def found(self) -> bool:
        return bool(self.kinds)


def redact(text: str) -> Redacted:
    kinds: list[str] = []
    for label, pattern in _PATTERNS:

        def replace(match: re.Match[str], label: str = label) -> str:
            found = match.group(0)
            if label in ("PHONE", "NUMBER") and is_reference_number(found):
                return found  # an inquiry's reference number, quoted to the person
            kinds.append(label)
            return f"[{label}]"

        text = pattern.sub(replace, text)
    return Redacted(text, tuple(dict.fromkeys(kinds)))
