"""The accounting and the export as files: CSV and JSON for the accounting, JSON and PDF for
a person's records. Pure: they render what the selectors read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import asdict
from pathlib import Path

from fpdf import FPDF

from contactcenter.agency.selectors import agency_profile
from contactcenter.records.selectors import Accounting

ACCOUNTING_COLUMNS = (
    "disclosed_at", "receipt_number", "recipient", "recipient_kind", "channel", "purpose",
    "fields",
)  # fmt: skip

# A Unicode font when the system has one (names in any script); else the PDF's own Helvetica,
# which only knows Latin-1, and other characters print as "?" (the JSON is always complete).
UNICODE_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)


def accounting_as_dict(accounting: Accounting) -> dict[str, object]:
    return {
        "person_id": accounting.person_id,
        "person": accounting.person_name,
        "receipt_numbers": accounting.receipt_numbers,
        "disclosures": [
            {**asdict(row), "disclosed_at": row.disclosed_at.isoformat()} for row in accounting.rows
        ],
    }


def accounting_json(accounting: Accounting) -> str:
    return json.dumps(accounting_as_dict(accounting), indent=2, ensure_ascii=False)


def accounting_csv(accounting: Accounting) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ACCOUNTING_COLUMNS)
    for row in accounting.rows:
        values = {**asdict(row), "disclosed_at": row.disclosed_at.isoformat()}
        # A cell starting with = + - @ is read as a formula by spreadsheets: quote it as text.
        writer.writerow([_cell(str(values[column])) for column in ACCOUNTING_COLUMNS])
    return out.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_json(export: dict[str, object]) -> str:
    return json.dumps(export, indent=2, ensure_ascii=False)


class _Document(FPDF):
    def __init__(self, font_path: Path | None) -> None:
        super().__init__(format="Letter")
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)
        self._unicode = font_path is not None
        if font_path is not None:
            self.add_font("body", "", str(font_path))
            self._body_font = "body"
        else:
            self._body_font = "helvetica"

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self._body_font, size=8)
        self.cell(0, 8, f"{self.page_no()}", align="C")

    def text_safe(self, text: str) -> str:
        if self._unicode:
            return text
        return text.encode("latin-1", "replace").decode("latin-1")

    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font(self._body_font, size=13)
        self.multi_cell(0, 7, self.text_safe(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font(self._body_font, size=9)

    def line_of(self, text: str, indent: int = 0) -> None:
        self.set_x(self.l_margin + indent)
        self.multi_cell(0, 5, self.text_safe(text), new_x="LMARGIN", new_y="NEXT")


def _pairs(item: dict[str, object], skip: tuple[str, ...] = ()) -> str:
    return "; ".join(
        f"{key.replace('_', ' ')}: {value}"
        for key, value in item.items()
        if key not in skip and value not in ("", None, [])
    )


def export_pdf(
    export: dict[str, object], *, generated_at: dt.datetime, font_path: Path | None = None,
    compress: bool = True,
) -> bytes:  # fmt: skip
    """The export as a PDF a person can read: every section of the JSON, in order."""
    if font_path is None:
        font_path = next((path for path in UNICODE_FONTS if path.exists()), None)
    pdf = _Document(font_path if font_path and font_path.exists() else None)
    pdf.set_compression(compress)
    agency = agency_profile()  # who holds the records: the agency this install answers for
    pdf.set_title("Records of one person (Privacy Act / FOIA)")
    pdf.set_creator("Contact Center")
    pdf.set_author(agency.name["en"])
    pdf.add_page()
    pdf.heading("Records held by the contact center about one person")
    pdf.line_of(f"{agency.name['en']} ({agency.domain}), contact center.")
    pdf.line_of(f"Produced {generated_at.isoformat(timespec='seconds')} for a Privacy Act or "
                "FOIA request.")  # fmt: skip
    person = export["person"]
    assert isinstance(person, dict)
    pdf.heading("Person")
    pdf.line_of(_pairs(person))
    sections = (
        ("cases", "Cases", ("status_history",), "status_history"),
        ("inquiries", "Inquiries", ("events", "chat"), "events"),
        ("secure_messages", "Secure messages", (), None),
        ("service_requests", "Service requests", ("events",), "events"),
        ("appointment_requests", "Appointment requests", (), None),
        ("appointments", "Appointments", (), None),
        ("disclosure_accounting", "Accounting of disclosures", (), None),
    )
    for key, title, skip, nested in sections:
        items = export.get(key) or []
        assert isinstance(items, list)
        pdf.heading(f"{title} ({len(items)})")
        if not items:
            pdf.line_of("None.")
        for item in items:
            pdf.line_of("- " + _pairs(item, skip))
            for child in item.get(nested, []) if nested else []:
                pdf.line_of(_pairs(child), indent=6)
            for child in item.get("chat", []) if key == "inquiries" else []:
                pdf.line_of("chat: " + _pairs(child), indent=6)
    return bytes(pdf.output())
