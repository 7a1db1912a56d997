import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactcenter.core.a_numbers import ANumber, InvalidANumber


@given(st.integers(min_value=1, max_value=999_999_999), st.sampled_from(["A", "a", "A-", ""]))
def test_seven_to_nine_digits_are_padded_to_nine(number, prefix):
    digits = str(number)
    if len(digits) < 7:
        digits = digits.zfill(7)
    parsed = ANumber.parse(prefix + digits)
    assert parsed.value == "A" + digits.zfill(9)
    assert len(parsed.value) == 10


@given(st.text(max_size=14))
def test_anything_else_is_rejected_with_a_reason(raw):
    try:
        parsed = ANumber.parse(raw)
    except InvalidANumber as error:
        assert str(error.message)
    else:
        assert parsed.value[0] == "A" and parsed.value[1:].isdigit() and len(parsed.value) == 10


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("A123456", "7 to 9 digits; this one has 6"),
        ("A1234567890", "this one has 10"),
        ("A12345B78", "digits only"),
        ("A000000000", "cannot be all zeros"),
        ("", "Enter an A-Number"),
    ],
)
def test_rejections(raw, reason):
    with pytest.raises(InvalidANumber) as caught:
        ANumber.parse(raw)
    assert reason in str(caught.value.message)


def test_spaces_and_mask():
    parsed = ANumber.parse(" a 012-345-678 ")
    assert parsed.value == "A012345678"
    assert parsed.masked() == "A*****5678"
