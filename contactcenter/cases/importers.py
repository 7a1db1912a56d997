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

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.cases.import_files import (
    FileFormat,
    ImportFileError,
    RawRow,
    RowError,
    records_open,
)
from contactcenter.cases.import_records import (
    CASE_COLUMNS,
    CASE_REQUIRED_COLUMNS,
    PROCESSING_TIME_COLUMNS,
    CaseFileChecks,
    ProcessingTimeFileChecks,
    ProcessingTimeRow,
    ReferenceData,
    case_record_parse,
    processing_time_row_parse,
)
from contactcenter.cases.models import ProcessingTime
from contactcenter.cases.services import (
    CaseRecord,
    Upserted,
    UpsertOutcome,
    case_upsert,
    cases_upsert,
    processing_time_upsert,
)
from contactcenter.core.errors import ApplicationError

RecordT = TypeVar("RecordT")

DEFAULT_BATCH_SIZE = 500


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
        check=CaseFileChecks(),
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
        check=ProcessingTimeFileChecks(),
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
