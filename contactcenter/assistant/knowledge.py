"""The knowledge base as files: one YAML file per topic, English and Spanish side by side.

The files in ``knowledge/`` are the reviewed source; ``kb-load`` copies them into the database,
where the admin may edit them. Everything here validates on load, so a broken file is reported
by name and field instead of answering wrongly later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from contactcenter.agency.profile import PLACEHOLDERS, unknown_placeholders
from contactcenter.core.errors import ApplicationError, ErrorCode

KNOWLEDGE_DIR = Path(__file__).resolve().parent / "knowledge"
LANGUAGES = ("en", "es")
MAX_ANSWER_WORDS = 90  # "about 80 words"; a few words of slack for Spanish, which runs longer
MIN_EXAMPLES = 8

TOPIC_SLUGS: tuple[str, ...] = (
    "case-status",
    "processing-times",
    "case-outside-normal-time",
    "change-address",
    "notice-not-received",
    "card-not-received",
    "typo-correction",
    "request-for-evidence",
    "denial-next-steps",
    "expedite-request",
    "biometrics-appointment",
    "interview-reschedule",
    "in-person-appointment",
    "emergency-travel",
    "online-account",
    "account-access",
    "online-access-code",
    "filing-online",
    "fees-and-waivers",
    "forms-help",
    "naturalization",
    "green-card",
    "replace-green-card",
    "work-permit",
    "family-petition",
    "intercountry-adoption",
    "premium-processing",
    "humanitarian",
    "contact-hours-phone",
    "talk-to-person",
    "escalation-followup",
    "international-offices",
    "representative-g28",
    "disability-accommodation",
    "feedback-complaint",
    "report-fraud",
    "legal-help",
    "ombudsman",
    "outreach-events",
    "office-closures",
    "name-change",
    "privacy",
)


class KnowledgeError(ApplicationError):
    """A knowledge-base file or edit that does not meet the rules."""

    code = ErrorCode.INVALID_ARTICLE


@dataclass(frozen=True)
class LinkData:
    url: str
    label: dict[str, str]  # language -> label


@dataclass(frozen=True)
class ArticleContent:
    """One topic in both languages, as it is answered."""

    slug: str
    title: dict[str, str]
    answer: dict[str, str]
    examples: dict[str, list[str]]
    links: list[LinkData] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "answer": self.answer,
            "examples": self.examples,
            "links": [{"url": link.url, **link.label} for link in self.links],
        }

    def fingerprint(self) -> str:
        encoded = json.dumps(self.as_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(encoded.encode()).hexdigest()


@dataclass(frozen=True)
class ArticleFile:
    content: ArticleContent
    reviewer: str
    last_reviewed: dt.date
    path: Path


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(f"{where}: must be non-empty text.")
    return " ".join(value.split())


def article_content_parse(data: object, *, where: str) -> ArticleContent:
    """Check one article's content (from a file or an admin edit) and return it."""
    if not isinstance(data, dict):
        raise KnowledgeError(f"{where}: must be a mapping.")
    slug = data.get("slug")
    if slug not in TOPIC_SLUGS:
        raise KnowledgeError(f"{where}: unknown topic slug {slug!r}.")
    title: dict[str, str] = {}
    answer: dict[str, str] = {}
    examples: dict[str, list[str]] = {}
    for language in LANGUAGES:
        part = data.get(language)
        if not isinstance(part, dict):
            raise KnowledgeError(f"{where}: the {language!r} part is missing.")
        title[language] = _text(part.get("title"), f"{where}: {language}.title")
        answer[language] = _text(part.get("answer"), f"{where}: {language}.answer")
        words = len(answer[language].split())
        if words > MAX_ANSWER_WORDS:
            raise KnowledgeError(
                f"{where}: {language}.answer has {words} words; keep it under {MAX_ANSWER_WORDS}."
            )
        raw_examples = part.get("examples")
        if not isinstance(raw_examples, list):
            raise KnowledgeError(f"{where}: {language}.examples must be a list.")
        cleaned = [
            _text(q, f"{where}: {language}.examples[{i}]") for i, q in enumerate(raw_examples)
        ]
        if len(cleaned) < MIN_EXAMPLES:
            raise KnowledgeError(
                f"{where}: {language}.examples has {len(cleaned)}; at least {MIN_EXAMPLES} needed."
            )
        examples[language] = cleaned
    raw_links = data.get("links") or []
    if not isinstance(raw_links, list) or not raw_links:
        raise KnowledgeError(f"{where}: links must be a non-empty list.")
    links = []
    for i, raw in enumerate(raw_links):
        if not isinstance(raw, dict):
            raise KnowledgeError(f"{where}: links[{i}] must be a mapping.")
        url = _text(raw.get("url"), f"{where}: links[{i}].url")
        if not url.startswith(("/", "tel:", "mailto:")):
            raise KnowledgeError(
                f"{where}: links[{i}].url must be a page of this site, a tel: or a mailto: link."
            )
        labels = {lang: _text(raw.get(lang), f"{where}: links[{i}].{lang}") for lang in LANGUAGES}
        links.append(LinkData(url=url, label=labels))
    # The agency's numbers and web address are placeholders ({agency_phone} ...), filled when
    # an answer is given: a misspelt one would reach the person as it is typed.
    for text in [*title.values(), *answer.values(), *(u for link in links for u in (
        link.url, *link.label.values()))]:  # fmt: skip
        unknown = unknown_placeholders(text)
        if unknown:
            raise KnowledgeError(
                f"{where}: unknown agency placeholders {sorted(unknown)} "
                f"(known: {', '.join(sorted(PLACEHOLDERS))})."
            )
    return ArticleContent(slug=slug, title=title, answer=answer, examples=examples, links=links)


def article_file_read(path: Path) -> ArticleFile:
    where = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{where}: not valid YAML ({error}).") from error
    content = article_content_parse(data, where=where)
    if path.stem != content.slug:
        raise KnowledgeError(f"{where}: the file name must be the slug ({content.slug}.yaml).")
    reviewed = data.get("last_reviewed")
    if not isinstance(reviewed, dt.date):
        raise KnowledgeError(f"{where}: last_reviewed must be a date (YYYY-MM-DD).")
    reviewer = _text(data.get("reviewer"), f"{where}: reviewer")
    return ArticleFile(content=content, reviewer=reviewer, last_reviewed=reviewed, path=path)


def article_files_read(directory: Path = KNOWLEDGE_DIR) -> list[ArticleFile]:
    """Every article file, checked; raises on the first bad file."""
    files = [article_file_read(path) for path in sorted(directory.glob("*.yaml"))]
    seen = [f.content.slug for f in files]
    if len(set(seen)) != len(seen):
        raise KnowledgeError("Two knowledge files share a slug.")
    return files
