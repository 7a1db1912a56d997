"""Evidence files sent with expedite requests: checked by content and size, kept outside the
web root.

The type is decided from the file's first bytes, never from its name or the browser's
declared type, so a script renamed ``letter.pdf`` is refused; then the content must hold up as
that type (``file_content.py``: a PDF is parsed and refused if it carries script, attachments
or HTML, or inflates past a limit; an image's structure is walked). A file over the size limit
was already dropped while it streamed in (``core.upload_limits``) and arrives without content.
Files live under ``PRIVATE_FILES_ROOT`` (``var/private`` by default), which no URL maps to;
office staff fetch them through a view that checks their office first.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from contactcenter.core.errors import InvalidInput, UnacceptableFile
from contactcenter.servicerequests.file_content import FileRefused, content_check

MAX_FILES = 5
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# (leading bytes, MIME type, file extension)
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


@dataclass(frozen=True, slots=True)
class EvidenceUpload:
    """A file as received; ``name`` is only used in error messages."""

    name: str
    content: bytes
    # Dropped while it streamed in, past the size limit: ``content`` is empty.
    too_large: bool = False


@dataclass(frozen=True, slots=True)
class CheckedEvidence:
    content: bytes
    content_type: str
    extension: str
    sha256: str


def private_files_root() -> Path:
    return Path(getattr(settings, "PRIVATE_FILES_ROOT", settings.VAR_DIR / "private"))


def max_bytes() -> int:
    return int(getattr(settings, "SERVICE_REQUEST_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def content_type_sniff(content: bytes) -> tuple[str, str] | None:
    for magic, content_type, extension in SIGNATURES:
        if content.startswith(magic):
            return content_type, extension
    return None


def evidence_uploads_read(files: Iterable) -> list[EvidenceUpload]:
    """The uploaded files of a form as :class:`EvidenceUpload`, counted before any is read, and
    a file over the size limit never read at all."""
    files = list(files)
    if len(files) > MAX_FILES:
        raise InvalidInput(_("Send at most %(count)d files.") % {"count": MAX_FILES})
    limit = max_bytes()
    uploads = []
    for upload in files:
        too_large = bool(getattr(upload, "too_large", False)) or (upload.size or 0) > limit
        content = b"" if too_large else upload.read()
        uploads.append(EvidenceUpload(name=upload.name or "", content=content, too_large=too_large))
    return uploads


def evidence_check(files: Sequence[EvidenceUpload]) -> list[CheckedEvidence]:
    """Every file checked, or InvalidInput naming the first one at fault (nothing is written)."""
    if len(files) > MAX_FILES:
        raise InvalidInput(_("Send at most %(count)d files.") % {"count": MAX_FILES})
    limit = max_bytes()
    checked: list[CheckedEvidence] = []
    for upload in files:
        label = (upload.name or "")[:80] or _("(no name)")
        if upload.too_large or len(upload.content) > limit:
            raise InvalidInput(
                _("The file %(name)s is larger than %(mb)d MB.")
                % {"name": label, "mb": limit // (1024 * 1024)}
            )
        if not upload.content:
            raise InvalidInput(_("The file %(name)s is empty.") % {"name": label})
        sniffed = content_type_sniff(upload.content)
        if sniffed is None:
            raise InvalidInput(
                _("The file %(name)s is not a PDF, JPEG or PNG file.") % {"name": label}
            )
        try:
            content_check(upload.content, sniffed[0])
        except FileRefused:
            raise UnacceptableFile(
                _(
                    "The file %(name)s cannot be accepted: it is damaged, protected by a "
                    "password, or holds something other than a plain document or picture "
                    "(such as scripts or attached files). Save it again as a plain PDF, JPEG "
                    "or PNG file and send it again."
                )
                % {"name": label}
            ) from None
        checked.append(
            CheckedEvidence(
                content=upload.content,
                content_type=sniffed[0],
                extension=sniffed[1],
                sha256=hashlib.sha256(upload.content).hexdigest(),
            )
        )
    return checked


def evidence_write(*, number: str, evidence: CheckedEvidence) -> str:
    """Write one checked file under a random name; return its path relative to the root."""
    relative = f"service_requests/{number}/{secrets.token_hex(16)}.{evidence.extension}"
    target = private_files_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(target, "xb") as handle:  # "x": never overwrite
        handle.write(evidence.content)
    target.chmod(0o600)
    return relative


def evidence_path(relative: str) -> Path:
    """The absolute path of a stored file; refuses anything that would leave the root."""
    root = private_files_root().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise InvalidInput("Not a stored evidence file.")
    return path
