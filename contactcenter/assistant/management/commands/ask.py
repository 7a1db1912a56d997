"""Ask the virtual assistant one question and print its answer as JSON (as the API does).

``contactcenter ask [--language es] "question"``
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from contactcenter.assistant.services import assistant_answer_json, assistant_ask
from contactcenter.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Ask the virtual assistant a question; prints the answer as JSON."

    def add_arguments(self, parser):
        parser.add_argument("question", help="the question, in English or Spanish")
        parser.add_argument(
            "--language", choices=["en", "es"], default=None, help="answer language"
        )

    def handle(self, *args, question: str, language: str | None, **options):
        try:
            answer = assistant_ask(question=question, language=language)
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(json.dumps(assistant_answer_json(answer), ensure_ascii=False, indent=2))
