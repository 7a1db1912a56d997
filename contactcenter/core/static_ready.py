"""Static files ready before a production or demo start: with ``DEBUG`` off the pages name
files by their hashed names from ``staticfiles.json``, and without it every page answers 500;
the demo (``STATIC_COLLECTED`` with ``DEBUG``) serves the collected, compressed files. A start
collects them when the manifest is missing or older than any source file, under a lock so two
servers starting together do not write the same files at once; if that fails the start stops
with a message that says what to run."""

from __future__ import annotations

import fcntl
import io
import json
import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import CommandError

MANIFEST_NAME = "staticfiles.json"


def _source_files() -> dict[str, float]:
    """Every file the finders would collect, by its path under STATIC_URL, with its mtime."""
    found: dict[str, float] = {}
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            found.setdefault(path.replace(os.sep, "/"), os.stat(storage.path(path)).st_mtime)
    return found


def static_files_stale_reason() -> str:
    """Why the collected files cannot serve the pages ('' when they can)."""
    manifest = Path(settings.STATIC_ROOT) / MANIFEST_NAME
    if not manifest.exists():
        return "no manifest"
    try:
        paths = json.loads(manifest.read_text()).get("paths", {})
    except (OSError, ValueError):
        return "unreadable manifest"
    collected_at = manifest.stat().st_mtime
    for path, mtime in _source_files().items():
        if path not in paths:
            return "a file missing from the manifest"
        if mtime > collected_at:
            return "a file changed since it was collected"
    return ""


def static_files_ready() -> str:
    """Collect the static files if they need it; return what was done ('' for nothing).
    Raises ``CommandError`` with the command to run when they cannot be collected."""
    if not settings.STATIC_COLLECTED:  # served from the source folders (DEBUG, unless the demo)
        return ""
    root = Path(settings.STATIC_ROOT)
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock_file = open(root.parent / f".{root.name}.collect.lock", "w")  # noqa: SIM115
    except OSError as error:
        raise CommandError(
            f"The static files are not collected and {root} cannot be written "
            f"({type(error).__name__}). Run `contactcenter collectstatic --no-input` as the "
            "user who owns STATIC_ROOT, then start again."
        ) from None
    with lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        reason = static_files_stale_reason()
        if not reason:
            return ""
        try:
            call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
        except (OSError, CommandError) as error:
            raise CommandError(
                f"The static files need collecting ({reason}) and collecting them failed "
                f"({type(error).__name__}). Run `contactcenter collectstatic --no-input`, "
                "then start again."
            ) from None
        return f"collected the static files ({reason})"
