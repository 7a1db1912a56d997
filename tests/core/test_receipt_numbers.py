import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactcenter.core.errors import ErrorCode
from contactcenter.core.receipt_numbers import PREFIXES, InvalidReceiptNumber, ReceiptNumber

prefixes = st.sampled_from(sorted(PREFIXES))
ten_digits = st.text(alphabet="0123456789", min_size=10, max_size=10)


@given(prefix=prefixes, digits=ten_digits)
def test_every_known_prefix_with_ten_digits_parses(prefix, digits):
    parsed = ReceiptNumber.parse(prefix + digits)
    assert parsed.value == prefix + digits
    assert parsed.fiscal_year == 2000 + int(digits[:2])
    assert parsed.workday == int(digits[2:5])
    assert parsed.sequence == int(digits[5:])


@given(prefix=prefixes, digits=ten_digits, data=st.data())
def test_case_spaces_and_dashes_are_normalised(prefix, digits, data):
    raw = prefix.lower() + digits
    # Sprinkle separators between characters, and around the ends.
    pieces = []
    for char in raw:
        pieces.append(data.draw(st.sampled_from(["", " ", "-", " - ", "\t"])))
        pieces.append(char)
    pieces.append(data.draw(st.sampled_from(["", " ", "-"])))
    assert ReceiptNumber.parse("".join(pieces)).value == prefix + digits


@given(st.text(max_size=20))
def test_parse_either_returns_a_normalised_value_or_raises_with_a_reason(raw):
    try:
        parsed = ReceiptNumber.parse(raw)
    except InvalidReceiptNumber as error:
        assert error.code == ErrorCode.INVALID_RECEIPT_NUMBER
        assert error.http_status == 400
        assert str(error.message)
    else:
        assert len(parsed.value) == 13
        assert parsed.prefix in PREFIXES
        assert parsed.value[3:].isdigit()


@given(prefix=prefixes, digits=ten_digits)
def test_parse_is_idempotent(prefix, digits):
    once = ReceiptNumber.parse(prefix + digits)
    assert ReceiptNumber.parse(once.value) == once


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "Enter a receipt number"),
        ("   ", "Enter a receipt number"),
        ("ABC1234567890", "ABC is not a receipt number prefix"),
        ("EAC123456789", "has 10 digits after the letters; this one has 9"),
        ("EAC12345678901", "this one has 11"),
        ("EA12345678901", "starts with three letters"),
        ("EAC12345X7890", "only digits"),
        ("EAC1234567890!", "only letters and digits"),
        ("EAC١٢٣٤٥٦٧٨٩٠", "only letters and digits"),
    ],
)
def test_each_rejection_says_why(raw, reason):
    with pytest.raises(InvalidReceiptNumber) as caught:
        ReceiptNumber.parse(raw)
    assert reason in str(caught.value.message)


def test_non_text_is_rejected():
    with pytest.raises(InvalidReceiptNumber):
        ReceiptNumber.parse(1234567890123)


def test_intake_office_and_mask():
    number = ReceiptNumber.parse("lin-23-901-12345")
    assert number.value == "LIN2390112345"
    assert number.intake_office_code == "NSC"
    assert number.masked() == "LIN******2345"
    assert "2390" not in number.masked()
