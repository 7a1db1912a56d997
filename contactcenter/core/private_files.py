"""A kept file goes when the last record naming it goes.

Files under the private root are named by their content's hash, so two records can share one
(the same attachment in two emails, the pages of one scanned PDF). When a record is deleted
(by the retention purge, or with its inquiry), its file is removed after the commit, and only
if no other record still names it. A file that cannot be removed is logged (by kind, never by
name or content) and left for an operator."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.db import transaction

logger = logging.getLogger(__name__)


def file_forget_on_commit(
    *, root: Path, relative: str, still_named: Callable[[str], bool], kind: str
) -> None:
    """After the current transaction commits, remove ``root/relative`` unless
    ``still_named(relative)``; nothing at all if the transaction rolls back."""
    if not relative:
        return

    def remove() -> None:
        if still_named(relative):
            return
        path = (root / relative).resolve()
        if not path.is_relative_to(root.resolve()):  # a stored path never leaves the root
            logger.warning("files.outside_root", extra={"kind": kind})
            return
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            logger.warning(
                "files.remove_failed", extra={"kind": kind, "error": type(error).__name__}
            )

    transaction.on_commit(remove)
