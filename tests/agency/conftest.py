"""Fixtures borrowed for reading everything under another agency: the assistant's knowledge
base, and calls placed through the phone line's webhooks."""

from tests.assistant.conftest import knowledge_base  # noqa: F401 (fixtures)
from tests.ivr.conftest import ivr, night, phone  # noqa: F401 (fixtures)
