"""The knowledge base files: every topic, both languages, plain English, working links."""

from __future__ import annotations

import textwrap

import pytest
import textstat
from django.urls import Resolver404, resolve

from contactcenter.agency.profile import agency_fill
from contactcenter.agency.selectors import default_agency
from contactcenter.assistant import guardrails
from contactcenter.assistant.knowledge import (
    TOPIC_SLUGS,
    KnowledgeError,
    article_file_read,
    article_files_read,
)

FILES = article_files_read()
ARTICLES = {file.content.slug: file.content for file in FILES}


def test_every_topic_has_exactly_one_article():
    assert sorted(ARTICLES) == sorted(TOPIC_SLUGS)
    assert len(TOPIC_SLUGS) == 42


@pytest.mark.parametrize("slug", TOPIC_SLUGS)
def test_english_answer_is_plain_and_short(slug):
    answer = ARTICLES[slug].answer["en"]
    grade = textstat.flesch_kincaid_grade(answer)
    assert grade <= 8.0, f"{slug}: grade {grade}"
    assert len(answer.split()) <= 80
    assert len(ARTICLES[slug].answer["es"].split()) <= 80


@pytest.mark.parametrize("slug", TOPIC_SLUGS)
def test_both_languages_have_title_answer_and_eight_examples(slug):
    article = ARTICLES[slug]
    for language in ("en", "es"):
        assert article.title[language]
        assert len(article.examples[language]) >= 8
        assert len(set(article.examples[language])) == len(article.examples[language])
    assert article.title["en"] != article.title["es"]


@pytest.mark.parametrize("slug", TOPIC_SLUGS)
def test_links_lead_to_pages_that_exist(slug):
    for link in ARTICLES[slug].links:
        assert link.label["en"] and link.label["es"]
        if link.url.startswith("/"):
            try:
                resolve(link.url.split("?", 1)[0])  # the path; a query picks a filter
            except Resolver404:
                pytest.fail(f"{slug}: {link.url} is not a page of this site")
        else:
            # Numbers come from the agency profile: a placeholder, filled when answering.
            assert link.url.startswith("tel:{agency_")
            assert agency_fill(link.url, default_agency(), "en").startswith("tel:+1")


def test_example_questions_do_not_trip_the_guardrails_by_accident():
    for slug, article in ARTICLES.items():
        for language in ("en", "es"):
            for question in article.examples[language]:
                if slug != "talk-to-person":
                    assert not guardrails.wants_person(question), (slug, question)
                if slug != "legal-help":
                    assert not guardrails.legal_question(question), (slug, question)


GOOD = """\
slug: privacy
reviewer: Someone
last_reviewed: 2026-01-02
links:
  - url: /case-status/
    en: Check
    es: Consulte
en:
  title: T
  answer: A short answer.
  examples: [q1, q2, q3, q4, q5, q6, q7, q8]
es:
  title: T es
  answer: Una respuesta corta.
  examples: [p1, p2, p3, p4, p5, p6, p7, p8]
"""


def _write(tmp_path, text, name="privacy.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_good_file_reads(tmp_path):
    article = article_file_read(_write(tmp_path, GOOD))
    assert article.content.slug == "privacy"
    assert article.reviewer == "Someone"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("slug: privacy", "slug: not-a-topic"), "unknown topic slug"),
        (("  answer: Una respuesta corta.", "  answer: " + "palabra " * 95), "words"),
        (("  examples: [p1, p2, p3, p4, p5, p6, p7, p8]", "  examples: [p1]"), "at least 8"),
        (("  - url: /case-status/", "  - url: https://example.com/"), "page of this site"),
        (("last_reviewed: 2026-01-02", "last_reviewed: soon"), "last_reviewed"),
        (("es:\n", "xx:\n"), "'es' part is missing"),
    ],
)
def test_a_bad_file_is_refused_with_the_reason(tmp_path, change, message):
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(KnowledgeError) as raised:
        article_file_read(path)
    assert message in raised.value.message
    assert "privacy.yaml" in raised.value.message


def test_the_file_name_must_be_the_slug(tmp_path):
    with pytest.raises(KnowledgeError, match="file name"):
        article_file_read(_write(tmp_path, GOOD, name="other.yaml"))
