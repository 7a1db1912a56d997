"""What the two import commands share: arguments, progress bar, error lines, summary, exit."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from contactcenter.cases.import_files import FileFormat, ImportFileError, RowError, file_format_for
from contactcenter.cases.importers import DEFAULT_BATCH_SIZE, ImportSummary

logger = logging.getLogger(__name__)

ImportFunction = Callable[..., ImportSummary]
StrOrPromise = str | Promise


def _lines_in(path: Path) -> int:
    """Lines in the file, for the progress bar's total; cheap next to importing them."""
    count, last = 0, b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


class FileImportCommand(BaseCommand):
    """Subclasses set ``what`` (for messages and logs) and ``import_function``."""

    what: StrOrPromise = "records"
    import_function: ImportFunction

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("a .csv (with a header row) or .jsonl file"))
        parser.add_argument(
            "--format",
            choices=[f.value for f in FileFormat],
            help=_("the file's format when its name does not end in .csv, .jsonl or .ndjson"),
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=_("rows per transaction (default %(default)s)"),
        )
        parser.add_argument(
            "--no-progress", action="store_true", help=_("no progress bar, even on a terminal")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if options["batch_size"] < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        if not path.is_file():
            raise CommandError(_("%(path)s is not a file.") % {"path": path})
        try:
            file_format = file_format_for(path, options["format"])
        except ImportFileError as error:
            raise CommandError(error.message) from None

        header_lines = 1 if file_format == FileFormat.CSV else 0
        # disable=None: the bar shows on a terminal and stays out of pipes and captured output.
        progress = tqdm(
            total=max(_lines_in(path) - header_lines, 0),
            unit=" rows",
            file=sys.stderr,
            disable=True if options["no_progress"] else None,
            dynamic_ncols=True,
        )
        errors = 0

        def on_error(error: RowError) -> None:
            nonlocal errors
            errors += 1
            if progress.disable:
                self.stderr.write(str(error))
            else:
                progress.write(str(error), file=sys.stderr)

        started = time.monotonic()
        try:
            summary = type(self).import_function(
                path=path,
                file_format=file_format,
                batch_size=options["batch_size"],
                on_error=on_error,
                on_row=lambda: progress.update(1),
            )
        except ImportFileError as error:
            raise CommandError(error.message) from None
        finally:
            progress.close()
        seconds = time.monotonic() - started

        if summary.ignored_columns:
            self.stderr.write(
                _("Ignored columns not used by this import: %(columns)s")
                % {"columns": ", ".join(summary.ignored_columns)}
            )
        self.stdout.write(
            _(
                "%(what)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(rejected)d rejected (%(seconds).1f s)."
            )
            % {
                "what": self.what,
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "rejected": summary.rejected,
                "seconds": seconds,
            }
        )
        logger.info(
            "cases.import_finished",
            extra={
                "import_kind": str(self.what),
                "rows_created": summary.created,
                "rows_updated": summary.updated,
                "rows_unchanged": summary.unchanged,
                "rows_rejected": summary.rejected,
                "seconds": round(seconds, 2),
            },
        )
        if summary.rejected:
            raise CommandError(
                ngettext(
                    "%(count)d row was rejected; the other rows were imported.",
                    "%(count)d rows were rejected; the other rows were imported.",
                    summary.rejected,
                )
                % {"count": summary.rejected}
            )
