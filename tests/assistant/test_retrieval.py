"""How the index ranks topics and how sure it is: the layers over plain BM25."""

from __future__ import annotations

import pytest

from contactcenter.assistant.analysis import OUTSIDE_WORDS, Analyzer
from contactcenter.assistant.knowledge import ArticleContent, LinkData, article_files_read
from contactcenter.assistant.retrieval import CONFIDENCE_THRESHOLD, KnowledgeIndex


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    return KnowledgeIndex([file.content for file in article_files_read()])


def _article(slug: str, title: str, answer: str, examples: list[str]) -> ArticleContent:
    return ArticleContent(
        slug=slug,
        title={"en": title, "es": title},
        answer={"en": answer, "es": answer},
        examples={"en": examples, "es": examples},
        links=[LinkData(url="/", label={"en": "Home", "es": "Inicio"})],
    )


def test_words_spread_over_several_examples_add_up():
    """The whole-topic and examples indexes: a question whose words each appear in a
    different example of one topic beats a topic with one example sharing a single word."""
    spread = _article(
        "spread",
        "Lanterns",
        "About lanterns.",
        ["how do I light a lantern", "where do I buy wicks", "can I refill the oil", "x y"],
    )
    single = _article(
        "single", "Kettles", "About kettles.", ["how do I refill a kettle", "a b", "c d", "e f"]
    )
    index = KnowledgeIndex([spread, single])
    matches = index.search("refill oil wicks lantern", language="en")
    assert matches[0].slug == "spread"


def test_a_synonym_phrase_is_found_even_when_a_slip_fix_changes_one_of_its_words():
    analyzer = Analyzer("en", ["stand", "status", "case"])
    # "stands" alone would be corrected to "stand"; the phrase "where it stands" still reads
    # as asking for the case status.
    analysis = analyzer.analyze("how do I find out where it stands")
    assert analyzer.stem("status") in analysis.terms


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("what is the weather tomorrow", "en"),
        ("how do I file my taxes with the IRS", "en"),
        ("va a llover manana", "es"),
        ("como declaro mis impuestos", "es"),
    ],
)
def test_other_agencies_business_is_not_claimed(index, question, language):
    matches = index.search(question, language=language)
    assert not matches or matches[0].confidence < CONFIDENCE_THRESHOLD


def test_an_other_agency_word_lowers_but_does_not_void_a_real_question(index):
    assert "weather" in OUTSIDE_WORDS["en"]
    matches = index.search("is the field office closed because of the weather", language="en")
    assert matches[0].slug == "office-closures"
    assert matches[0].confidence >= CONFIDENCE_THRESHOLD


def test_other_agency_words_are_never_corrected_into_topic_words():
    analyzer = Analyzer("en", ["passports"])
    assert analyzer.words("passport") == ["passport"]
    assert analyzer.words("pasports") == ["passports"]


@pytest.mark.parametrize(
    ("question", "language", "topic"),
    [
        ("green card renewal", "en", "replace-green-card"),
        ("mi permiso de trabajo se vence", "es", "work-permit"),
        ("cita de huellas", "es", "biometrics-appointment"),
        ("I want to postpone my interview", "en", "interview-reschedule"),
        ("what happened with my papers", "en", "case-status"),
        ("quiero saber como va mi tramite", "es", "case-status"),
    ],
)
def test_everyday_wording_finds_the_topic(index, question, language, topic):
    matches = index.search(question, language=language)
    assert matches[0].slug == topic
    assert matches[0].confidence >= CONFIDENCE_THRESHOLD


def test_a_clear_lead_keeps_more_confidence_than_a_tie():
    first = _article("first", "Ferries", "Ferry tickets.", ["ferry ticket", "a", "b", "c"])
    twin = _article("twin", "Ferries", "Ferry tickets.", ["ferry ticket", "a", "b", "c"])
    other = _article("other", "Trains", "Train tickets.", ["train ticket", "d", "e", "f"])
    tied = KnowledgeIndex([first, twin]).search("ferry ticket", language="en")
    clear = KnowledgeIndex([first, other]).search("ferry ticket", language="en")
    assert tied[0].confidence < clear[0].confidence


def test_the_longer_of_two_overlapping_synonym_phrases_wins():
    analyzer = Analyzer("en")
    forward = analyzer.analyze("has my petition moved forward")
    assert analyzer.stem("status") in forward.terms
    assert analyzer.stem("address") not in forward.terms
    moved = analyzer.analyze("I moved last month")
    assert analyzer.stem("address") in moved.terms


def test_a_number_no_article_uses_does_not_lower_confidence(index):
    plain = index.search("longer than normal processing time", language="en")[0]
    counted = index.search("14 longer than normal processing time", language="en")[0]
    assert counted.slug == plain.slug
    assert counted.confidence == pytest.approx(plain.confidence, abs=0.01)


def test_naming_a_place_does_not_lower_confidence(index):
    plain = index.search("how do I become a citizen", language="en")[0]
    placed = index.search("how do I become a citizen in Texas", language="en")[0]
    assert placed.slug == plain.slug == "naturalization"
    assert placed.confidence == pytest.approx(plain.confidence, abs=0.01)
