"""OCR and QR codes read real paper: a letter drawn with Pillow and read by Tesseract, in
English and in Spanish, and our fax cover sheet, drawn from its PDF and read back."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from contactcenter.core.reference_numbers import ReferenceNumber
from contactcenter.mailroom import documents, reading
from tests.mailroom.conftest import as_bytes, letter_image

REFERENCE = "1234567897"  # Luhn-valid
assert ReferenceNumber.parse(REFERENCE).value == REFERENCE


def test_identifiers_found_normalised_and_checked():
    text = (
        "Receipt: ioe-0912345678, 1|OE0912345679 and EAC 22l2345678;\n"
        "A-Number A 12345678 or A#098765432.\n"
        f"Inquiry {REFERENCE}; not a reference: 1234567890, +1 202 555 0100, XYZ1234567890."
    )
    found = reading.identifiers_find(text)
    assert found.receipt_numbers == ("IOE0912345678", "IOE0912345679", "EAC2212345678")
    assert found.a_numbers == ("A012345678", "A098765432")
    assert found.references == (REFERENCE,)


@pytest.mark.parametrize(
    ("lines", "language"),
    [
        (
            [
                "Dear Sir or Madam,",
                "Please tell me the status of my case.",
                "My receipt number is IOE0912345678.",
                "My A-Number is A123456789.",
                f"Your reference number {REFERENCE}. Thank you.",
            ],
            "en",
        ),
        (
            [
                "Estimados señores:",
                "Por favor, díganme el estado de mi caso.",
                "Mi número de recibo es IOE0912345678.",
                "Mi número A es A123456789.",
                f"Su número de referencia {REFERENCE}. Gracias por su ayuda.",
            ],
            "es",
        ),
    ],
)
def test_a_letter_is_read_in_english_and_spanish(lines, language):
    content = as_bytes([letter_image(lines)], "pdf")
    image = reading.page_image(content, "pdf", 0, dpi=100)
    text = reading.ocr(image)
    found = reading.identifiers_find(text)
    assert found.receipt_numbers == ("IOE0912345678",)
    assert found.a_numbers == ("A123456789",)
    assert found.references == (REFERENCE,)
    assert reading.language_guess(text) == language
    if language == "es":
        assert "número" in text.lower()  # Spanish letters read with Spanish data


def test_the_fax_cover_sheet_carries_the_reference_as_qr_and_text_in_both_languages():
    pdf = documents.fax_cover_sheet(reference_number=REFERENCE, when=dt.date(2026, 12, 7))
    assert pdf.startswith(b"%PDF-")
    image = reading.page_image(pdf, "pdf", 0, dpi=100)
    assert reading.qr_references(image) == (REFERENCE,)
    text = reading.ocr(image)
    assert REFERENCE in reading.identifiers_find(text).references
    assert "FAX COVER SHEET" in text
    assert "HOJA DE PORTADA DE FAX" in text
    assert "Ponga esta página primero" in text


def test_a_stranger_qr_code_is_not_taken_for_ours():
    import segno
    from PIL import Image

    buffer = io.BytesIO()
    segno.make_qr(REFERENCE).save(buffer, kind="png", scale=8, border=4)
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    assert reading.qr_references(image) == ()


def test_the_kind_is_read_from_the_bytes():
    image = letter_image(["x"])
    assert reading.kind_of(as_bytes([image], "pdf")) == "pdf"
    assert reading.kind_of(as_bytes([image], "tiff")) == "tiff"
    assert reading.kind_of(as_bytes([image], "jpeg")) == "jpeg"
    assert reading.kind_of(b"MZ\x90\x00 a program") == ""
