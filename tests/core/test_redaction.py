import pytest

from contactcenter.core.redaction import redact
from contactcenter.core.reference_numbers import ReferenceNumber


@pytest.mark.parametrize(
    ("text", "kind", "secret"),
    [
        ("my A-Number is A012345678", "A-NUMBER", "012345678"),
        ("a 123 456 789 is mine", "A-NUMBER", "456"),
        ("SSN 123-45-6789 please", "SSN", "45-6789"),
        ("born 03/14/1985", "DATE", "1985"),
        ("born 1985-03-14", "DATE", "1985"),
        ("receipt EAC2212345678", "RECEIPT-NUMBER", "2212345678"),
        ("receipt eac-22-123-45678", "RECEIPT-NUMBER", "45678"),
        ("call me at (555) 010-4477", "PHONE", "4477"),
        ("call +1 555 010 4477", "PHONE", "4477"),
        ("write to ana.perez+x@example.org", "EMAIL", "ana.perez"),
    ],
)
def test_personal_data_is_masked(text, kind, secret):
    result = redact(text)
    assert secret not in result.text
    assert f"[{kind}]" in result.text
    assert kind in result.kinds


def test_plain_text_is_left_alone():
    text = "How long does an I-485 take? Form N-400 costs money."
    result = redact(text)
    assert result.text == text
    assert not result.found


@pytest.mark.parametrize(
    "text",
    [
        "I was born March 3, 1985.",
        "born Mar. 3rd 1985",
        "born on the 3rd of March, 1985",
        "born 3 March 1985",
        "nací el 3 de marzo de 1985",
        "nací el 3 de marzo del 1985",
        "nací el 1º de enero, 1990",
        "nací el primero de enero de 1990",
        "fecha de nacimiento: marzo 3, 1985",
        "NACÍ EL 3 DE SETIEMBRE DE 1985",
    ],
)
def test_dates_written_in_words_are_masked_in_english_and_spanish(text):
    result = redact(text)
    assert "[DATE]" in result.text
    assert "198" not in result.text and "199" not in result.text
    assert not any(
        month in result.text.lower() for month in ("march", "marzo", "enero", "setiembre")
    )
    assert result.kinds == ("DATE",)


@pytest.mark.parametrize(
    "text", ["Your appointment is on March 3.", "I applied in May 2024.", "Es el 3 de marzo."]
)
def test_a_day_without_a_year_or_a_month_and_year_is_not_a_date_of_birth(text):
    assert redact(text).text == text


def test_an_inquiry_reference_number_is_kept_for_the_person_to_quote():
    reference = ReferenceNumber.generate().value
    text = f"Your inquiry number is {reference}. Quote it if you contact us again."
    result = redact(text)
    assert result.text == text
    assert not result.found


def test_ten_digits_that_fail_the_check_digit_are_still_a_phone_number():
    reference = ReferenceNumber.generate().value
    wrong = reference[:-1] + str((int(reference[-1]) + 1) % 10)
    result = redact(f"call me at {wrong}")
    assert wrong not in result.text and result.kinds == ("PHONE",)


def test_a_reference_numbers_digits_written_as_a_phone_number_are_masked():
    reference = ReferenceNumber.generate().value
    dashed = f"{reference[:3]}-{reference[3:6]}-{reference[6:]}"
    for text in (f"call {dashed}", f"call +1 {reference}", f"call 1-{dashed}"):
        result = redact(text)
        assert reference[6:] not in result.text, text
        assert "PHONE" in result.kinds
