"""Control characters are refused at the edge as bad input, with a clear error in the
person's language; tab and line breaks stay allowed where text runs over lines (the chat,
the assistant API, the inbox and service requests each have a test of their own)."""

from __future__ import annotations

import pytest
from django.utils import translation

from contactcenter.core.errors import ErrorCode
from contactcenter.core.text_input import ControlCharacters, control_characters_refuse

BAD = ["\x00", "a\x00b", "\x1b[31mred", "bell\x07", "del\x7f", "\x0bvertical tab"]


@pytest.mark.parametrize("text", BAD)
def test_control_characters_are_refused(text):
    with pytest.raises(ControlCharacters) as refused:
        control_characters_refuse(text, multiline=True)
    assert refused.value.code == ErrorCode.CONTROL_CHARACTERS
    assert refused.value.http_status == 400


def test_tab_and_line_breaks_pass_only_where_text_has_lines():
    assert control_characters_refuse("one\ttwo\r\nthree", multiline=True) == "one\ttwo\r\nthree"
    with pytest.raises(ControlCharacters):
        control_characters_refuse("subject\nline")


def test_the_message_is_in_spanish_too():
    with translation.override("es"), pytest.raises(ControlCharacters) as refused:
        control_characters_refuse("\x00")
    assert "caracteres de control" in refused.value.message
