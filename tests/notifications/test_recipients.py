import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactcenter.notifications.recipients import is_e164, mask_email, mask_phone, mask_recipient


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("+15555550142", "+1******0142"),
        ("+447700900123", "+4*******0123"),
        ("ana.reyes@example.org", "a***@example.org"),
        ("x@example.org", "x***@example.org"),
    ],
)
def test_masking(value, masked):
    assert mask_recipient(value) == masked


def test_odd_values_are_masked_completely():
    assert mask_phone("+123") == "****"
    assert mask_email("not-an-address") == "***"


@given(st.from_regex(r"\+[1-9][0-9]{7,14}", fullmatch=True))
def test_a_masked_phone_hides_all_but_six_characters(phone):
    masked = mask_phone(phone)
    assert len(masked) == len(phone)
    assert masked.count("*") == len(phone) - 6
    assert phone not in masked


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("+15555550142", True),
        ("+5215555550142", True),
        ("15555550142", False),
        ("+1 555 555 0142", False),
        ("+05555550142", False),
        ("+1555", False),
        ("+1234567890123456", False),
    ],
)
def test_e164(value, valid):
    assert is_e164(value) is valid
