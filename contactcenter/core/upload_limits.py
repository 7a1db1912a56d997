"""A file upload refused while it streams in, once it passes the per-file limit.

Placed first in ``FILE_UPLOAD_HANDLERS``, before Django's own: each chunk of a file passes
through to them until the file's running size passes ``SERVICE_REQUEST_EVIDENCE_MAX_BYTES``;
from then on the chunks are dropped, and the form receives an :class:`OversizedUpload` in the
file's place (its name and the size seen, no content), which the evidence check refuses with
a clear message. So a 40 MB file never sits in memory or on disk whole.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(UploadedFile):
    """Stands in for a file that was too large: the content is gone, the name is kept."""

    too_large = True

    def __init__(self, *, name: str, size: int, content_type: str | None) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size)

    def read(self, *args, **kwargs) -> bytes:
        return b""

    def open(self, *args, **kwargs):
        return self

    def close(self) -> None:
        return None


class FileSizeCapHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.seen = 0
        self.over = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.seen += len(raw_data)
        if self.seen > settings.SERVICE_REQUEST_EVIDENCE_MAX_BYTES:
            self.over = True
        # None stops the chunk here: the handlers after this one never see the rest.
        return None if self.over else raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.over:
            return None  # the next handler made the file
        return OversizedUpload(
            name=self.file_name or "", size=self.seen, content_type=self.content_type
        )
