"""Reading paper: what kind a scanned file is (by its bytes), its pages as images, their text
(Tesseract, English and Spanish), the identifiers in that text, and a cover sheet's QR code.

Pure functions of bytes and text; the services decide what to keep. OCR confuses a few
characters in numbers (O for 0, l or I for 1): only inside a run that otherwise is a number
are they read as digits, and every candidate must then pass the same parser the rest of the
product uses (``ReceiptNumber``, ``ANumber``, the Luhn check of ``ReferenceNumber``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from contactcenter.core.a_numbers import ANumber, InvalidANumber
from contactcenter.core.receipt_numbers import InvalidReceiptNumber, ReceiptNumber
from contactcenter.core.reference_numbers import InvalidReferenceNumber, ReferenceNumber

if TYPE_CHECKING:
    from PIL import Image

# The imaging and OCR libraries (pypdfium2, Pillow, pytesseract, zxing-cpp: about a quarter of
# a second with numpy) are imported by the functions that use them, not with this module, so
# every command and worker starts without them.

# What a QR code on our cover sheet says: a prefix, so a stranger's QR code is not taken for
# ours, and the inquiry's reference number.
QR_PREFIX = "CC-INQUIRY:"
MAX_SIDE = 6000  # pixels: a larger page is shrunk before OCR (and a bomb refused by Pillow)

_DIGITISH = "0-9OoIl|"
# A prefix as OCR may read it: "I" comes out as "1", "|" or "1|" in sans-serif type, "O" as
# "0". Digits may carry separators; a run always ends on a real digit.
_RECEIPT = re.compile(
    rf"(?<![A-Za-z0-9|])([A-Za-z01|]{{3,4}})[ \-]?((?:[{_DIGITISH}][ \-]?){{9}}[0-9])(?![0-9])"
)
_A_NUMBER = re.compile(
    rf"(?<![A-Za-z0-9])A[ \-#:]{{0,2}}((?:[{_DIGITISH}][ \-]?){{7,8}}[0-9])(?![0-9])"
)
# Our reference numbers never start with 0 (``ReferenceNumber.generate``); written together.
_TEN_DIGITS = re.compile(r"(?<![A-Za-z0-9+])([1-9][0-9]{9})(?![0-9])")
_TO_LETTERS = str.maketrans({"|": "I", "1": "I", "0": "O"})
_TO_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", " ": "", "-": ""})

_SPANISH = {"el", "la", "los", "las", "de", "que", "y", "por", "para", "mi", "su", "con",
            "una", "caso", "solicitud", "usted", "estimado", "estimados", "gracias",
            "número"}  # fmt: skip
_ENGLISH = {"the", "and", "of", "to", "my", "your", "for", "with", "case", "please", "dear",
            "thank", "number", "is", "a", "this"}  # fmt: skip


class UnreadableFile(Exception):
    """A file that is not what its bytes claim, or cannot be drawn; ``reason`` is a code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def kind_of(content: bytes) -> str:
    """The file's kind from its first bytes: pdf, tiff, jpeg, png, or "" when none of them."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return ""


def page_count(content: bytes, kind: str) -> int:
    """How many pages the file holds; ``UnreadableFile`` when it cannot be opened as ``kind``."""
    import pypdfium2 as pdfium
    from PIL import Image

    try:
        if kind == "pdf":
            document = pdfium.PdfDocument(content)
            try:
                return len(document)
            finally:
                document.close()
        with Image.open(io.BytesIO(content)) as image:
            if (image.format or "").lower() != {"tiff": "tiff", "jpeg": "jpeg"}.get(kind):
                raise UnreadableFile(f"{kind}_unreadable:format")
            if kind == "tiff":
                return int(getattr(image, "n_frames", 1))
            image.verify()
            return 1
    except (pdfium.PdfiumError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise UnreadableFile(f"{kind}_unreadable:{type(error).__name__}"[:60]) from error


def page_image(content: bytes, kind: str, index: int, *, dpi: int | None = None) -> Image.Image:
    """Page ``index`` of the file as a greyscale image, a PDF drawn at ``dpi``."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageOps

    dpi = dpi or settings.MAILROOM_RENDER_DPI
    try:
        if kind == "pdf":
            document = pdfium.PdfDocument(content)
            try:
                image = document[index].render(scale=dpi / 72, grayscale=True).to_pil()
            finally:
                document.close()
        else:
            with Image.open(io.BytesIO(content)) as opened:
                opened.seek(index)
                image = ImageOps.exif_transpose(opened.convert("L"))
    except (pdfium.PdfiumError, OSError, ValueError, EOFError, IndexError) as error:
        raise UnreadableFile(f"render:{type(error).__name__}"[:60]) from error
    image = image.convert("L")
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    return image


def pdf_pages(content: bytes, *, limit: int, dpi: int | None = None) -> Iterator[Image.Image]:
    """The first ``limit`` pages of a PDF as images."""
    for index in range(min(page_count(content, "pdf"), limit)):
        yield page_image(content, "pdf", index, dpi=dpi)


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def ocr(image: Image.Image) -> str:
    """The page's text, read in English and Spanish together (``MAILROOM_OCR_LANGUAGES``)."""
    import pytesseract

    return pytesseract.image_to_string(image, lang=settings.MAILROOM_OCR_LANGUAGES)


def language_guess(text: str) -> str:
    """ "es" when the text has more common Spanish words than English ones, else "en"."""
    words = re.findall(r"[a-záéíóúñü]+", text.lower())
    spanish = sum(word in _SPANISH for word in words)
    english = sum(word in _ENGLISH for word in words)
    return "es" if spanish > english else "en"


@dataclass(frozen=True, slots=True)
class Identifiers:
    receipt_numbers: tuple[str, ...] = ()
    a_numbers: tuple[str, ...] = ()
    references: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, list[str]]:
        return {
            "receipt_numbers": list(self.receipt_numbers),
            "a_numbers": list(self.a_numbers),
            "references": list(self.references),
        }


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def identifiers_find(text: str) -> Identifiers:
    """Receipt numbers (three letters and ten digits), A-Numbers (A and 8 or 9 digits) and
    inquiry reference numbers (ten digits, Luhn-checked) in OCR text, each normalised and
    valid, in the order they appear, without repeats."""
    receipts: list[str] = []
    taken: list[tuple[int, int]] = []
    for match in _RECEIPT.finditer(text):
        prefix = match[1].replace("1|", "I").replace("|1", "I").translate(_TO_LETTERS)
        try:
            receipt = ReceiptNumber.parse(prefix + match[2].translate(_TO_DIGITS))
        except InvalidReceiptNumber:
            continue
        receipts.append(receipt.value)
        taken.append(match.span())
    a_numbers: list[str] = []
    for match in _A_NUMBER.finditer(text):
        digits = match[1].translate(_TO_DIGITS)
        if not 8 <= len(digits) <= 9:
            continue
        try:
            a_numbers.append(ANumber.parse(digits).value)
        except InvalidANumber:
            continue
        taken.append(match.span())
    references: list[str] = []
    for match in _TEN_DIGITS.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue  # the digits of a receipt number or an A-Number
        try:
            references.append(ReferenceNumber.parse(match[1]).value)
        except InvalidReferenceNumber:
            continue
    return Identifiers(_unique(receipts), _unique(a_numbers), _unique(references))


def qr_references(image: Image.Image) -> tuple[str, ...]:
    """The reference numbers our cover sheets' QR codes carry on this page (valid ones only)."""
    import zxingcpp

    found: list[str] = []
    for barcode in zxingcpp.read_barcodes(image):
        text = barcode.text.strip()
        if barcode.format != zxingcpp.BarcodeFormat.QRCode or not text.startswith(QR_PREFIX):
            continue
        try:
            found.append(ReferenceNumber.parse(text[len(QR_PREFIX) :]).value)
        except InvalidReferenceNumber:
            continue
    return _unique(found)
