"""The assistant's knowledge base, for the assistant's answers under another agency."""

from tests.assistant.conftest import knowledge_base  # noqa: F401 (a fixture)
