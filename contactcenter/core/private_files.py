"""A kept file goes when the last record naming it goes.

Files under the private root are named by their content's hash, so two records can share one
(the same attachment in two emails, the pages of one scanned PDF). When a record is deleted
(by the retention purge, or with its inquiry), its file is removed after the commit, and only
if no other record still names it. A file that cannot be removed is logged (by kind, never by
name or content) and left for an operator."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
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


def private_root(area: str) -> Path:
    """An app's folder under the private root (``PRIVATE_FILES_ROOT``), which no URL maps to."""
    return Path(getattr(settings, "PRIVATE_FILES_ROOT", settings.VAR_DIR / "private")) / area


def file_keep(root: Path, content: bytes, *, folder: str, suffix: str) -> str:
    """Write ``content`` once under ``root``, named by its hash, and return the path relative
    to ``root`` (the same bytes twice are one file). Written before the caller's commit, then
    moved into place whole: a file left by a rolled-back run is the same file the next run
    writes, so nothing piles up twice and no reader sees half a file."""
    digest = hashlib.sha256(content).hexdigest()
    relative = f"{folder}/{digest[:2]}/{digest}{suffix}"
    path = root / relative
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_suffix(path.suffix + f".{os.getpid()}.part")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    return relative
