"""Reading the agency's case and processing-time files into validated records.

A file is CSV with a header row or JSON Lines (one object per line). Every row is checked in
full before anything is written; a bad row is reported as ``line N: <field>: <reason>`` and
changes nothing, the good rows go to the services in batches, one transaction per batch, so
a crash loses at most the batch in flight and a re-run (which changes nothing already done)
finishes the rest.

Reasons name the field and what is wrong with it, never the value: the files hold personal
data and the output ends up in terminals, CI logs and tickets. The one exception is the
receipt-number parser's message, which may show the three-letter prefix (not personal data).

Column semantics for the optional personal fields: a column missing from the file (or a key
missing from a JSON object) leaves the stored value alone; an empty value clears it, because a
stale email address or phone number would send notices to someone else. An A-Number is never
cleared and an empty language keeps the stored one.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Generic, TextIO, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.cases.models import Confidentiality, FormCategory, FormType, ProcessingTime
from contactcenter.cases.services import (
    KEEP,
    CaseRecord,
    Keep,
    PersonDetails,
    Upserted,
    UpsertOutcome,
    case_upsert,
    cases_upsert,
    processing_time_months_check,
    processing_time_upsert,
)
from contactcenter.cases.statuses import CaseStatus
from contactcenter.core.a_numbers import ANumber, InvalidANumber
from contactcenter.core.errors import ApplicationError
from contactcenter.core.receipt_numbers import InvalidReceiptNumber, ReceiptNumber
from contactcenter.offices.models import Office
from contactcenter.people.models import Language

T = TypeVar("T")
B = TypeVar("B")
RecordT = TypeVar("RecordT")

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

DEFAULT_BATCH_SIZE = 500
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)

# USPS codes: states, DC, territories, freely associated states and military post offices.
_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY "
    "AS GU MP PR VI UM FM MH PW AA AE AP"
)
US_STATES = frozenset(_STATE_CODES.split(" "))
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")
_PHONE_PUNCTUATION = re.compile(r"[\s().\-/]+")
_NANP = re.compile(r"^[2-9]\d{2}[2-9]\d{6}$")

_LANGUAGES = frozenset(Language.values)

CONFIDENTIAL_VALUES: dict[str, Confidentiality] = {
    "true": Confidentiality.PROTECTED,
    "yes": Confidentiality.PROTECTED,
    "1": Confidentiality.PROTECTED,
    "protected": Confidentiality.PROTECTED,
    "false": Confidentiality.NONE,
    "no": Confidentiality.NONE,
    "0": Confidentiality.NONE,
    "": Confidentiality.NONE,
    "vawa": Confidentiality.VAWA,
    "t": Confidentiality.T_VISA,
    "u": Confidentiality.U_VISA,
}


class FileFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


FORMAT_BY_SUFFIX = {".csv": FileFormat.CSV, ".jsonl": FileFormat.JSONL, ".ndjson": FileFormat.JSONL}


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong format, missing column, not UTF-8)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}"


@dataclass(frozen=True, slots=True)
class RawRow:
    line: int  # where the row starts, counting the file's lines from 1
    values: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    ignored_columns: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected


def file_format_for(path: Path, explicit: str | None = None) -> FileFormat:
    if explicit:
        try:
            return FileFormat(explicit.lower())
        except ValueError:
            raise ImportFileError(_("Unknown format; use csv or jsonl.")) from None
    try:
        return FORMAT_BY_SUFFIX[path.suffix.lower()]
    except KeyError:
        raise ImportFileError(
            _(
                "Cannot tell the format from the file name; name it .csv, .jsonl or .ndjson, or "
                "pass --format."
            )
        ) from None


# --- Reading ---------------------------------------------------------------------------------


class _FieldError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class RecordSource:
    """The rows of an open file; iterating yields a row or the errors that make it unreadable."""

    rows: Iterator[RawRow | RowError]
    ignored_columns: tuple[str, ...] = ()


@contextmanager
def records_open(
    path: Path, *, file_format: FileFormat, columns: Iterable[str], required: Iterable[str]
) -> Iterator[RecordSource]:
    known = tuple(columns)
    # utf-8-sig: spreadsheet programs put a byte-order mark before the header.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        if file_format == FileFormat.CSV:
            yield _csv_source(handle, known=known, required=tuple(required))
        else:
            yield RecordSource(_jsonl_rows(handle, known=known))


def _csv_source(
    handle: TextIO, *, known: tuple[str, ...], required: tuple[str, ...]
) -> RecordSource:
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(_("The file is empty; it needs a header row.")) from None
    except (csv.Error, UnicodeDecodeError):
        raise ImportFileError(_("The header row cannot be read as UTF-8 CSV.")) from None
    names = [name.strip().lower() for name in header]
    repeated = sorted({name for name in names if names.count(name) > 1 and name})
    if repeated:
        raise ImportFileError(
            _("The header names these columns more than once: %(columns)s.")
            % {"columns": ", ".join(repeated)}
        )
    missing = [name for name in required if name not in names]
    if missing:
        raise ImportFileError(
            _("The header lacks required columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    ignored = tuple(name for name in names if name not in known)
    return RecordSource(_csv_rows(reader, names=names, known=known), ignored)


def _csv_rows(
    reader: Iterator[list[str]], *, names: list[str], known: tuple[str, ...]
) -> Iterator[RawRow | RowError]:
    line_end = reader.line_num  # type: ignore[attr-defined]
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise ImportFileError(
                _("The file is not UTF-8 text after line %(line)d.") % {"line": line_end}
            ) from None
        except csv.Error:
            raise ImportFileError(
                _("Line %(line)d cannot be read as CSV.") % {"line": line_end + 1}
            ) from None
        # A quoted value may span lines: a person looks for the row where it starts.
        start, line_end = line_end + 1, reader.line_num  # type: ignore[attr-defined]
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            yield RowError(
                start,
                "row",
                _("has %(count)d values but the header has %(expected)d")
                % {"count": len(cells), "expected": len(names)},
            )
            continue
        yield RawRow(start, {n: c for n, c in zip(names, cells, strict=True) if n in known})


def _jsonl_rows(handle: TextIO, *, known: tuple[str, ...]) -> Iterator[RawRow | RowError]:
    number = 0
    while True:
        try:
            text = handle.readline()
        except UnicodeDecodeError:
            raise ImportFileError(
                _("The file is not UTF-8 text after line %(line)d.") % {"line": number}
            ) from None
        if not text:
            return
        number += 1
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            # The decoder's message names the expected token and a column, never the content.
            yield RowError(
                number,
                "json",
                _("not valid JSON (%(problem)s at column %(column)d)")
                % {"problem": error.msg, "column": error.colno},
            )
            continue
        if not isinstance(value, dict):
            yield RowError(number, "json", _("each line must be a JSON object"))
            continue
        yield RawRow(
            number, {str(k).lower(): v for k, v in value.items() if str(k).lower() in known}
        )


# --- Field parsers: each returns the clean value or raises _FieldError with a safe reason ----


def _scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float | Decimal):
        return str(value)
    raise _FieldError(_("must be text, a number or true/false"))


def iso_date(text: str) -> dt.date:
    if not _ISO_DATE.match(text):
        raise _FieldError(_("not a date in the form YYYY-MM-DD"))
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _FieldError(_("not a real calendar date")) from None


def _receipt_number(text: str) -> ReceiptNumber:
    try:
        return ReceiptNumber.parse(text)
    except InvalidReceiptNumber as error:
        raise _FieldError(str(error.message)) from None


def _a_number(text: str) -> ANumber:
    try:
        return ANumber.parse(text)
    except InvalidANumber as error:
        # The parser's reasons give the count of digits at most, never the digits.
        raise _FieldError(str(error.message)) from None


def _text_up_to(limit: int, *, multiline: bool = False) -> Callable[[str], str]:
    allowed = {"\n"} if multiline else set()

    def parse(text: str) -> str:
        text = text.replace("\r\n", "\n")
        if len(text) > limit:
            raise _FieldError(_("longer than %(limit)d characters") % {"limit": limit})
        if any(ord(char) < 32 and char not in allowed for char in text):
            raise _FieldError(_("contains control characters"))
        return text

    return parse


def _state(text: str) -> str:
    code = text.upper()
    if code not in US_STATES:
        raise _FieldError(_("not a two-letter U.S. state or territory code"))
    return code


def _zip(text: str) -> str:
    match = _ZIP.match(text)
    if not match:
        raise _FieldError(_("not a 5-digit ZIP code"))
    # ZIP+4 is common in agency extracts; field-office jurisdiction needs only the five.
    return match.group(1)


def _email(text: str) -> str:
    try:
        validate_email(text)
    except ValidationError:
        raise _FieldError(_("not a valid email address")) from None
    local, _at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def phone_to_e164(text: str) -> str:
    """A phone number as E.164; ten-digit numbers are taken as U.S. (NANP) numbers."""
    compact = _PHONE_PUNCTUATION.sub("", text)
    if compact.startswith("+"):
        digits = compact[1:]
        if not digits.isdigit() or not 8 <= len(digits) <= 15 or digits[0] == "0":
            raise _FieldError(_("not a phone number in international form"))
        if digits.startswith("1") and not _NANP.match(digits[1:]):
            raise _FieldError(_("not a valid U.S. phone number"))
        return "+" + digits
    if not compact.isdigit():
        raise _FieldError(_("a phone number has only digits, spaces, dashes and parentheses"))
    if len(compact) == 11 and compact.startswith("1"):
        compact = compact[1:]
    if not _NANP.match(compact):
        raise _FieldError(_("not a valid 10-digit U.S. phone number"))
    return "+1" + compact


def _language(text: str) -> str:
    code = text.lower()
    if code not in _LANGUAGES:
        raise _FieldError(_("use en or es"))
    return code


def _confidentiality(text: str) -> Confidentiality:
    try:
        return CONFIDENTIAL_VALUES[text.lower()]
    except KeyError:
        raise _FieldError(_("use true, false, vawa, t or u")) from None


def _months(text: str) -> Decimal:
    try:
        months = Decimal(text)
    except InvalidOperation:
        raise _FieldError(_("not a number")) from None
    try:
        processing_time_months_check(months)
    except ApplicationError as error:
        raise _FieldError(str(error.message)) from None
    return months


class _Row:
    """Collects every problem in a row, so one pass reports them all."""

    def __init__(self, raw: RawRow) -> None:
        self.raw = raw
        self.errors: list[RowError] = []

    def error(self, name: str, reason: str) -> None:
        self.errors.append(RowError(self.raw.line, name, reason))

    def _text(self, name: str) -> str | Keep | None:
        if name not in self.raw.values:
            return KEEP
        try:
            return _scalar(self.raw.values[name])
        except _FieldError as problem:
            self.error(name, problem.reason)
            return None

    def _parse(self, name: str, parse: Callable[[str], T], text: str) -> T | None:
        try:
            return parse(text)
        except _FieldError as problem:
            self.error(name, problem.reason)
            return None

    def required(self, name: str, parse: Callable[[str], T]) -> T | None:
        text = self._text(name)
        if text is None:
            return None
        if text is KEEP or text == "":
            self.error(name, _("required"))
            return None
        assert isinstance(text, str)
        return self._parse(name, parse, text)

    def optional(self, name: str, parse: Callable[[str], T], *, blank: B) -> T | B | Keep:
        """``KEEP`` when the column is absent (or the value is bad: the row is then rejected
        anyway), ``blank`` when it is empty, else the parsed value."""
        text = self._text(name)
        if text is None or text is KEEP:
            return KEEP
        assert isinstance(text, str)
        if text == "":
            return blank
        parsed = self._parse(name, parse, text)
        return KEEP if parsed is None else parsed


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
            raise _FieldError(_("not a known form")) from None

    def office(self, text: str) -> Office:
        try:
            return self.offices[text.upper()]
        except KeyError:
            raise _FieldError(_("not a known office code")) from None

    def status(self, text: str) -> CaseStatus:
        try:
            return self.statuses[text.casefold()]
        except KeyError:
            raise _FieldError(_("not a known case status")) from None

    def category(self, row: _Row, form: FormType | None) -> FormCategory | None:
        code = row.required("category", str)
        if code is None or form is None:
            return None
        category = self.categories.get((form.pk, code.casefold()))
        if category is None:
            row.error("category", _("not a category of form %(form)s") % {"form": form.code})
        return category


# --- Rows into records ------------------------------------------------------------------------


def _dates_check(row: _Row, *, receipt: dt.date | None, status: dt.date | None, today: dt.date):
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
    row = _Row(raw)
    receipt_number = row.required("receipt_number", _receipt_number)
    form = row.required("form", refs.form)
    category = refs.category(row, form)
    receipt_date = row.required("receipt_date", iso_date)
    office = row.required("office", refs.office)
    status = row.required("status", refs.status)
    status_date = row.required("status_date", iso_date)
    _dates_check(row, receipt=receipt_date, status=status_date, today=today)
    given_name = row.required("given_name", _text_up_to(100))
    family_name = row.required("family_name", _text_up_to(100))
    date_of_birth = row.optional("date_of_birth", iso_date, blank=None)
    if isinstance(date_of_birth, dt.date):
        if date_of_birth > today:
            row.error("date_of_birth", _("in the future"))
        elif date_of_birth < EARLIEST_BIRTH_DATE:
            row.error("date_of_birth", _("before 1900"))
    a_number = row.optional("a_number", _a_number, blank=KEEP)
    street = row.optional("street", _text_up_to(200, multiline=True), blank="")
    city = row.optional("city", _text_up_to(80), blank="")
    state = row.optional("state", _state, blank="")
    zip_code = row.optional("zip", _zip, blank="")
    email = row.optional("email", _email, blank="")
    phone = row.optional("phone", phone_to_e164, blank="")
    language = row.optional("language", _language, blank=KEEP)
    confidentiality = row.optional("confidential", _confidentiality, blank=Confidentiality.NONE)
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
    row = _Row(raw)
    form = row.required("form", refs.form)
    category = refs.category(row, form)
    office = row.required("office", refs.office)
    months = row.required("months", _months)
    published_on = row.required("published_on", iso_date)
    if published_on is not None and published_on > today:
        row.error("published_on", _("in the future"))
    if row.errors:
        return row.errors
    assert form and category and office and months and published_on
    return ProcessingTimeRow(form, category, office, months, published_on)


# --- Checks across rows of one file ------------------------------------------------------------


class _CaseFileChecks:
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


class _ProcessingTimeFileChecks:
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


# --- Running an import --------------------------------------------------------------------------


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, outcome: UpsertOutcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)


@dataclass
class _Importer(Generic[RecordT]):
    parse: Callable[[RawRow], RecordT | list[RowError]]
    check: Callable[[int, RecordT], list[RowError]]
    apply_batch: Callable[[list[RecordT]], Sequence[Upserted]]
    apply_one: Callable[[RecordT], Upserted]
    batch_size: int
    on_error: Callable[[RowError], None]
    on_row: Callable[[], None]
    counts: _Counts = field(default_factory=_Counts)

    def reject(self, errors: list[RowError]) -> None:
        self.counts.rejected += 1
        for error in errors:
            self.on_error(error)

    def run(self, rows: Iterator[RawRow | RowError]) -> None:
        pending: list[tuple[int, RecordT]] = []
        try:
            self._read(rows, pending)
        except ImportFileError:
            # A file that turns unreadable half-way still keeps the good rows read before it.
            self.flush(pending)
            raise
        self.flush(pending)

    def _read(self, rows: Iterator[RawRow | RowError], pending: list[tuple[int, RecordT]]) -> None:
        """Validates rows into ``pending`` (the list is filled in place, so the caller still
        holds what was read when the file breaks) and flushes each full batch."""
        for row in rows:
            if isinstance(row, RowError):
                self.reject([row])
                self.on_row()
                continue
            record = self.parse(row)
            errors = record if isinstance(record, list) else self.check(row.line, record)
            if errors:
                self.reject(errors)
                self.on_row()
                continue
            assert not isinstance(record, list)
            pending.append((row.line, record))
            if len(pending) >= self.batch_size:
                self.flush(pending)
                pending.clear()

    def flush(self, pending: list[tuple[int, RecordT]]) -> None:
        """Write a batch in one transaction; if the database refuses it, write it again row
        by row (each in a savepoint) so only the offending row is rejected."""
        if not pending:
            return
        try:
            with transaction.atomic():
                results = self.apply_batch([record for _line, record in pending])
        except (ApplicationError, IntegrityError):
            self.flush_rows(pending)
            return
        for result in results:
            self.counts.add(result.outcome)
            self.on_row()

    def flush_rows(self, pending: list[tuple[int, RecordT]]) -> None:
        with transaction.atomic():
            for line, record in pending:
                try:
                    result = self.apply_one(record)
                except ApplicationError as error:
                    self.reject([RowError(line, "row", str(error.message))])
                except IntegrityError:
                    # The database's own message may quote values: it is not repeated.
                    self.reject(
                        [RowError(line, "row", _("conflicts with a record already stored"))]
                    )
                else:
                    self.counts.add(result.outcome)
                self.on_row()


def _noop_error(error: RowError) -> None:
    return None


def _noop_row() -> None:
    return None


def _import(
    *,
    path: Path,
    file_format: FileFormat,
    columns: tuple[str, ...],
    required: tuple[str, ...],
    importer: _Importer,
) -> ImportSummary:
    with records_open(path, file_format=file_format, columns=columns, required=required) as src:
        importer.run(src.rows)
    counts = importer.counts
    return ImportSummary(
        counts.created, counts.updated, counts.unchanged, counts.rejected, src.ignored_columns
    )


def cases_import(
    *,
    path: Path,
    file_format: FileFormat,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_error: Callable[[RowError], None] = _noop_error,
    on_row: Callable[[], None] = _noop_row,
) -> ImportSummary:
    """Import a case file; raises :class:`ImportFileError` when the file cannot be read at all
    (rows already committed in earlier batches stay)."""
    refs, today = ReferenceData.load(), timezone.localdate()
    importer: _Importer[CaseRecord] = _Importer(
        parse=lambda raw: case_record_parse(raw, refs=refs, today=today),
        check=_CaseFileChecks(),
        apply_batch=lambda records: cases_upsert(records=records),
        apply_one=lambda record: case_upsert(record=record),
        batch_size=batch_size,
        on_error=on_error,
        on_row=on_row,
    )
    return _import(
        path=path,
        file_format=file_format,
        columns=CASE_COLUMNS,
        required=CASE_REQUIRED_COLUMNS,
        importer=importer,
    )


def _processing_time_upsert(row: ProcessingTimeRow) -> Upserted[ProcessingTime]:
    return processing_time_upsert(
        form=row.form,
        category=row.category,
        office=row.office,
        months=row.months,
        published_on=row.published_on,
    )


def processing_times_import(
    *,
    path: Path,
    file_format: FileFormat,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_error: Callable[[RowError], None] = _noop_error,
    on_row: Callable[[], None] = _noop_row,
) -> ImportSummary:
    refs, today = ReferenceData.load(), timezone.localdate()
    importer: _Importer[ProcessingTimeRow] = _Importer(
        parse=lambda raw: processing_time_row_parse(raw, refs=refs, today=today),
        check=_ProcessingTimeFileChecks(),
        apply_batch=lambda rows: [_processing_time_upsert(row) for row in rows],
        apply_one=_processing_time_upsert,
        batch_size=batch_size,
        on_error=on_error,
        on_row=on_row,
    )
    return _import(
        path=path,
        file_format=file_format,
        columns=PROCESSING_TIME_COLUMNS,
        required=PROCESSING_TIME_COLUMNS,
        importer=importer,
    )
