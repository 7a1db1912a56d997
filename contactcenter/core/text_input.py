"""Text typed by people, refused at the edge when it carries control characters.

C0 control characters (U+0000 to U+001F) and DEL have no place in a question, a message or a
detail of a request: a NUL is refused by PostgreSQL and taken for an outage, escape sequences
rewrite a terminal that shows a log, and none of them can be typed in a text box. Tab, line
feed and carriage return are allowed where the text may run over several lines.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from contactcenter.core.errors import ErrorCode, InvalidInput

_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ControlCharacters(InvalidInput):
    code = ErrorCode.CONTROL_CHARACTERS
    http_status = 400


def control_characters_refuse(text: str, *, multiline: bool = False) -> str:
    """``text`` unchanged, or :class:`ControlCharacters` when it holds a control character
    (tab and line breaks allowed when ``multiline``)."""
    pattern = _CONTROL_BUT_LINES if multiline else _ANY_CONTROL
    if pattern.search(text):
        raise ControlCharacters(
            _(
                "The text contains control characters that cannot be typed, such as a null "
                "character. Remove them and send it again."
            )
        )
    return text
