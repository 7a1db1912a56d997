"""Reading an agency file into raw rows: CSV with a header row, or JSON Lines (one object per
line), each row with the line it starts on; a row that cannot be read becomes a ``RowError``,
a file that cannot be read at all an ``ImportFileError``."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from django.utils.translation import gettext as _


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
