"""The rows of the two agency files as records for the services: the columns each file has,
the reference data a row names (forms, categories, offices, statuses), one row parsed into a
record or every reason it is not one, and the checks across the rows of one file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from contactcenter.cases.import_fields import (
    FieldError,
    RowParser,
    a_number_parse,
    confidentiality_parse,
    email_parse,
    iso_date,
    language_parse,
    months_parse,
    phone_to_e164,
    receipt_number_parse,
    state_parse,
    text_up_to,
    zip_parse,
)
from contactcenter.cases.import_files import RawRow, RowError
from contactcenter.cases.models import Confidentiality, FormCategory, FormType
from contactcenter.cases.services import KEEP, CaseRecord, PersonDetails
from contactcenter.cases.statuses import CaseStatus
from contactcenter.offices.models import Office

CASE_COLUMNS = (
    "receipt_number",
    "form",
    "category",
    "receipt_date",
    "office",
    "status",
    "status_date",
    "given_name",
    "family_name",
    "date_of_birth",
    "a_number",
    "street",
    "city",
    "state",
    "zip",
    "email",
    "phone",
    "language",
    "confidential",
)
# Without these a row cannot make a case; the others may be left out of a file entirely.
CASE_REQUIRED_COLUMNS = CASE_COLUMNS[:9]
PROCESSING_TIME_COLUMNS = ("form", "category", "office", "months", "published_on")

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)


# --- Reference data ---------------------------------------------------------------------------


@dataclass
class ReferenceData:
    """Forms, categories and offices, read once per import (a few hundred rows at most)."""

    forms: dict[str, FormType]
    categories: dict[tuple[int, str], FormCategory]
    offices: dict[str, Office]
    statuses: dict[str, CaseStatus]

    @classmethod
    def load(cls) -> ReferenceData:
        forms = {form.code.upper(): form for form in FormType.objects.all()}
        categories = {(c.form_id, c.code.casefold()): c for c in FormCategory.objects.all()}
        offices = {office.code.upper(): office for office in Office.objects.all()}
        statuses: dict[str, CaseStatus] = {}
        for status in CaseStatus:
            # Agency extracts carry either the code or the public text people know.
            statuses[str(status.label).casefold()] = status
            statuses[status.value] = status
        return cls(forms, categories, offices, statuses)

    def form(self, text: str) -> FormType:
        try:
            return self.forms[text.upper()]
        except KeyError:
            raise FieldError(_("not a known form")) from None

    def office(self, text: str) -> Office:
        try:
            return self.offices[text.upper()]
        except KeyError:
            raise FieldError(_("not a known office code")) from None

    def status(self, text: str) -> CaseStatus:
        try:
            return self.statuses[text.casefold()]
        except KeyError:
            raise FieldError(_("not a known case status")) from None

    def category(self, row: RowParser, form: FormType | None) -> FormCategory | None:
        code = row.required("category", str)
        if code is None or form is None:
            return None
        category = self.categories.get((form.pk, code.casefold()))
        if category is None:
            row.error("category", _("not a category of form %(form)s") % {"form": form.code})
        return category


# --- Rows into records ------------------------------------------------------------------------


def _dates_check(
    row: RowParser, *, receipt: dt.date | None, status: dt.date | None, today: dt.date
):
    if receipt is not None and receipt > today:
        row.error("receipt_date", _("in the future"))
    if status is not None and status > today:
        row.error("status_date", _("in the future"))
    if receipt is not None and status is not None and status < receipt:
        row.error("status_date", _("before the receipt date"))


def case_record_parse(
    raw: RawRow, *, refs: ReferenceData, today: dt.date
) -> CaseRecord | list[RowError]:
    """One row as a :class:`CaseRecord`, or every reason it is not one."""
    row = RowParser(raw)
    receipt_number = row.required("receipt_number", receipt_number_parse)
    form = row.required("form", refs.form)
    category = refs.category(row, form)
    receipt_date = row.required("receipt_date", iso_date)
    office = row.required("office", refs.office)
    status = row.required("status", refs.status)
    status_date = row.required("status_date", iso_date)
    _dates_check(row, receipt=receipt_date, status=status_date, today=today)
    given_name = row.required("given_name", text_up_to(100))
    family_name = row.required("family_name", text_up_to(100))
    date_of_birth = row.optional("date_of_birth", iso_date, blank=None)
    if isinstance(date_of_birth, dt.date):
        if date_of_birth > today:
            row.error("date_of_birth", _("in the future"))
        elif date_of_birth < EARLIEST_BIRTH_DATE:
            row.error("date_of_birth", _("before 1900"))
    a_number = row.optional("a_number", a_number_parse, blank=KEEP)
    street = row.optional("street", text_up_to(200, multiline=True), blank="")
    city = row.optional("city", text_up_to(80), blank="")
    state = row.optional("state", state_parse, blank="")
    zip_code = row.optional("zip", zip_parse, blank="")
    email = row.optional("email", email_parse, blank="")
    phone = row.optional("phone", phone_to_e164, blank="")
    language = row.optional("language", language_parse, blank=KEEP)
    confidentiality = row.optional(
        "confidential", confidentiality_parse, blank=Confidentiality.NONE
    )
    if row.errors:
        return row.errors
    assert receipt_number and form and category and receipt_date and office and status
    assert status_date and given_name and family_name
    return CaseRecord(
        receipt_number=receipt_number,
        form=form,
        category=category,
        receipt_date=receipt_date,
        office=office,
        status=status,
        status_date=status_date,
        applicant=PersonDetails(
            given_name=given_name,
            family_name=family_name,
            a_number=None if a_number is KEEP else a_number,
            date_of_birth=date_of_birth,
            street=street,
            city=city,
            state=state,
            zip_code=zip_code,
            email=email,
            phone=phone,
            preferred_language=language,
        ),
        confidentiality=Confidentiality.NONE if confidentiality is KEEP else confidentiality,
    )


@dataclass(frozen=True, slots=True)
class ProcessingTimeRow:
    form: FormType
    category: FormCategory
    office: Office
    months: Decimal
    published_on: dt.date


def processing_time_row_parse(
    raw: RawRow, *, refs: ReferenceData, today: dt.date
) -> ProcessingTimeRow | list[RowError]:
    row = RowParser(raw)
    form = row.required("form", refs.form)
    category = refs.category(row, form)
    office = row.required("office", refs.office)
    months = row.required("months", months_parse)
    published_on = row.required("published_on", iso_date)
    if published_on is not None and published_on > today:
        row.error("published_on", _("in the future"))
    if row.errors:
        return row.errors
    assert form and category and office and months and published_on
    return ProcessingTimeRow(form, category, office, months, published_on)


# --- Checks across rows of one file ------------------------------------------------------------


class CaseFileChecks:
    """Rows that contradict an earlier row of the same file.

    Without these a file would not be idempotent: two rows for one receipt number, or two
    rows giving one A-Number different personal details, would overwrite each other on every
    run. The later row is rejected and names the earlier line.
    """

    def __init__(self) -> None:
        self.receipts: dict[str, int] = {}
        self.people: dict[str, tuple[int, PersonDetails]] = {}

    def __call__(self, line: int, record: CaseRecord) -> list[RowError]:
        first = self.receipts.setdefault(record.receipt_number.value, line)
        if first != line:
            reason = _("appears again in this file (first on line %(line)d)") % {"line": first}
            return [RowError(line, "receipt_number", reason)]
        person = record.applicant
        if person.a_number is not None:
            seen_line, seen = self.people.setdefault(person.a_number.value, (line, person))
            if seen != person:
                reason = _("the same A-Number has different personal details on line %(line)d") % {
                    "line": seen_line
                }
                return [RowError(line, "a_number", reason)]
        return []


class ProcessingTimeFileChecks:
    def __init__(self) -> None:
        self.keys: dict[tuple[int, int, int, dt.date], int] = {}

    def __call__(self, line: int, record: ProcessingTimeRow) -> list[RowError]:
        key = (record.form.pk, record.category.pk, record.office.pk, record.published_on)
        first = self.keys.setdefault(key, line)
        if first != line:
            reason = _(
                "the same form, category, office and date appear again (first on line %(line)d)"
            ) % {"line": first}
            return [RowError(line, "row", reason)]
        return []
