"""The virtual assistant: answering a question, and keeping the knowledge base.

``assistant_ask`` is the one entry point every channel uses (the API, the command line, live
chat). It never reads case data: questions about one person's case are pointed to case status
and the online account.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils.translation import gettext as _

from contactcenter.agency.selectors import agency_text
from contactcenter.assistant import guardrails
from contactcenter.assistant.analysis import DATA_DIR, detect_language
from contactcenter.assistant.knowledge import (
    LANGUAGES,
    ArticleContent,
    KnowledgeError,
    LinkData,
    article_content_parse,
    article_files_read,
)
from contactcenter.assistant.models import Article, ArticleState, ArticleVersion
from contactcenter.assistant.retrieval import (
    CONFIDENCE_THRESHOLD,
    KnowledgeIndex,
    Match,
    index_get,
    index_reset,
)
from contactcenter.core.errors import ApplicationError
from contactcenter.core.text_input import control_characters_refuse
from contactcenter.core.text_patterns import has_control_characters
from contactcenter.routing.calendar import live_help_open

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500
# How often a process checks whether the published articles changed (another process may
# have published); a change made in this process resets the index at once.
INDEX_CHECK_SECONDS = 2.0

HANDOFF_TOPIC = "talk-to-person"
LEGAL_TOPIC = "legal-help"
CASE_TOPIC = "case-status"
# Texts and links name the agency by placeholders, filled when an answer is given (the agency
# profile: ``{agency_phone}``, ``{agency_web}`` ...).
CALL_URL = "tel:{agency_phone_tel}"
INBOX_URL = "/account/messages/"
ACCOUNT_HELP_URL = "/account-help/"

# An unsure answer offers an article's page only when the article came at least this close
# (half the confidence that would have answered from it).
SUGGEST_THRESHOLD = CONFIDENCE_THRESHOLD / 2


class InvalidQuestion(ApplicationError):
    """An empty or over-long question, or a language we do not answer in."""


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class AssistantAnswer:
    topic: str | None  # a topic slug, or None when no topic fits
    answer: str  # in ``language``
    links: list[Link]
    handoff: bool  # True: hand over to a person (live chat)
    confidence: float  # 0..1
    language: str  # "en" or "es"
    personal_data: list[str]  # kinds spotted in the question, e.g. ["a_number", "email"]
    question_masked: str  # the question with personal data masked (what may be stored)


@lru_cache(maxsize=1)
def replies() -> dict[str, dict[str, str]]:
    data = yaml.safe_load((DATA_DIR / "replies.yaml").read_text(encoding="utf-8"))
    return {language: data[language] for language in LANGUAGES}


# --- Where the published articles come from -------------------------------------------------


def _article_content(article: Article) -> ArticleContent:
    return ArticleContent(
        slug=article.slug,
        title={"en": article.title_en, "es": article.title_es},
        answer={"en": article.answer_en, "es": article.answer_es},
        examples={"en": list(article.examples_en), "es": list(article.examples_es)},
        links=[
            LinkData(url=link["url"], label={lang: link[lang] for lang in LANGUAGES})
            for link in article.links
        ],
    )


def _published_fingerprint() -> str:
    summary = Article.objects.aggregate(
        rows=Count("id"),
        published=Count("id", filter=Q(state=ArticleState.PUBLISHED)),
        changed=Max("updated_at"),
        versions=Sum("version"),
    )
    if not summary["rows"]:
        # Never loaded (a fresh database, another app's tests): answer from the reviewed
        # files shipped with the code, which is what kb-load would publish.
        return "files"
    return f"db:{summary['published']}:{summary['changed']}:{summary['versions']}"


def published_articles() -> list[ArticleContent]:
    if not Article.objects.exists():
        return [file.content for file in article_files_read()]
    return [
        _article_content(article)
        for article in Article.objects.filter(state=ArticleState.PUBLISHED).order_by("slug")
    ]


_checked: dict[str, Any] = {"at": -1e9, "fingerprint": None}


def knowledge_index() -> KnowledgeIndex:
    """The process's index over the published articles, rebuilt when they change."""
    now = time.monotonic()
    if _checked["fingerprint"] is None or now - _checked["at"] > INDEX_CHECK_SECONDS:
        _checked["fingerprint"] = _published_fingerprint()
        _checked["at"] = now
    return index_get(published_articles, _checked["fingerprint"])


def knowledge_index_reset() -> None:
    _checked["fingerprint"] = None
    index_reset()


# --- Answering --------------------------------------------------------------------------------


def _links(article: ArticleContent, language: str) -> list[Link]:
    return [
        Link(label=agency_text(link.label[language], language), url=agency_text(link.url, language))
        for link in article.links
    ]


def _question_clean(question: str, language: str | None) -> tuple[str, str | None]:
    if not isinstance(question, str) or not question.strip():
        raise InvalidQuestion(_("Type a question for the assistant."))
    # Counted as sent, before trimming, as the published maxLength says.
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidQuestion(
            _("Keep the question under %(limit)d characters.") % {"limit": MAX_QUESTION_CHARS}
        )
    # C0 controls answer with the edge's own code; the rest the published pattern leaves out
    # (C1, zero-width and direction marks) with the question's.
    control_characters_refuse(question, multiline=True)
    if has_control_characters(question):
        raise InvalidQuestion(
            _("The question has a control character that cannot be typed. Remove it and ask again.")
        )
    question = question.strip()
    if language is not None and language not in LANGUAGES:
        raise InvalidQuestion(_("The language must be en (English) or es (Spanish)."))
    return question, language


def _best_match(index: KnowledgeIndex, text: str, language: str) -> list[Match]:
    matches = index.search(text, language=language)
    if matches and matches[0].outside:
        # Something we know is not ours (another agency's business): no second guess in the
        # other language.
        return matches
    if not matches or matches[0].confidence < CONFIDENCE_THRESHOLD:
        # People sometimes write in the other language than the page they are on.
        other = "es" if language == "en" else "en"
        others = index.search(text, language=other)
        if others and (not matches or others[0].confidence > matches[0].confidence):
            return others
    return matches


def assistant_ask(*, question: str, language: str | None = None) -> AssistantAnswer:
    """Answer one question in ``language`` (detected from the question when None).

    Raises :class:`InvalidQuestion` for an empty or over-long question or an unknown
    language. Reads only the published knowledge base; never case data.
    """
    question, language = _question_clean(question, language)
    answer_language = language or detect_language(question)
    texts = replies()[answer_language]
    found = guardrails.personal_data_find(question)
    index = knowledge_index()
    notes: list[str] = []
    if found.kinds:
        notes.append(texts["personal_data"])

    def reply(
        *,
        topic: str | None,
        body: str,
        links: Sequence[Link],
        handoff: bool,
        confidence: float,
    ) -> AssistantAnswer:
        return AssistantAnswer(
            topic=topic,
            answer=agency_text(" ".join([*notes, body]), answer_language),
            links=[
                Link(
                    label=agency_text(link.label, answer_language),
                    url=agency_text(link.url, answer_language),
                )
                # The same page once, even when two articles (or an article and the call
                # link every unsure answer ends with) both offer it.
                for link in {link.url: link for link in reversed(links)}.values()
            ][::-1],
            handoff=handoff,
            confidence=round(max(0.0, min(1.0, confidence)), 3),
            language=answer_language,
            personal_data=found.kinds,
            question_masked=found.masked,
        )

    matches = _best_match(index, found.masked, answer_language)
    best = matches[0] if matches else None
    confident = best is not None and not best.outside and best.confidence >= CONFIDENCE_THRESHOLD
    # Naming a person with the talk-to-person topic is asking for one: hand over rather than
    # explain; unless the question asks when ("when are agents in") or how ("how do I get
    # through to an officer"), which the topic answers.
    asks_for_person = (
        confident
        and best is not None
        and best.slug == HANDOFF_TOPIC
        and guardrails.mentions_person(found.masked)
        and not guardrails.asks_when(found.masked)
        and not guardrails.asks_how_to_reach(found.masked)
        and not guardrails.names_person_elsewhere(found.masked)
    )
    if asks_for_person or guardrails.wants_person(found.masked):
        handoff_links = [Link(label=texts["link_call"], url=CALL_URL)]
        if live_help_open():
            body = texts["handoff_open"]
        else:
            # Never a dead end: the secure inbox and the account-help form work at any hour.
            body = texts["handoff_closed"]
            handoff_links = [
                Link(label=texts["link_inbox"], url=INBOX_URL),
                Link(label=texts["link_account_help"], url=ACCOUNT_HELP_URL),
                *handoff_links,
            ]
        return reply(
            topic=HANDOFF_TOPIC if HANDOFF_TOPIC in index.articles else None,
            body=body,
            links=handoff_links,
            handoff=True,
            confidence=1.0,
        )

    topic: str | None = best.slug if confident and best is not None else None
    confidence = best.confidence if best is not None else 0.0
    outside = best is not None and best.outside
    if (
        guardrails.legal_question(found.masked)
        and LEGAL_TOPIC in index.articles
        # "Am I eligible for Medicaid" is another agency's question, not one for a lawyer.
        and not outside
    ):
        topic, confidence = LEGAL_TOPIC, max(confidence, 0.9)
    elif guardrails.only_personal_data(found.masked) and CASE_TOPIC in index.articles:
        # Someone pasting a number is after their case: point to case status, whatever the
        # masked labels happen to match.
        notes.append(texts["own_case"])
        topic, confidence = CASE_TOPIC, max(CONFIDENCE_THRESHOLD, min(confidence, 0.5))
    elif guardrails.own_case_question(question) and CASE_TOPIC in index.articles and not outside:
        notes.append(texts["own_case"])
        if topic is None:
            topic, confidence = CASE_TOPIC, max(confidence, CONFIDENCE_THRESHOLD)

    if topic is None:
        body = texts["not_sure"]
        if live_help_open():
            body = f"{body} {texts['not_sure_chat_open']}"
        links: list[Link] = []
        # Pages offered only from articles that came somewhat close, and never for a question
        # another agency answers: a guess at a form's processing times for "replace my social
        # security card" helps nobody.
        near = [
            m
            for m in matches
            if m.slug in index.articles and not m.outside and m.confidence >= SUGGEST_THRESHOLD
        ]
        for match in near[:2]:
            links.extend(_links(index.articles[match.slug], answer_language)[:1])
        links.append(Link(label=texts["link_call"], url=CALL_URL))
        return reply(topic=None, body=body, links=links, handoff=False, confidence=confidence)

    article = index.articles[topic]
    return reply(
        topic=topic,
        body=article.answer[answer_language],
        links=_links(article, answer_language),
        handoff=False,
        confidence=confidence,
    )


def follow_up_text(language: str) -> str:
    """The question asked after every answer; "no" to it hands over (see handoff phrases)."""
    return replies()[language]["follow_up"]


def _index_reset_now_and_after_commit() -> None:
    # Now, so this transaction's next question sees the change; after commit, so a question
    # asked in between (from the old rows) does not outlive it. Other processes notice
    # within INDEX_CHECK_SECONDS through the fingerprint.
    knowledge_index_reset()
    transaction.on_commit(knowledge_index_reset)


# --- Keeping the knowledge base ---------------------------------------------------------------


@dataclass(frozen=True)
class LoadSummary:
    created: int
    updated: int
    unchanged: int


def _snapshot(article: Article, *, source: str, changed_by: Any = None) -> None:
    ArticleVersion.objects.create(
        article=article,
        version=article.version,
        state=article.state,
        reviewer=article.reviewer,
        last_reviewed=article.last_reviewed,
        content=_article_content(article).as_json(),
        source=source,
        changed_by=changed_by,
    )


def _apply_content(article: Article, content: ArticleContent) -> None:
    article.title_en, article.title_es = content.title["en"], content.title["es"]
    article.answer_en, article.answer_es = content.answer["en"], content.answer["es"]
    article.examples_en, article.examples_es = content.examples["en"], content.examples["es"]
    article.links = [{"url": link.url, **link.label} for link in content.links]


@transaction.atomic
def knowledge_base_load() -> LoadSummary:
    """Publish the reviewed article files. Idempotent: a file already loaded changes nothing,
    and an article edited in the admin is left alone until its file changes."""
    files = article_files_read()
    existing = {a.slug: a for a in Article.objects.select_for_update()}
    created = updated = unchanged = 0
    for file in files:
        fingerprint = file.content.fingerprint()
        article = existing.get(file.content.slug)
        if article is not None and article.source_fingerprint == fingerprint:
            unchanged += 1
            continue
        if article is None:
            article = Article(slug=file.content.slug, version=1)
            created += 1
        else:
            article.version += 1
            updated += 1
        _apply_content(article, file.content)
        article.state = ArticleState.PUBLISHED
        article.reviewer = file.reviewer
        article.last_reviewed = file.last_reviewed
        article.source_fingerprint = fingerprint
        article.save()
        _snapshot(article, source="file")
    if created or updated:
        _index_reset_now_and_after_commit()
    logger.info(
        "assistant.kb_loaded",
        extra={
            "articles_created": created,
            "articles_updated": updated,
            "articles_unchanged": unchanged,
        },
    )
    return LoadSummary(created=created, updated=updated, unchanged=unchanged)


@transaction.atomic
def article_save(
    *,
    article: Article,
    content: dict[str, Any],
    state: str,
    reviewer: str,
    last_reviewed: dt.date | None,
    changed_by: Any = None,
) -> Article:
    """Save an edit made by a person (the admin): checked like a file, a new version each time.

    Publishing needs a reviewer and a last-reviewed date.
    """
    parsed = article_content_parse({**content, "slug": article.slug}, where=article.slug)
    if state not in ArticleState.values:
        raise KnowledgeError(_("Unknown state."))
    if state == ArticleState.PUBLISHED and (not reviewer.strip() or last_reviewed is None):
        raise KnowledgeError(_("A published article needs a reviewer and a last-reviewed date."))
    if article.pk is not None:
        article = Article.objects.select_for_update().get(pk=article.pk)
        article.version += 1
    _apply_content(article, parsed)
    article.state = state
    article.reviewer = reviewer.strip()
    article.last_reviewed = last_reviewed
    article.save()
    _snapshot(article, source="admin", changed_by=changed_by)
    _index_reset_now_and_after_commit()
    return article


def assistant_answer_json(answer: AssistantAnswer) -> dict[str, Any]:
    """The answer as the API and the command line show it."""
    return {
        "topic": answer.topic,
        "answer": answer.answer,
        "links": [{"label": link.label, "url": link.url} for link in answer.links],
        "handoff": answer.handoff,
        "confidence": answer.confidence,
        "language": answer.language,
        "personal_data": answer.personal_data,
        # Asked after an answer; a "no" hands over. Nothing to ask when handing over already.
        "follow_up": None if answer.handoff else follow_up_text(answer.language),
    }


def article_content_from_form(cleaned: dict[str, Any], *, slug: str) -> dict[str, Any]:
    """An admin form's fields as article content (checked by ``article_save``)."""
    content: dict[str, Any] = {"links": cleaned.get("links") or []}
    for language in LANGUAGES:
        examples = cleaned.get(f"examples_{language}") or ""
        if isinstance(examples, str):
            examples = [line.strip() for line in examples.splitlines() if line.strip()]
        content[language] = {
            "title": cleaned.get(f"title_{language}") or "",
            "answer": cleaned.get(f"answer_{language}") or "",
            "examples": examples,
        }
    # Check now, so the form shows the problem beside the fields.
    article_content_parse({**content, "slug": slug}, where=slug)
    return content


# --- Staff looking an answer up ---------------------------------------------------------------

MAX_SEARCH_CHARS = 200
SEARCH_RESULTS = 5
SNIPPET_CHARS = 220
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class KnowledgeHit:
    """One published article found for a member of staff, in the language asked for."""

    slug: str
    title: str
    snippet: str  # the answer's sentence closest to the search, shortened
    answer: str
    links: list[Link]


def _snippet(answer: str, terms: set[str], index: KnowledgeIndex, language: str) -> str:
    sentences = [s for s in _SENTENCE_END.split(answer.strip()) if s] or [answer]
    analyzer = index.languages[language].analyzer
    best = max(sentences, key=lambda s: len(terms & set(analyzer.terms(s, correct=False))))
    if len(best) <= SNIPPET_CHARS:
        return best
    cut = best[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return f"{cut}…"


def knowledge_search(
    *, query: str, language: str, limit: int = SEARCH_RESULTS
) -> list[KnowledgeHit]:
    """The published articles that match ``query`` best, in ``language``, for staff looking
    up an answer to give (the desk's knowledge search).

    It searches the assistant's own index, ranked as the assistant ranks topics, without the
    public's guardrails and without a confidence threshold: an agent reads the titles and
    picks. Subjects that are other agencies' business are never listed. Never case data.
    """
    if not isinstance(query, str) or not query.strip():
        raise InvalidQuestion(_("Type a word or two to search the knowledge base."))
    if len(query) > MAX_SEARCH_CHARS:
        raise InvalidQuestion(
            _("Keep the search under %(limit)d characters.") % {"limit": MAX_SEARCH_CHARS}
        )
    if has_control_characters(query):
        raise InvalidQuestion(
            _("The search has a control character that cannot be typed. Remove it and search "
              "again.")
        )  # fmt: skip
    if language not in LANGUAGES:
        raise InvalidQuestion(_("The language must be en (English) or es (Spanish)."))
    index = knowledge_index()
    query = query.strip()
    # One more than asked for: an out-of-scope subject ranked first takes a place.
    matches = index.search(query, language=language, limit=limit + 1)
    terms = set(index.languages[language].analyzer.terms(query)) if index.articles else set()
    hits = []
    for match in matches:
        article = index.articles.get(match.slug)
        if article is None:
            continue
        hits.append(
            KnowledgeHit(
                slug=article.slug,
                title=article.title[language],
                snippet=agency_text(
                    _snippet(article.answer[language], terms, index, language), language
                ),
                answer=agency_text(article.answer[language], language),
                links=_links(article, language),
            )
        )
    return hits[:limit]
