"""What a caller keyed or said, turned into words, digits and checked values.

Speech recognisers hand back receipt numbers in many shapes: "EAC2212345678",
"E A C 22 1234 5678", "e a c two two one two ...", "E. A. C. 22-123-45678". :func:`compact`
turns number words (English and Spanish) into digits, drops separators and keeps letters, so
the value types (``ReceiptNumber``, ``ANumber``) can check the result as they would typed text.
On the keypad letters are typed as their keys (E A C = 3 2 2), so a keyed receipt number may
fit more than one intake prefix; every fit is kept and the look-up tries each.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from contactcenter.core.a_numbers import ANumber
from contactcenter.core.errors import ApplicationError, ErrorCode
from contactcenter.core.receipt_numbers import PREFIXES, ReceiptNumber

NUMBER_WORDS = {
    # English
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "to": "2", "too": "2",
    "three": "3", "four": "4", "for": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9",
    # Spanish
    "cero": "0", "uno": "1", "una": "1", "dos": "2", "tres": "3", "cuatro": "4",
    "cinco": "5", "seis": "6", "siete": "7", "ocho": "8", "nueve": "9",
}  # fmt: skip
DOUBLE_WORDS = {"double": 2, "triple": 3, "doble": 2, "triple_es": 3}
KEYPAD = {
    **dict.fromkeys("ABC", "2"), **dict.fromkeys("DEF", "3"), **dict.fromkeys("GHI", "4"),
    **dict.fromkeys("JKL", "5"), **dict.fromkeys("MNO", "6"), **dict.fromkeys("PQRS", "7"),
    **dict.fromkeys("TUV", "8"), **dict.fromkeys("WXYZ", "9"),
}  # fmt: skip
PREFIX_KEYS: dict[str, list[str]] = {}
for _prefix in sorted(PREFIXES):
    PREFIX_KEYS.setdefault("".join(KEYPAD[c] for c in _prefix), []).append(_prefix)

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
}  # fmt: skip


def plain(text: str) -> str:
    """Lower case, accents removed, punctuation turned into spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9#*]+", " ", stripped).split())


def compact(speech: str) -> str:
    """Spoken letters and numbers as one upper-case string: "e a c two two 1234" -> EAC221234."""
    out: list[str] = []
    repeat = 1
    for word in plain(speech).split():
        if word in DOUBLE_WORDS:
            repeat = DOUBLE_WORDS[word]
            continue
        piece = NUMBER_WORDS.get(word, word) if len(word) > 1 or word == "o" else word
        if word == "o" and out and out[-1].isalpha() and len(out) < 3:
            piece = "O"  # "I O E": the letter, not zero, while still in the prefix
        out.append(piece.upper() * repeat if len(piece) == 1 else piece.upper())
        repeat = 1
    return "".join(out)


class Unusable(ApplicationError):
    """An answer that is not a value of the kind asked for."""

    code = ErrorCode.UNUSABLE_ANSWER


def receipt_candidates(*, digits: str, speech: str) -> list[str]:
    """Receipt numbers the caller may mean; raises Unusable when none fits."""
    if digits:
        keyed = re.sub(r"[^0-9]", "", digits)
        if len(keyed) != 13 or keyed[:3] not in PREFIX_KEYS:
            raise Unusable("keyed receipt number does not fit")
        return [ReceiptNumber.parse(prefix + keyed[3:]).value for prefix in PREFIX_KEYS[keyed[:3]]]
    return [ReceiptNumber.parse(compact(speech)).value]


def _date(digits: str, speech: str) -> dt.date:
    if digits:
        keyed = re.sub(r"[^0-9]", "", digits)
        if len(keyed) != 8:
            raise Unusable("a date is keyed as MMDDYYYY")
        return dt.date(int(keyed[4:]), int(keyed[:2]), int(keyed[2:4]))
    words = plain(speech).replace(" de ", " ").split()
    month = next((MONTHS[w] for w in words if w in MONTHS), None)
    numbers = [int(w) for w in words if w.isdigit()]
    if month is None or len(numbers) != 2:
        raise Unusable("say the month, day and year")
    day, year = (numbers[0], numbers[1]) if numbers[1] > 31 else (numbers[1], numbers[0])
    return dt.date(year, month, day)


def parse_value(kind: str, *, digits: str, speech: str, today: dt.date) -> dict[str, object]:
    """The checked value for a collect node: {"value": ..., "candidates": [...]}.

    Raises Unusable (or the value type's own error) for anything that does not fit.
    """
    if not digits and not speech.strip():
        raise Unusable("nothing heard")
    try:
        if kind == "receipt":
            candidates = receipt_candidates(digits=digits, speech=speech)
            return {"value": candidates[0], "candidates": candidates}
        if kind == "a_number":
            return {"value": ANumber.parse(digits or compact(speech)).value}
        if kind == "zip":
            zip_code = digits or compact(speech)
            if not re.fullmatch(r"[0-9]{5}", zip_code):
                raise Unusable("a ZIP code is five digits")
            return {"value": zip_code}
        if kind == "date":
            day = _date(digits, speech)
            if day > today or day.year < 1900:
                raise Unusable("not a plausible date")
            return {"value": day.isoformat()}
    except ValueError as error:  # impossible dates (February 30th)
        raise Unusable(str(error)) from error
    raise Unusable(f"unknown value kind {kind}")
