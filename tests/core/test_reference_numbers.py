import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactcenter.core.reference_numbers import (
    InvalidReferenceNumber,
    ReferenceNumber,
    luhn_check_digit,
)


def test_known_luhn_value():
    # 7992739871 is the classic worked example; its check digit is 3.
    assert luhn_check_digit("7992739871") == "3"


@given(st.integers(min_value=0, max_value=200))
def test_generated_numbers_parse(_):
    number = ReferenceNumber.generate()
    assert len(number.value) == 10 and number.value[0] != "0"
    assert ReferenceNumber.parse(number.value) == number
    assert ReferenceNumber.parse("-".join([number.value[:4], number.value[4:]])) == number


@given(st.integers(min_value=0, max_value=9), st.data())
def test_any_single_digit_typo_is_caught(position, data):
    number = ReferenceNumber.generate().value
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    typo = number[:position] + wrong + number[position + 1 :]
    with pytest.raises(InvalidReferenceNumber, match="not valid"):
        ReferenceNumber.parse(typo)


@pytest.mark.parametrize(
    ("raw", "reason"), [("12345", "this one has 5"), ("12345abcde", "digits only"), (None, "text")]
)
def test_rejections(raw, reason):
    with pytest.raises(InvalidReferenceNumber, match=reason):
        ReferenceNumber.parse(raw)


def test_spoken_form_groups_digits():
    assert ReferenceNumber("1234567890").spoken() == "1 2 3, 4 5 6, 7 8 9 0"
