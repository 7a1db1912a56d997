"""Files a person sends from their account: the scanning hook (a built-in check, or a real
scanner named in settings) and a file written outside the web root, readable by the server
alone."""

from __future__ import annotations

import importlib
import secrets
from dataclasses import dataclass

from django.conf import settings

from contactcenter.servicerequests.evidence import private_files_root


@dataclass(frozen=True, slots=True)
class ScanResult:
    clean: bool
    scanned: bool


_EICAR = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


def scan_builtin(content: bytes) -> ScanResult:
    """The default scanning hook: refuses the standard anti-virus test file and marks every
    other file as not yet scanned. Set ``PORTAL_UPLOAD_SCANNER`` to a dotted path of a callable
    ``(bytes) -> ScanResult`` to plug in a real scanner (ClamAV, a cloud service)."""
    if _EICAR in content:
        return ScanResult(clean=False, scanned=True)
    return ScanResult(clean=True, scanned=False)


def upload_scanner():
    path = getattr(settings, "PORTAL_UPLOAD_SCANNER", "")
    if not path:
        return scan_builtin
    module, _sep, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def private_file_write(case_id: int, content: bytes, extension: str) -> str:
    relative = f"portal/{case_id}/{secrets.token_hex(16)}.{extension}"
    target = private_files_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(target, "xb") as handle:
        handle.write(content)
    target.chmod(0o600)
    return relative
