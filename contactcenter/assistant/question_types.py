"""Kinds of question that outrank the benefit they name.

"What is the status of my I-485" names a green card but asks for case status; "how long does
the N-400 take" names citizenship but asks for processing times. The patterns live in
``data/question_types.yaml``; a match lifts its topic in the ranking.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import yaml

from contactcenter.assistant.analysis import DATA_DIR


@dataclass(frozen=True)
class QuestionType:
    topic: str
    patterns: tuple[re.Pattern[str], ...]
    outranks: frozenset[str] = frozenset()  # topics whose kind this one cancels

    def matches(self, normalized: str) -> bool:
        return any(pattern.search(normalized) for pattern in self.patterns)


@lru_cache(maxsize=1)
def _question_types() -> dict[str, tuple[QuestionType, ...]]:
    data = yaml.safe_load((DATA_DIR / "question_types.yaml").read_text(encoding="utf-8"))
    kinds: dict[str, list[QuestionType]] = {"en": [], "es": []}
    for entry in data:
        for language in kinds:
            patterns = tuple(re.compile(p) for p in entry.get(language) or ())
            if patterns:
                kinds[language].append(
                    QuestionType(
                        topic=entry["topic"],
                        patterns=patterns,
                        outranks=frozenset(entry.get("outranks") or ()),
                    )
                )
    return {language: tuple(found) for language, found in kinds.items()}


def question_types_for(language: str, slugs: Sequence[str]) -> tuple[QuestionType, ...]:
    """The kinds of question for ``language`` whose topic is among ``slugs``."""
    known = set(slugs)
    return tuple(kind for kind in _question_types()[language] if kind.topic in known)


def question_topics(kinds: Sequence[QuestionType], normalized: str) -> list[str]:
    """The topics whose kind of question ``normalized`` (see analysis.normalize) asks; a kind
    that outranks another ("past the posted time" over "how long") leaves it out."""
    found = [kind for kind in kinds if kind.matches(normalized)]
    cancelled = set().union(*(kind.outranks for kind in found)) if found else set()
    return [kind.topic for kind in found if kind.topic not in cancelled]
