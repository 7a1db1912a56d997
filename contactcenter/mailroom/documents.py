"""The paper we produce: a fax cover sheet and a reply letter, as PDF (fpdf2).

Both carry the inquiry's reference number as text (large, for OCR and for people) and the
cover sheet carries it as a QR code too (segno), so a fax sent back with it joins its inquiry.
The agency's name and mailing address come from its profile (the agency app); the number
faxes reach is the mail room's own setting, ``MAILROOM_AGENCY_FAX``.

The PDF's core font (Helvetica) writes Latin-1, which covers English and Spanish; any other
character is replaced rather than dropped silently.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import segno
from django.conf import settings
from fpdf import FPDF

from contactcenter.agency.selectors import agency_profile
from contactcenter.mailroom.reading import QR_PREFIX

_FONT = "helvetica"


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def agency(language: str = "en") -> tuple[str, tuple[str, ...], str]:
    """(name, address lines, fax number) for the letterhead, in ``language``."""
    profile = agency_profile()
    language = language if language in profile.name else "en"
    address = profile.mailing_addresses[0].lines if profile.mailing_addresses else ()
    return profile.name[language], tuple(address), settings.MAILROOM_AGENCY_FAX


class _Paper(FPDF):
    def __init__(self) -> None:
        super().__init__(format="Letter")
        self.set_auto_page_break(auto=True, margin=20)
        self.set_margins(20, 18, 20)
        self.set_creator("Contact Center")

    def write_line(self, text: str, *, size: float = 11, bold: bool = False, height: float = 6):
        self.set_font(_FONT, style="B" if bold else "", size=size)
        self.multi_cell(0, height, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    def letterhead(self, language: str = "en") -> None:
        name, address, fax = agency(language)
        self.write_line(name, size=16, bold=True, height=8)
        for line in address:
            self.write_line(line, size=10, height=5)
        self.write_line(f"Fax: {fax}", size=10, height=5)
        self.ln(2)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(6)


def _qr_png(reference: str) -> bytes:
    buffer = io.BytesIO()
    segno.make_qr(f"{QR_PREFIX}{reference}", error="m").save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()


def fax_cover_sheet(*, reference_number: str, when: dt.date) -> bytes:
    """One page, English then Spanish: put it on top of the pages you fax us."""
    pdf = _Paper()
    pdf.add_page()
    pdf.letterhead()
    pdf.write_line("FAX COVER SHEET / HOJA DE PORTADA DE FAX", size=18, bold=True, height=10)
    pdf.ln(4)
    pdf.write_line("Reference number / Numero de referencia:", size=12)
    pdf.write_line(reference_number, size=30, bold=True, height=14)
    top = pdf.get_y() + 2
    pdf.image(io.BytesIO(_qr_png(reference_number)), x=pdf.l_margin, y=top, w=55, h=55)
    pdf.set_y(top + 60)
    pdf.write_line(
        "Put this page first and fax it with the documents we asked for. Do not write on the "
        "code. Use one cover sheet for each inquiry.",
        size=11,
    )
    pdf.ln(2)
    pdf.write_line(
        "Ponga esta página primero y envíela por fax con los documentos que le pedimos. No "
        "escriba sobre el código. Use una hoja de portada para cada consulta.",
        size=11,
    )
    pdf.ln(4)
    pdf.write_line(f"Date / Fecha: {when.isoformat()}", size=10)
    return bytes(pdf.output())


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    address_lines: tuple[str, ...]


_GREETING = {"en": "Dear {name}:", "es": "Estimado/a {name}:"}
_CLOSING = {"en": "Sincerely,", "es": "Atentamente,"}
_REFERENCE = {"en": "Reference number: {number}", "es": "Número de referencia: {number}"}
_QUOTE = {
    "en": "Please quote this reference number if you write or call us again.",
    "es": "Por favor, indique este número de referencia si nos escribe o llama de nuevo.",
}


def reply_letter(
    *, recipient: Recipient, reference_number: str, language: str, body: str, when: dt.date
) -> bytes:
    """A letter on the agency's letterhead to the person's address on file, in the inquiry's
    language, for printing and mailing."""
    language = language if language in _GREETING else "en"
    name = agency(language)[0]
    pdf = _Paper()
    pdf.add_page()
    pdf.letterhead(language)
    pdf.write_line(when.isoformat(), size=11)
    pdf.ln(4)
    pdf.write_line(recipient.name, size=11)
    for line in recipient.address_lines:
        pdf.write_line(line, size=11)
    pdf.ln(6)
    pdf.write_line(_REFERENCE[language].format(number=reference_number), size=11, bold=True)
    pdf.ln(4)
    pdf.write_line(_GREETING[language].format(name=recipient.name), size=11)
    pdf.ln(2)
    for paragraph in body.strip().split("\n\n"):
        pdf.write_line(" ".join(paragraph.split()), size=11)
        pdf.ln(3)
    pdf.write_line(_QUOTE[language], size=11)
    pdf.ln(6)
    pdf.write_line(_CLOSING[language], size=11)
    pdf.write_line(name, size=11)
    return bytes(pdf.output())
