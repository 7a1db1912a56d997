"""Messages from files: ``.eml`` files (one message each), mbox files, and folders of either.

An mbox is told from an ``.eml`` by its first line (``From `` and an envelope sender), not by
its name. Reading never interprets a message: the raw bytes go to the one pipeline.
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterator, Sequence
from pathlib import Path


class MailFileError(Exception):
    """A path that is not there or cannot be read; the message names the path only."""


def _is_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def _files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            yield path
        else:
            raise MailFileError(f"{path}: no such file or folder")


def messages_read(paths: Sequence[Path]) -> Iterator[tuple[str, bytes]]:
    """(where, raw bytes) for every message in ``paths``, in order; ``where`` is the file, and
    for an mbox the message's place in it."""
    for path in _files(paths):
        try:
            if _is_mbox(path):
                box = mailbox.mbox(path, create=False)
                try:
                    for index, key in enumerate(box.keys(), start=1):
                        yield f"{path}#{index}", box.get_bytes(key)
                finally:
                    box.close()
            else:
                yield str(path), path.read_bytes()
        except OSError as error:
            raise MailFileError(f"{path}: {error.strerror or 'cannot be read'}") from error
