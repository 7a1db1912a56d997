"""What is inside an evidence file, checked before it is kept: a PDF is parsed (``pypdf``) and
an image's structure walked, so that a file is accepted only when it is what its first bytes
say and carries nothing active.

Refused, each with a reason code (logged; never the content):

- a PDF that carries JavaScript (a ``/JS`` or ``/JavaScript`` entry, a JavaScript or Launch
  action, an ``/OpenAction`` that runs one), embedded or attached files, an XFA form;
- a PDF that is encrypted, cannot be parsed, or whose streams decode to more than
  ``UPLOAD_PDF_DECODED_MAX_BYTES`` in all (a decompression bomb: each stream is decoded with
  ``pypdf``'s output limit set to what is left of that budget, so the whole is never held);
- an HTML polyglot: markup in the first kilobyte (where browsers sniff), or after the last
  ``%%EOF`` of a PDF or the end marker of an image;
- a PNG whose chunks do not add up (length, CRC, IHDR first, IEND last) or a JPEG whose
  segments do not (SOI, marker lengths, a frame header, EOI), or either one with absurd
  dimensions.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import zlib
from collections.abc import Iterator

from django.conf import settings
from pypdf import PdfReader, apply_configuration
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

logger = logging.getLogger(__name__)

DEFAULT_DECODED_MAX_BYTES = 50 * 1024 * 1024
MAX_IMAGE_SIDE = 20_000
MAX_PDF_OBJECTS = 200_000
SNIFF_BYTES = 1024

_HTML = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta|a\s|img|form|style)",
    re.IGNORECASE,
)
# Keys and action types that make a PDF do something when opened or clicked.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/XFA", "/RichMedia"}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/Rendition"}


class FileRefused(Exception):
    """The file's content is not acceptable; ``reason`` is a code safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def html_markup_in(data: bytes) -> bool:
    return _HTML.search(data) is not None


def decoded_max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_PDF_DECODED_MAX_BYTES", DEFAULT_DECODED_MAX_BYTES))


# --- PDF ---------------------------------------------------------------------------------------


def _walk(reader: PdfReader) -> Iterator[DictionaryObject | StreamObject]:
    """Every dictionary and stream reachable from the trailer (and every object the cross-
    reference table lists, reachable or not), each once."""
    seen: set[tuple[int, int]] = set()
    pending: list[object] = [reader.trailer]
    for generation, objects in reader.xref.items():
        pending.extend(IndirectObject(number, generation, reader) for number in objects)
    for number in reader.xref_objStm:
        pending.append(IndirectObject(number, 0, reader))
    visited = 0
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            visited += 1
            if visited > MAX_PDF_OBJECTS:
                raise FileRefused("pdf_too_many_objects")
            item = item.get_object()
        if isinstance(item, DictionaryObject):  # streams are dictionaries too
            yield item
            pending.extend(item.values())
        elif isinstance(item, ArrayObject):
            pending.extend(item)


def _active(entry: DictionaryObject) -> str | None:
    for key in entry:
        if key in _ACTIVE_KEYS:
            return f"pdf_{key[1:].lower()}"
    if entry.get("/S") in _ACTIVE_ACTIONS:
        return f"pdf_action_{str(entry['/S'])[1:].lower()}"
    if entry.get("/Type") == NameObject("/Filespec") and "/EF" in entry:
        return "pdf_embeddedfile"
    return None


def pdf_check(content: bytes) -> None:
    """Raise :class:`FileRefused` unless ``content`` is a plain, readable, inert PDF."""
    end = content.rfind(b"%%EOF")
    if end < 0:
        raise FileRefused("pdf_no_end")
    if html_markup_in(content[:SNIFF_BYTES]) or html_markup_in(content[end + 5 :]):
        raise FileRefused("pdf_html_polyglot")
    budget = decoded_max_bytes()
    try:
        with apply_configuration(
            jbig2dec_binary=None,
            zlib_maximum_output_length=budget,
            lzw_maximum_output_length=budget,
            run_length_maximum_output_length=budget,
            brotli_maximum_output_length=budget,
            jbig2_maximum_output_length=budget,
            maximum_declared_stream_length=budget,
            stream_decoding_work_maximum_length=budget,
        ):
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted:
                raise FileRefused("pdf_encrypted")
            if not len(reader.pages):
                raise FileRefused("pdf_no_pages")
            decoded = 0
            for entry in _walk(reader):
                reason = _active(entry)
                if reason:
                    raise FileRefused(reason)
                if isinstance(entry, StreamObject):
                    left = budget - decoded
                    if left <= 0:
                        raise FileRefused("pdf_decompression_bomb")
                    with apply_configuration(
                        zlib_maximum_output_length=left,
                        lzw_maximum_output_length=left,
                        run_length_maximum_output_length=left,
                        brotli_maximum_output_length=left,
                        jbig2_maximum_output_length=left,
                    ):
                        decoded += len(entry.get_data())
                    if decoded > budget:
                        raise FileRefused("pdf_decompression_bomb")
    except FileRefused:
        raise
    except (PyPdfError, zlib.error) as error:
        if "limit" in type(error).__name__.lower() or "limit" in str(error).lower():
            raise FileRefused("pdf_decompression_bomb") from None
        raise FileRefused("pdf_unreadable") from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        raise FileRefused("pdf_unreadable") from None
    except MemoryError:
        raise FileRefused("pdf_decompression_bomb") from None


# --- Images ------------------------------------------------------------------------------------


def png_check(content: bytes) -> None:
    position = 8
    first = True
    while True:
        if position + 12 > len(content):
            raise FileRefused("png_truncated")
        length, kind = struct.unpack(">I4s", content[position : position + 8])
        data_end = position + 8 + length
        if data_end + 4 > len(content):
            raise FileRefused("png_truncated")
        (crc,) = struct.unpack(">I", content[data_end : data_end + 4])
        if zlib.crc32(content[position + 4 : data_end]) != crc:
            raise FileRefused("png_bad_checksum")
        if first:
            if kind != b"IHDR" or length != 13:
                raise FileRefused("png_no_header")
            width, height = struct.unpack(">II", content[position + 8 : position + 16])
            if not (0 < width <= MAX_IMAGE_SIDE and 0 < height <= MAX_IMAGE_SIDE):
                raise FileRefused("png_dimensions")
            first = False
        position = data_end + 4
        if kind == b"IEND":
            break
    if content[position:].strip(b"\x00\r\n\t "):
        raise FileRefused("png_trailing_data")
    if html_markup_in(content[:SNIFF_BYTES]):
        raise FileRefused("png_html_polyglot")


_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def jpeg_check(content: bytes) -> None:
    position = 2
    frame = False
    while True:
        if position + 4 > len(content) or content[position] != 0xFF:
            raise FileRefused("jpeg_bad_segment")
        marker = content[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:
            raise FileRefused("jpeg_no_image")
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            position += 2
            continue
        (length,) = struct.unpack(">H", content[position + 2 : position + 4])
        if length < 2 or position + 2 + length > len(content):
            raise FileRefused("jpeg_bad_segment")
        if marker in _SOF_MARKERS:
            if length < 8:
                raise FileRefused("jpeg_bad_segment")
            height, width = struct.unpack(">HH", content[position + 5 : position + 9])
            if not (0 < width <= MAX_IMAGE_SIDE and 0 < height <= MAX_IMAGE_SIDE):
                raise FileRefused("jpeg_dimensions")
            frame = True
        position += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data follows up to the end marker
            break
    if not frame:
        raise FileRefused("jpeg_no_frame")
    end = content.rfind(b"\xff\xd9")
    if end < position:
        raise FileRefused("jpeg_truncated")
    if html_markup_in(content[:SNIFF_BYTES]) or html_markup_in(content[end + 2 :]):
        raise FileRefused("jpeg_html_polyglot")


CHECKS = {"application/pdf": pdf_check, "image/png": png_check, "image/jpeg": jpeg_check}


def content_check(content: bytes, content_type: str) -> None:
    """Raise :class:`FileRefused` unless ``content`` holds up as ``content_type``."""
    try:
        CHECKS[content_type](content)
    except FileRefused as refused:
        logger.info("evidence.file_refused", extra={"reason": refused.reason})
        raise
