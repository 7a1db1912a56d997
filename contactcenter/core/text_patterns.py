"""What the identifiers and free text we accept look like, in one place.

The parsers (``ReceiptNumber.parse``, the service-request number, the assistant's question)
and the OpenAPI document both read these, so the published ``pattern`` and ``maxLength`` can
never say something the parser does not do. Every pattern is written in the part of regular
expression syntax that Python's ``re``, ECMAScript (JSON Schema) and Rust's ``regex`` read the
same way: explicit character classes only, no ``\\s``, ``\\d``, ``\\w`` or flags.
"""

from __future__ import annotations

import re

# People type numbers with spaces, tabs, no-break spaces (pasted from a letter) and dashes.
SEPARATORS = " \t\u00a0-"
_SEPARATOR_CLASS = r"[ \t\u00a0-]"
SEPARATORS_RE = re.compile(_SEPARATOR_CLASS + "+")


def _letters(word: str) -> str:
    """``EAC`` -> ``[Ee]<sep>*[Aa]<sep>*[Cc]``: either case, separators anywhere."""
    return f"{_SEPARATOR_CLASS}*".join(f"[{c.upper()}{c.lower()}]" for c in word)


def _digits(count: int, *, first: str = "0-9") -> str:
    rest = f"(?:{_SEPARATOR_CLASS}*[0-9]){{{count - 1}}}"
    return f"[{first}]{rest}"


def receipt_number_pattern(prefixes: frozenset[str]) -> str:
    """Three letters from ``prefixes`` and ten digits, any case, separators anywhere."""
    words = "|".join(_letters(prefix) for prefix in sorted(prefixes))
    return f"^{_SEPARATOR_CLASS}*(?:{words}){_SEPARATOR_CLASS}*{_digits(10)}{_SEPARATOR_CLASS}*$"


# Long enough for a number typed with a space or dash between every character.
RECEIPT_NUMBER_MAX_LENGTH = 64

# Eight digits, the first not zero.
SERVICE_REQUEST_NUMBER_PATTERN = (
    f"^{_SEPARATOR_CLASS}*{_digits(8, first='1-9')}{_SEPARATOR_CLASS}*$"
)
SERVICE_REQUEST_NUMBER_MAX_LENGTH = 30

# Codes of the catalogue used as filters: a form (I-485), a category (family-based), an
# office (NSC). Letters, digits, dashes and underscores only; empty means no filter.
CATALOGUE_CODE_PATTERN = "^[A-Za-z0-9_-]*$"
CATALOGUE_CODE_MAX_LENGTH = 40

# Characters no person types into free text: C0 and C1 controls other than tab, line feed and
# carriage return, DEL, zero-width and direction-changing format characters, the line and
# paragraph separators and the byte-order mark.
_CONTROL_RANGES = (
    "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
    "\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u2069"
    "\\ufeff\\ufff9-\\ufffb"
)
# Lone surrogates too (a JSON escape such as "\\ud800" produces one, and no database column
# stores it). They are not Unicode characters, so no published pattern can name them: a JSON
# Schema string cannot hold one in the first place.
CONTROL_CHARACTERS_RE = re.compile(f"[{_CONTROL_RANGES}\\ud800-\\udfff]")
# What ``str.strip()`` removes once the characters above are refused.
_BLANK = "\\t\\n\\r \\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000"


def free_text_pattern() -> str:
    """Text with at least one visible character and no control or format characters."""
    allowed = f"[^{_CONTROL_RANGES}]"
    visible = f"[^{_CONTROL_RANGES}{_BLANK}]"
    return f"^{allowed}*{visible}{allowed}*$"


FREE_TEXT_PATTERN = free_text_pattern()


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS_RE.search(text) is not None
