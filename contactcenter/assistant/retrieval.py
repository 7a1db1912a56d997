"""Finding the topic for a question: BM25 indexes per language over the published articles.

Each article is indexed several ways: as small documents (its title, its answer, each
example question; a topic's score is the best of them, so one close example is enough), and
as one document per topic for the whole text and for its examples together (so words spread
over several examples still add up). Topics are ranked by those scores, each scaled to the
best topic's, plus how much of the question the topic's own words cover. Confidence combines
coverage with the whole-topic score and the lead over the second topic, which is what
separates "a question we answer" from "a question that shares a word".

Two layers sit on top. Kinds of question (``question_types.py``: "status of my I-485",
"how long does the N-400 take") lift the topic that answers that kind over the topic of the
benefit named. Out-of-scope subjects (``data/out_of_scope.yaml``: the visa lottery, taxes,
passports...) are indexed as topics of their own; when one ranks first, or close behind the
first, or the question uses a word of other agencies' business that the first topic never
uses, the question is declined. A greeting or small talk with nothing else in it
(``small_talk`` in ``words.yaml``) is declined the same way.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import yaml

from contactcenter.agency.profile import without_placeholders
from contactcenter.assistant.analysis import (
    ANCHOR_WORDS,
    DATA_DIR,
    NEUTRAL_WORDS,
    OUTSIDE_SHARED_WORDS,
    OUTSIDE_WORDS,
    SMALL_TALK_WORDS,
    Analyzer,
    Unit,
    normalize,
    synonym_groups,
)
from contactcenter.assistant.knowledge import LANGUAGES, ArticleContent
from contactcenter.assistant.question_types import question_topics, question_types_for

if TYPE_CHECKING:
    import bm25s
    import numpy as np

# bm25s (with numpy and scipy, a third of a second) is imported by the methods that build and
# search an index, not with this module: every command and worker starts without it, and the
# first question pays for it once.
# bm25s logs every index build at DEBUG; a build is routine here.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# Below this confidence no topic is claimed. ``contactcenter assistant-eval --calibrate``
# computes a threshold from article examples held out of the index against questions no
# topic covers. On the project's development sets (labelled, dev, dev2 to dev6, fresh, unseen
# and holdout: about 1,090 covered and 195 out-of-scope questions, with the out-of-scope
# subjects and kinds of question in place) 0.21 keeps all but eight of the right answers
# that a threshold of 0.12 keeps, and declines 94% of the out-of-scope questions; 0.19
# gains two answers for three more out-of-scope questions answered.
CONFIDENCE_THRESHOLD = 0.21
# Confidence is coverage ** COVERAGE_POWER times the topic's strength, which reaches about 63%
# at a whole-topic BM25 score of SCORE_SCALE. RERANK_DEPTH: how many of the best-ranked topics
# have their coverage worked out.
SCORE_SCALE = 8.0
COVERAGE_POWER = 0.5
RERANK_DEPTH = 6
# How topics are ranked: each index's scores divided by the best topic's, weighted and added,
# plus the share of the question the topic's words cover. "document" is the topic's single
# best document (its title, its answer or one example question), so one close example is
# enough; the others hold one document per topic, so words spread over several examples
# still add up.
RANK_WEIGHTS = {"document": 0.5, "whole": 0.5, "examples": 1.0}
COVERAGE_WEIGHT = 1.0
# A word no article uses counts for this share of log(1 + 2 * topics) in coverage (the
# rarest known word counts for log(1 + topics)).
UNKNOWN_WEIGHT_SHARE = 1.0
# An out-of-scope subject whose rank is at least this share of the first topic's declines.
OUTSIDE_CLOSE = 0.8
# A first topic barely ahead of the second keeps this share of its confidence.
MARGIN_FLOOR = 0.8
# Words only we use (words.yaml, anchors_*: "rfe", "biometrics", "fee waiver") and form
# numbers ("485") anchor a question to us when the first topic uses them: a word of other
# agencies' business beside one ("can I send my tax returns for the RFE") does not decline it.


# A question of a known kind (see question_types.py) has this added to its topic's rank.
QUESTION_TYPE_WEIGHT = 2.5
# ...and, when that topic comes first, at least this confidence (above the threshold).
QUESTION_TYPE_CONFIDENCE = 0.3


# The match returned for a greeting or small talk and nothing else: declined like another
# agency's business.
SMALL_TALK = "outside:small-talk"


# ...and for a question that uses a word of other agencies' business (words.yaml) that no
# out-of-scope subject's examples use.
OTHER_BUSINESS = "outside:other-business"


@dataclass(frozen=True)
class Match:
    slug: str
    score: float
    confidence: float
    # True when an out-of-scope subject ranked first: the question is declined, whatever
    # the topics after it score (each then has confidence 0).
    outside: bool = False


@dataclass(frozen=True)
class OutsideSubject:
    """Something that is not ours, indexed beside the articles so that it can win."""

    slug: str
    examples: dict[str, list[str]]


@lru_cache(maxsize=1)
def outside_subjects() -> tuple[OutsideSubject, ...]:
    data = yaml.safe_load((DATA_DIR / "out_of_scope.yaml").read_text(encoding="utf-8"))
    subjects = []
    for entry in data:
        examples = {language: [str(q) for q in entry.get(language) or ()] for language in LANGUAGES}
        if not all(examples.values()):
            raise ValueError(
                f"out_of_scope.yaml: {entry['subject']} needs questions in each language."
            )
        subjects.append(OutsideSubject(slug=f"outside:{entry['subject']}", examples=examples))
    return tuple(subjects)


class LanguageIndex:
    def __init__(
        self,
        language: str,
        articles: Sequence[ArticleContent],
        outside: Sequence[OutsideSubject] = (),
    ) -> None:
        import bm25s
        import numpy as np

        self.language = language
        # Every document as (topic number, field, text). Out-of-scope subjects come after the
        # articles as topics of their own, with example questions only.
        parts: list[tuple[int, str, str]] = []
        for number, article in enumerate(articles):
            parts.append((number, "title", article.title[language]))
            # The agency's numbers are placeholders ({agency_phone}): not words anyone types.
            parts.append((number, "answer", without_placeholders(article.answer[language])))
            parts.extend((number, "examples", q) for q in article.examples[language])
        for offset, subject in enumerate(outside):
            parts.extend(
                (len(articles) + offset, "examples", q) for q in subject.examples[language]
            )
        topic_total = len(articles) + len(outside)
        vocabulary: list[str] = []
        kept: list[str] = []
        for number, _, text in parts:
            (vocabulary if number < len(articles) else kept).extend(normalize(text).split())
        self.analyzer = Analyzer(language, vocabulary, kept)
        self.slugs = [article.slug for article in articles] + [s.slug for s in outside]
        self._article_count = len(articles)
        documents = [self.analyzer.terms(text, correct=False) or ["_"] for _, _, text in parts]
        owners = [number for number, _, _ in parts]
        self._owners = np.asarray(owners)
        self._model = bm25s.BM25()
        self._model.index(documents, show_progress=False)
        self._vocab = self._model.vocab_dict
        # The words of each topic, for coverage.
        self._topic_terms: list[set[str]] = [set() for _ in range(topic_total)]
        for owner, terms in zip(owners, documents, strict=True):
            self._topic_terms[owner].update(terms)
        # An out-of-scope subject may win only on a word none of our articles uses ("lottery",
        # "refund", "walmart"): sharing "green card" with us is not enough.
        # Words of our synonym lists count as ours too ("green card" in a Spanish question).
        ours = set().union(*self._topic_terms[: len(articles)]) if articles else set()
        for group in synonym_groups(language):
            for variant in group.variants:
                ours.update(self.analyzer.stem(word) for word in variant.split())
        # Words of other agencies' business (words.yaml, outside_*) always count as theirs.
        self._outside = frozenset(self.analyzer.stem(w) for w in OUTSIDE_WORDS[language])
        self._outside_shared = frozenset(self.analyzer.stem(w) for w in OUTSIDE_SHARED_WORDS)
        # Words of their business that are also everyday words of ours ("credit", "security")
        # never make a subject distinct: "can I pay by credit card" is a fee question.
        self._distinctive = {
            topic: frozenset(
                ((self._topic_terms[topic] - ours) | (self._topic_terms[topic] & self._outside))
                - self._outside_shared
                - {"_"}
            )
            for topic in range(len(articles), topic_total)
        }
        # Document frequency per term across the articles: a term found in many topics says
        # little. Out-of-scope subjects are left out, so they do not change what a word of
        # ours weighs.
        topic_count: dict[str, int] = {}
        for topic_terms in self._topic_terms[: len(articles)]:
            for term in topic_terms:
                topic_count[term] = topic_count.get(term, 0) + 1
        self._topic_idf = {
            term: math.log(1 + len(articles) / count) for term, count in topic_count.items()
        }
        self._unknown_weight = UNKNOWN_WEIGHT_SHARE * math.log(1 + 2 * len(articles))
        self._anchors = frozenset(self.analyzer.stem(w) for w in ANCHOR_WORDS[language]) | {
            term for term in topic_count if term.isdigit() and len(term) == 3 and term != "800"
        }
        self._neutral = frozenset(self.analyzer.stem(w) for w in NEUTRAL_WORDS)
        self._starts = np.flatnonzero(np.r_[True, self._owners[1:] != self._owners[:-1]])
        self._question_types = question_types_for(language, self.slugs[: len(articles)])
        # Field indexes, one document per topic each: the title, the answer, and all the
        # example questions together; and the whole topic as one document.
        self._fields: dict[str, bm25s.BM25] = {}
        per_topic: dict[str, list[list[str]]] = {
            name: [[] for _ in range(topic_total)]
            for name in ("title", "answer", "examples", "whole")
        }
        for (number, field_name, _), terms in zip(parts, documents, strict=True):
            per_topic[field_name][number].extend(terms)
            per_topic["whole"][number].extend(terms)
        for field_name, topic_documents in per_topic.items():
            model = bm25s.BM25()
            model.index([d or ["_"] for d in topic_documents], show_progress=False)
            self._fields[field_name] = model

    def field_scores(self, terms: Sequence[str]) -> dict[str, np.ndarray]:
        import numpy as np

        result = {}
        for field_name, model in self._fields.items():
            known = [t for t in terms if t in model.vocab_dict]
            result[field_name] = (
                model.get_scores(known) if known else np.zeros(len(self.slugs), dtype=np.float32)
            )
        return result

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        import numpy as np

        known = [t for t in terms if t in self._vocab]
        if not known:
            return np.zeros(len(self.slugs), dtype=np.float32)
        per_document = self._model.get_scores(known)
        return np.maximum.reduceat(per_document, self._starts)

    def coverage(self, units: Sequence[Unit], topic: int) -> float:
        outside_subject = topic >= self._article_count
        """Share of the question's weight that the topic's own words account for.

        Counted on the words as typed (a synonym counts when the topic has the word it stands
        for), so adding synonyms cannot make an unrelated question look covered."""
        seen: set[str] = set()
        total = 0.0
        covered = 0.0
        words = self._topic_terms[topic]
        for unit in units:
            if unit.stem in seen:
                continue
            seen.add(unit.stem)
            if unit.stem in self._outside:
                total += self._unknown_weight
                if outside_subject and unit.stem in words:
                    covered += self._unknown_weight
                continue
            if (unit.stem.isdigit() or unit.stem in self._neutral) and unit.stem not in words:
                # A count, a date ("14 months"), a place or an everyday verb that the topic
                # does not use says nothing either way.
                continue
            weight = self._topic_idf.get(unit.stem, self._unknown_weight)
            total += weight
            if unit.stem in words or (unit.alternatives & words):
                covered += weight * unit.certainty
        return covered / total if total else 0.0

    def search(self, text: str, *, limit: int = 3) -> list[Match]:
        import numpy as np

        content = self.analyzer.content_words(text)
        if content and all(word in SMALL_TALK_WORDS for word in content):
            # "hello how are you today": nothing asked, whatever "today" scores.
            return [Match(slug=SMALL_TALK, score=0.0, confidence=0.0, outside=True)]
        analysis = self.analyzer.analyze(text)
        best_document = self.scores(analysis.terms)
        if not best_document.any():
            return []
        fields = self.field_scores(analysis.terms)
        rank = np.zeros(len(self.slugs), dtype=np.float64)
        for name, weight in RANK_WEIGHTS.items():
            values = best_document if name == "document" else fields[name]
            top = float(values.max())
            if top > 0:
                rank += weight * values / top
        terms = set(analysis.terms)
        for topic, distinctive in self._distinctive.items():
            if not distinctive & terms:
                rank[topic] = 0.0
        order = [int(t) for t in np.argsort(-rank)[:RERANK_DEPTH] if rank[t] > 0]
        # A kind of question does not lift a topic over a word of other agencies' business
        # that the topic never uses ("status of my tax refund", "status of my package"); it
        # does when the topic uses it ("an ADIT stamp in my passport" is an office
        # appointment).
        theirs = {unit.stem for unit in analysis.units if unit.stem in self._outside}
        lifted = {
            topic
            for topic in (
                self.slugs.index(slug)
                for slug in question_topics(self._question_types, normalize(text))
            )
            if not theirs - self._topic_terms[topic]
        }
        order += [topic for topic in lifted if topic not in order]
        scored = []
        for topic in order:
            coverage = self.coverage(analysis.units, topic)
            rank_key = float(rank[topic]) + COVERAGE_WEIGHT * coverage
            if topic in lifted:
                rank_key += QUESTION_TYPE_WEIGHT
            score = float(best_document[topic])
            strength = 1 - math.exp(-float(fields["whole"][topic]) / SCORE_SCALE)
            scored.append((rank_key, coverage**COVERAGE_POWER * strength, score, topic))
        scored.sort(reverse=True)
        typed = {unit.stem for unit in analysis.units}.union(
            *(unit.alternatives for unit in analysis.units)
        )
        first_article = next((e for e in scored if e[3] < self._article_count), None)
        anchored = first_article is not None and bool(
            self._anchors & typed & self._topic_terms[first_article[3]]
        )
        if anchored and first_article is not None and scored[0][3] >= self._article_count:
            # Ours by a word only we use: the subject that shares another word gives way.
            scored.remove(first_article)
            scored.insert(0, first_article)
        # An out-of-scope subject close behind the first topic declines too: the question
        # names something of theirs (it matched one of their own words) as strongly as ours.
        if scored and scored[0][3] < self._article_count and not anchored:
            for position, entry in enumerate(scored[1:], start=1):
                if entry[3] >= self._article_count and entry[0] >= OUTSIDE_CLOSE * scored[0][0]:
                    scored.insert(0, scored.pop(position))
                    break
        other_business = False
        # A word of other agencies' business ("passport", "unemployment") that the first
        # topic's own text never uses, and that an out-of-scope subject has: the question is
        # about their business even when it is worded like ours ("how long does a passport
        # take"). A topic that does use the word ("closed for bad weather") keeps it.
        if scored and scored[0][3] < self._article_count and not anchored:
            theirs = {
                u.stem
                for u in analysis.units
                if u.stem in self._outside and u.stem not in self._outside_shared
            }
            unexplained = theirs - self._topic_terms[scored[0][3]]
            for topic, distinctive in self._distinctive.items():
                if unexplained & distinctive:
                    score = float(best_document[topic])
                    scored.insert(0, (scored[0][0], 0.0, score, topic))
                    break
            else:
                # A word of theirs that no subject's examples happen to use ("status of my
                # home loan") is still theirs.
                other_business = bool(unexplained)
        outside = other_business or (bool(scored) and scored[0][3] >= self._article_count)
        matches = []
        if other_business:
            matches.append(Match(slug=OTHER_BUSINESS, score=0.0, confidence=0.0, outside=True))
        for position, (key, confidence, score, topic) in enumerate(scored):
            if outside and position == 0 and not other_business:
                matches.append(
                    Match(slug=self.slugs[topic], score=score, confidence=0.0, outside=True)
                )
                continue
            if topic >= self._article_count:
                continue
            if outside:
                confidence = 0.0
            elif position == 0 and len(scored) > 1:
                margin = (key - scored[1][0]) / key if key > 0 else 0.0
                confidence *= MARGIN_FLOOR + (1 - MARGIN_FLOOR) * min(1.0, max(0.0, margin) * 3)
            if position == 0 and topic in lifted and not outside:
                # The kind of question was recognised and its topic came first: sure enough
                # even when the wording shares few words with the article.
                confidence = max(confidence, QUESTION_TYPE_CONFIDENCE)
            matches.append(
                Match(
                    slug=self.slugs[topic],
                    score=score,
                    confidence=round(confidence, 3),
                    outside=outside,
                )
            )
            if len(matches) >= limit:
                break
        return matches


class KnowledgeIndex:
    """Both languages' indexes over one set of published articles."""

    def __init__(
        self,
        articles: Sequence[ArticleContent],
        *,
        fingerprint: str = "",
        outside: Sequence[OutsideSubject] | None = None,
    ) -> None:
        self.fingerprint = fingerprint
        self.articles = {article.slug: article for article in articles}
        ordered = list(self.articles.values())
        subjects = outside_subjects() if outside is None else tuple(outside)
        self.languages = {
            language: LanguageIndex(language, ordered, subjects) for language in LANGUAGES
        }

    def search(self, text: str, *, language: str, limit: int = 3) -> list[Match]:
        if not self.articles:
            return []
        return self.languages[language].search(text, limit=limit)


class PlainBM25:
    """The baseline: BM25 over the same articles, one document each, no extra layers."""

    def __init__(self, articles: Sequence[ArticleContent]) -> None:
        import bm25s

        self.slugs = [a.slug for a in articles]
        self._models: dict[str, bm25s.BM25] = {}
        for language in LANGUAGES:
            corpus = [
                " ".join(
                    [
                        a.title[language],
                        without_placeholders(a.answer[language]),
                        *a.examples[language],
                    ]
                )
                for a in articles
            ]
            tokens = bm25s.tokenize(
                corpus,
                stopwords="en" if language == "en" else None,
                show_progress=False,
                return_ids=False,
            )
            model = bm25s.BM25()
            model.index(tokens, show_progress=False)
            self._models[language] = model

    def search(self, text: str, *, language: str) -> str | None:
        import numpy as np

        model = self._models[language]
        tokens = [t for t in normalize(text).split() if t in model.vocab_dict]
        if not tokens:
            return None
        scores = model.get_scores(tokens)
        best = int(np.argmax(scores))
        return self.slugs[best] if scores[best] > 0 else None


_lock = threading.Lock()
_index: KnowledgeIndex | None = None


def index_get(articles_loader, fingerprint: str) -> KnowledgeIndex:
    """The process's index, rebuilt only when the published articles' fingerprint changes."""
    global _index
    current = _index
    if current is not None and current.fingerprint == fingerprint:
        return current
    with _lock:
        if _index is None or _index.fingerprint != fingerprint:
            _index = KnowledgeIndex(articles_loader(), fingerprint=fingerprint)
        return _index


def index_reset() -> None:
    global _index
    with _lock:
        _index = None
