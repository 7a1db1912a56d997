import datetime as dt

import pytest

from contactcenter.core.identity_hints import IdentityHint, identity_hints

TODAY = dt.date(2026, 12, 6)


def hints(text: str, language: str = "en") -> list[tuple[str, str]]:
    return [(h.field, h.value) for h in identity_hints(text, language=language, today=TODAY)]


def test_every_answer_in_one_message_is_found_in_order():
    text = "Receipt eac-22-123-45678, born March 3, 1985, ZIP 20500-1234, A-Number A012345678"
    assert hints(text) == [
        ("receipt_number", "EAC2212345678"),
        ("a_number_last4", "5678"),
        ("date_of_birth", "1985-03-03"),
        ("zip_code", "20500"),
    ]


@pytest.mark.parametrize(
    ("text", "language", "iso"),
    [
        ("born 03/04/1985", "en", "1985-03-04"),
        ("nací el 03/04/1985", "es", "1985-04-03"),
        ("born 1985-03-04", "en", "1985-03-04"),
        ("born 3/4/85", "en", "1985-03-04"),
        ("nací el 3 de marzo de 1985", "es", "1985-03-03"),
        ("nací el primero de mayo del 2001", "es", "2001-05-01"),
        ("born the 21st of Sept. 1979", "en", "1979-09-21"),
    ],
)
def test_dates_of_birth_become_the_date_fields_value(text, language, iso):
    assert hints(text, language) == [("date_of_birth", iso)]


@pytest.mark.parametrize(
    "text",
    [
        "born 02/30/1985",  # no such day
        "born 01/01/2027",  # not born yet
        "born 13/01/1985",  # no 13th month in English order
        "receipt XYZ2212345678",  # not an intake prefix
        "A-Number A12",  # too short
        "Is there a number I can call? It is 2024.",
    ],
)
def test_what_does_not_parse_is_not_offered(text):
    assert hints(text) == []


def test_the_last_four_of_an_a_number_are_offered_when_the_person_names_it():
    assert hints("los últimos cuatro del número A son 6789", "es") == [("a_number_last4", "6789")]
    assert hints("my A-Number ends in 0042") == [("a_number_last4", "0042")]


def test_a_zip_code_is_not_taken_from_inside_a_longer_number():
    assert hints("call 202-555-01437") == []
    assert hints("my zip is 10001") == [("zip_code", "10001")]


def test_the_same_answer_twice_is_offered_once():
    found = identity_hints("EAC2212345678 again EAC 22 123 45678", today=TODAY)
    assert found == [IdentityHint("receipt_number", "EAC2212345678")]
    assert found[0].as_dict() == {"field": "receipt_number", "value": "EAC2212345678"}
