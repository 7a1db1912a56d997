"""The mail room's tests: a private root per test, tasks run at once, small generated paper."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture(autouse=True)
def _mailroom_settings(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MAILROOM_RENDER_DPI = 100  # small pages: fast OCR


def letter_image(lines: list[str], *, width: int = 1000) -> Image.Image:
    """A letter as a scanner would see it: black text on white, large enough for Tesseract."""
    font = ImageFont.truetype(str(FONT), 26) if FONT.exists() else ImageFont.load_default(26)
    image = Image.new("L", (width, 60 + 44 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((40, 30 + 44 * index), line, fill=0, font=font)
    return image


def as_bytes(images: list[Image.Image], kind: str) -> bytes:
    """The images as one PDF, TIFF (several pages) or JPEG file (Pillow writes each)."""
    buffer = io.BytesIO()
    first, rest = images[0], images[1:]
    if kind == "pdf":
        first.save(buffer, format="PDF", save_all=True, append_images=rest, resolution=100)
    elif kind == "tiff":
        first.save(buffer, format="TIFF", save_all=True, append_images=rest)
    else:
        first.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()
