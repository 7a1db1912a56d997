"""Email intake: the corpus of real-shaped messages, a private root per test, queues loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "email"


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


@pytest.fixture(autouse=True)
def _intake_settings(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.INTAKE_EMAIL_ADDRESS = "Contact Center <contact@example.gov>"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def mail_queues(queues):
    """The reference queues (Tier 1 English and Spanish take email)."""
    return queues
