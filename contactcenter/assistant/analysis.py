"""Turning a question into search terms: normalising, language, synonyms, spelling, stemming.

Both the articles and the questions go through the same steps, so a synonym or a stem is
matched the same way on each side.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import Stemmer
import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"

_WORD = re.compile(r"[a-z0-9]+")

# Short, common words that carry no topic. Kept small on purpose: "not", "no" and question
# words stay, since handoff and guardrail checks read the raw text anyway.
_WORDS = yaml.safe_load((DATA_DIR / "words.yaml").read_text(encoding="utf-8"))
# Short, common words that carry no topic. Kept small on purpose: handoff and guardrail
# checks read the whole text anyway.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(_WORDS["stopwords_en"].split()),
    "es": frozenset(_WORDS["stopwords_es"].split()),
}
COMMON_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(_WORDS["common_en"].split()),
    "es": frozenset(_WORDS["common_es"].split()),
}
OUTSIDE_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(_WORDS["outside_en"].split()),
    "es": frozenset(_WORDS["outside_es"].split()),
}
NEUTRAL_WORDS = frozenset(_WORDS["neutral"].split())
ANCHOR_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(_WORDS["anchors_en"].split()),
    "es": frozenset(_WORDS["anchors_es"].split()),
}
OUTSIDE_SHARED_WORDS = frozenset(_WORDS["outside_shared"].split())
SMALL_TALK_WORDS = frozenset(_WORDS["small_talk"].split())
SHORTHAND: dict[str, str] = {str(k): str(v) for k, v in _WORDS["shorthand"].items()}
MIN_CORRECTED_LENGTH = 5
# A corrected slip is a guess (it may be a real word the articles do not use), so it covers
# only part of its weight.
CORRECTION_CERTAINTY = 0.5
_SPANISH_HINTS = frozenset(_WORDS["hints_es"].split())
_ENGLISH_HINTS = frozenset(_WORDS["hints_en"].split())


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(text: str) -> str:
    """Lower case, no accents, only letters and digits separated by single spaces."""
    lowered = strip_accents(text.lower()).replace("-", " ").replace("'", "")
    return " ".join(SHORTHAND.get(word, word) for word in _WORD.findall(lowered))


def detect_language(text: str) -> str:
    """``es`` or ``en`` from a few telling words and characters; English when unsure."""
    lowered = text.lower()
    score = 0.0
    if any(ch in lowered for ch in "ñ¿¡"):
        score += 2
    if any(ch in lowered for ch in "áéíóú"):
        score += 1
    for word in normalize(lowered).split():
        if word in _SPANISH_HINTS:
            score += 1
        if word in _ENGLISH_HINTS:
            score -= 1
    return "es" if score > 0 else "en"


@dataclass(frozen=True)
class SynonymGroup:
    canonical: str  # normalised; added to the text wherever any variant appears
    variants: tuple[str, ...]
    pattern: re.Pattern[str] = field(compare=False, repr=False)


@lru_cache(maxsize=1)
def _synonym_data() -> dict[str, list[list[str]]]:
    data = yaml.safe_load((DATA_DIR / "synonyms.yaml").read_text(encoding="utf-8"))
    return {language: data[language] for language in ("en", "es")}


@lru_cache(maxsize=2)
def synonym_groups(language: str) -> tuple[SynonymGroup, ...]:
    groups = []
    for raw in _synonym_data()[language]:
        variants = tuple(normalize(v) for v in raw)
        alternation = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
        groups.append(
            SynonymGroup(
                canonical=variants[0],
                variants=variants,
                pattern=re.compile(rf"\b(?:{alternation})\b"),
            )
        )
    return tuple(groups)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (adjacent swaps count as one slip)."""
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _word_starts(words: Sequence[str]) -> list[int]:
    starts: list[int] = []
    position = 0
    for word in words:
        starts.append(position)
        position += len(word) + 1
    return starts


@dataclass(frozen=True)
class Unit:
    """One word of a question, for coverage."""

    stem: str
    alternatives: frozenset[str]  # stems of the canonical wording of a synonym it is part of
    certainty: float  # below 1 when the word was a guessed spelling slip


@dataclass(frozen=True)
class Analysis:
    terms: list[str]  # for BM25: the question's stems plus its synonyms' canonical stems
    units: list[Unit]  # each word as typed, for coverage


class Analyzer:
    """Terms for one language: stopwords out, slips corrected against the known words, stems."""

    def __init__(
        self, language: str, vocabulary: Iterable[str] = (), kept: Iterable[str] = ()
    ) -> None:
        self.language = language
        # Words left as typed but never offered as a correction: the out-of-scope subjects'
        # words, so that "fight" does not become "flight" and a question of ours theirs.
        self._kept = frozenset(kept)
        self.stopwords = STOPWORDS[language]
        self._stemmer = Stemmer.Stemmer("english" if language == "en" else "spanish")
        self._known: dict[str, int] = {}
        self._by_delete: dict[str, list[str]] = {}
        # Words of other agencies' business that would stem onto an everyday word of ours
        # ("medicaid" onto "medic", as in "medica") stay whole, so they still decline.
        shared = {self._stemmer.stemWord(w) for w in OUTSIDE_SHARED_WORDS}
        self._whole = frozenset(
            w
            for w in OUTSIDE_WORDS[language]
            if w not in OUTSIDE_SHARED_WORDS and self._stemmer.stemWord(w) in shared
        )
        self.learn(vocabulary)

    def learn(self, words: Iterable[str]) -> None:
        for word in words:
            if word in self.stopwords or len(word) < 4 or word.isdigit():
                continue
            count = self._known.get(word, 0)
            self._known[word] = count + 1
            if count == 0:
                for deleted in _deletes(word):
                    self._by_delete.setdefault(deleted, []).append(word)
        self._correct.cache_clear()

    def stem(self, word: str) -> str:
        return word if word in self._whole else self._stemmer.stemWord(word)

    @lru_cache(maxsize=20_000)  # noqa: B019 - one analyzer per language and index, kept with it
    def _correct(self, word: str) -> str:
        # Short words and the language's own small words are left alone: a slip there is
        # rarer than a real word the articles happen not to use ("want" is not "wait").
        if (
            word in self._known
            or word in self._kept
            or len(word) < MIN_CORRECTED_LENGTH
            or word in self.stopwords
            or word in COMMON_WORDS[self.language]
            or word in OUTSIDE_WORDS[self.language]
            or word.isdigit()
            or not self._known
        ):
            return word
        allowed = 1 if len(word) <= 8 else 2
        candidates: set[str] = set()
        first = _deletes(word)
        candidates.update(w for w in first if w in self._known)
        candidates.update(self._by_delete.get(word, ()))
        for deleted in first:
            candidates.update(self._by_delete.get(deleted, ()))
        if allowed > 1:
            for deleted in first:
                for twice in _deletes(deleted):
                    if twice in self._known:
                        candidates.add(twice)
        best: tuple[int, int, str] | None = None
        for candidate in candidates:
            if candidate[0] != word[0]:  # slips seldom touch the first letter
                continue
            distance = edit_distance(word, candidate)
            if distance > allowed:
                continue
            key = (distance, -self._known[candidate], candidate)
            if best is None or key < best:
                best = key
        return best[2] if best else word

    def words(self, text: str) -> list[str]:
        """Normalised words with spelling slips corrected (stopwords kept)."""
        return [self._correct(w) for w in normalize(text).split()]

    def terms(self, text: str, *, correct: bool = True) -> list[str]:
        """Search terms: normalised, corrected, synonyms added, stopwords dropped, stemmed."""
        return self.analyze(text, correct=correct).terms

    def analyze(self, text: str, *, correct: bool = True) -> Analysis:
        typed = normalize(text).split()
        words = [self._correct(w) for w in typed] if correct else typed
        # Synonyms are looked for in the words as typed and as corrected: a correction can
        # turn a word of a phrase into another known word ("stands" into "stand").
        readings = [words] if words == typed else [words, typed]
        # Every phrase found, as (first word, last word, group). Where phrases of different
        # groups overlap, the longer one wins ("moved forward" is progress on a case, not a
        # move to a new address); phrases of one group never compete.
        found: list[tuple[int, int, int]] = []
        groups = synonym_groups(self.language)
        for number, group in enumerate(groups):
            for reading in readings:
                starts = _word_starts(reading)
                for match in group.pattern.finditer(" ".join(reading)):
                    covered = [
                        i for i, start in enumerate(starts) if match.start() <= start < match.end()
                    ]
                    if covered:
                        found.append((covered[0], covered[-1], number))
        found.sort(key=lambda f: (f[0] - f[1], f[0], f[2]))
        owner: list[int | None] = [None for _ in words]
        kept: list[tuple[int, int, int]] = []
        for first, last, number in found:
            if any(owner[i] not in (None, number) for i in range(first, last + 1)):
                continue
            for i in range(first, last + 1):
                owner[i] = number
            kept.append((first, last, number))
        alternatives: list[set[str]] = [set() for _ in words]
        extra: list[str] = []
        for first, last, number in kept:
            canonical = groups[number].canonical
            stems = {self.stem(w) for w in canonical.split()}
            for i in range(first, last + 1):
                alternatives[i] |= stems
            if canonical not in extra:
                extra.append(canonical)
        terms = [self.stem(w) for w in words if w not in self.stopwords]
        terms += [self.stem(w) for w in " ".join(extra).split() if w not in self.stopwords]
        units = [
            Unit(
                stem=self.stem(word),
                alternatives=frozenset(alternatives[number]),
                certainty=1.0 if word == typed[number] else CORRECTION_CERTAINTY,
            )
            for number, word in enumerate(words)
            if word not in self.stopwords
        ]
        return Analysis(terms=terms, units=units)

    def content_words(self, text: str) -> Sequence[str]:
        return [w for w in normalize(text).split() if w not in self.stopwords]
