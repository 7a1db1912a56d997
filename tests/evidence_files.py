"""Evidence files built in the test, harmless and hostile: real PDFs written by ``pypdf``, PNGs
and JPEGs put together chunk by chunk, and the files the content check must refuse."""

from __future__ import annotations

import io
import struct
import zlib

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    return writer


def pdf_plain() -> bytes:
    return _written(_writer())


def pdf_with_javascript() -> bytes:
    """Document-level JavaScript: the catalogue's /Names /JavaScript name tree."""
    writer = _writer()
    action = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("hello"), writer._add_object(action)])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    return _written(writer)


def pdf_with_open_action_script() -> bytes:
    writer = _writer()
    action = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.launchURL('http://example.com');"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _written(writer)


def pdf_with_embedded_file() -> bytes:
    writer = _writer()
    writer.add_attachment("payload.exe", b"MZ\x90\x00 not really a program")
    return _written(writer)


def pdf_encrypted() -> bytes:
    writer = _writer()
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    return _written(writer)


def pdf_with_html_after_end() -> bytes:
    return pdf_plain() + b"\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def pdf_with_html_at_start() -> bytes:
    plain = pdf_plain()
    header, _newline, rest = plain.partition(b"\n")
    return header + b"\n%<html><script>alert(1)</script>\n" + rest


def executable_behind_pdf_header() -> bytes:
    return b"%PDF-1.7\nMZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 4000 + b"\n%%EOF\n"


def pdf_decompression_bomb(decoded_bytes: int) -> bytes:
    """A one-page PDF with a stream that is small on disk and ``decoded_bytes`` once inflated."""
    writer = _writer()
    compressor = zlib.compressobj(9)
    chunk = b"\x00" * (1024 * 1024)
    parts = [compressor.compress(chunk) for _ in range(decoded_bytes // len(chunk))]
    parts.append(compressor.flush())
    stream = StreamObject()
    stream.set_data(b"".join(parts))
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream[NameObject("/Length")] = NumberObject(len(stream._data))
    page = writer.pages[0]
    page[NameObject("/Contents")] = writer._add_object(stream)
    return _written(writer)


def pdf_with_text(text: str) -> bytes:
    writer = _writer()
    content = DecodedStreamObject()
    content.set_data(f"BT /F1 12 Tf 72 700 Td ({text}) Tj ET".encode())
    writer.pages[0][NameObject("/Contents")] = writer._add_object(content)
    return _written(writer)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 2, height: int = 2) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def jpeg(width: int = 8, height: int = 8) -> bytes:
    """A baseline JPEG's segments in order (the scan's data is not a real picture; the check
    reads structure, not pixels)."""

    def segment(marker: int, payload: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    quant = b"\x00" + bytes(range(1, 65))
    frame = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    huffman = b"\x00" + bytes([0, 1] + [0] * 14) + b"\x00"
    scan = b"\x01\x01\x00\x00\x3f\x00"
    return (
        b"\xff\xd8"
        + segment(0xE0, app0)
        + segment(0xDB, quant)
        + segment(0xC0, frame)
        + segment(0xC4, huffman)
        + segment(0xDA, scan)
        + b"\x12\x34\x56\x78"
        + b"\xff\xd9"
    )
