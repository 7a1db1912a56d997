"""The published patterns and the parsers say the same thing: a text parses exactly when it
matches the pattern and fits the length (so the OpenAPI document cannot drift from the code)."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from contactcenter.assistant.services import MAX_QUESTION_CHARS, InvalidQuestion, assistant_ask
from contactcenter.core.errors import ApplicationError
from contactcenter.core.receipt_numbers import RECEIPT_NUMBER_PATTERN, ReceiptNumber
from contactcenter.core.text_input import ControlCharacters
from contactcenter.core.text_patterns import (
    FREE_TEXT_PATTERN,
    RECEIPT_NUMBER_MAX_LENGTH,
    SERVICE_REQUEST_NUMBER_MAX_LENGTH,
    SERVICE_REQUEST_NUMBER_PATTERN,
)
from contactcenter.servicerequests.selectors import number_parse

# Characters that sit at the edges of what the parsers accept.
_TRICKY = st.sampled_from(
    list(" \t\n\r\u00a0-_.\x00\x1f\x7f\x85\u200b\u2028\u202e\ufeffıſßﬀ０１Ａ")
    + list("EACLINIOEWACeaclin0123456789")
)
texts = st.one_of(st.text(max_size=70), st.text(alphabet=_TRICKY, max_size=70))


def _parses(parse, raw: str) -> bool:
    try:
        parse(raw)
    except ApplicationError:
        return False
    return True


@settings(max_examples=400)
@given(st.one_of(st.from_regex(RECEIPT_NUMBER_PATTERN, fullmatch=True), texts))
@example("eac-22 1234\u00a05678")
@example("lın2212345678")  # a dotless i upper-cases to I: not a receipt number
@example("EAC2212345678\n")
def test_a_receipt_number_parses_exactly_when_it_matches_the_pattern(raw):
    matches = re.fullmatch(RECEIPT_NUMBER_PATTERN, raw) is not None
    fits = len(raw) <= RECEIPT_NUMBER_MAX_LENGTH
    assert _parses(ReceiptNumber.parse, raw) == (matches and fits)


def test_an_over_long_receipt_number_says_so():
    with pytest.raises(ApplicationError, match="at most 64 characters"):
        ReceiptNumber.parse("EAC" + " " * 60 + "2212345678")


@settings(max_examples=400)
@given(st.one_of(st.from_regex(SERVICE_REQUEST_NUMBER_PATTERN, fullmatch=True), texts))
@example("4123-4567")
@example("01234567")
@example("4123\u30004567")  # an ideographic space is not a separator we publish
def test_a_service_request_number_parses_exactly_when_it_matches_the_pattern(raw):
    matches = re.fullmatch(SERVICE_REQUEST_NUMBER_PATTERN, raw) is not None
    fits = len(raw) <= SERVICE_REQUEST_NUMBER_MAX_LENGTH
    assert _parses(number_parse, raw) == (matches and fits)


def _question_refused(question: str) -> bool:
    try:
        assistant_ask(question=question, language="en")
    except (InvalidQuestion, ControlCharacters):  # C0 controls answer with the edge's own code
        return True
    return False


@pytest.mark.django_db
@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=_TRICKY, max_size=20),
        st.text(max_size=20),
        st.integers(min_value=MAX_QUESTION_CHARS - 2, max_value=MAX_QUESTION_CHARS + 2).map(
            lambda n: " " * (n - 3) + "why"
        ),
    )
)
@example("hello\u202eevil")
@example("   ")
@example("ok\x00")
def test_a_question_is_refused_exactly_when_it_breaks_the_pattern_or_the_length(question):
    # Only the refusal is compared: an accepted question is answered from the knowledge base.
    valid = re.fullmatch(FREE_TEXT_PATTERN, question) is not None
    fits = len(question) <= MAX_QUESTION_CHARS
    assert _question_refused(question) == (not (valid and fits))


@pytest.mark.parametrize(
    "pattern",
    [RECEIPT_NUMBER_PATTERN, SERVICE_REQUEST_NUMBER_PATTERN, FREE_TEXT_PATTERN],
)
def test_every_published_pattern_is_read_by_a_json_schema_validator(pattern):
    """A pattern a validator cannot compile is silently ignored by API tools: it must compile
    in the Rust regex engine that jsonschema-rs (and schemathesis) use, as well as in Python."""
    import jsonschema_rs

    validator = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    assert validator.is_valid("41234567") == bool(re.fullmatch(pattern, "41234567"))
