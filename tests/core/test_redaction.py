import pytest

from contactcenter.core.redaction import redact


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
