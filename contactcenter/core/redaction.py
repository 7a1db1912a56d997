"""Mask personal data in free text before it is stored or logged.

Used for transcripts, chat messages and notes typed by the public. Each pattern replaces the
match with a label such as ``[A-NUMBER]`` so a reader still sees what kind of thing was said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("EMAIL", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("RECEIPT-NUMBER", re.compile(r"\b[A-Za-z]{3}[\s-]?\d{2}[\s-]?\d{3}[\s-]?\d{5}\b")),
    ("SSN", re.compile(r"\b\d{3}[\s-]\d{2}[\s-]\d{4}\b")),
    ("A-NUMBER", re.compile(r"\b[Aa][\s#-]?\d{7,9}\b|\b[Aa][\s-]?\d{3}[\s-]?\d{3}[\s-]?\d{3}\b")),
    (
        "DATE",
        re.compile(r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})\b"),
    ),
    ("PHONE", re.compile(r"(?:\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b")),
    ("NUMBER", re.compile(r"\b\d{9,}\b")),
]


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
            kinds.append(label)
            return f"[{label}]"

        text = pattern.sub(replace, text)
    return Redacted(text, tuple(dict.fromkeys(kinds)))
