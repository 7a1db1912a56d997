"""Publish the knowledge-base articles kept in ``assistant/knowledge/``.

``contactcenter kb-load``. Safe on every start: a second run changes nothing, and an article
edited in the admin keeps its edit until its file changes.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from contactcenter.assistant.knowledge import KnowledgeError
from contactcenter.assistant.services import knowledge_base_load


class Command(BaseCommand):
    help = "Load the assistant's knowledge-base articles from the repository. Idempotent."

    def handle(self, *args, **options):
        try:
            summary = knowledge_base_load()
        except KnowledgeError as error:
            raise CommandError(f"Nothing was loaded: {error.message}") from error
        self.stdout.write(
            f"Knowledge base: {summary.created} created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged."
        )
