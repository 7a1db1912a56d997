"""How the index ranks topics and how sure it is: the layers over plain BM25."""

from __future__ import annotations

import pytest

from contactcenter.assistant.analysis import OUTSIDE_WORDS, Analyzer, normalize
from contactcenter.assistant.knowledge import ArticleContent, LinkData, article_files_read
from contactcenter.assistant.retrieval import (
    CONFIDENCE_THRESHOLD,
    OTHER_BUSINESS,
    SMALL_TALK,
    KnowledgeIndex,
    OutsideSubject,
    outside_subjects,
)


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


# --- Kinds of question and out-of-scope subjects ------------------------------------------------


@pytest.mark.parametrize(
    ("question", "language", "topic"),
    [
        # The benefit named (a green card, citizenship) loses to the kind of question.
        ("what is the status of my I-485", "en", "case-status"),
        ("estatus de mi I-485", "es", "case-status"),
        ("how long does the N-400 take", "en", "processing-times"),
        ("cuanto tarda el N-400", "es", "processing-times"),
        ("where can I download the I-765 form", "en", "forms-help"),
        # A kind that outranks another: past the posted time is not "how long".
        ("my I-130 is way past the posted processing time", "en", "case-outside-normal-time"),
    ],
)
def test_the_kind_of_question_outranks_the_benefit_named(index, question, language, topic):
    matches = index.search(question, language=language)
    assert matches[0].slug == topic
    assert not matches[0].outside
    assert matches[0].confidence >= CONFIDENCE_THRESHOLD


def test_without_the_kind_the_benefit_named_still_wins(index):
    assert index.search("how do I get a green card", language="en")[0].slug == "green-card"
    assert index.search("como me hago ciudadano", language="es")[0].slug == "naturalization"


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("green card lottery", "en"),
        ("loteria de visas", "es"),
        ("where is my tax refund", "en"),
        ("como renuevo mi pasaporte", "es"),
        ("what is the weather like today", "en"),
        ("cual es el clima hoy", "es"),
    ],
)
def test_an_out_of_scope_subject_that_wins_declines(index, question, language):
    matches = index.search(question, language=language)
    assert matches[0].outside
    assert all(match.confidence == 0 for match in matches)


def _subject(slug: str, questions: list[str]) -> OutsideSubject:
    return OutsideSubject(slug=slug, examples={"en": questions, "es": questions})


def test_an_out_of_scope_subject_wins_only_on_a_word_of_its_own():
    ferries = _article(
        "ferries",
        "Ferry tickets",
        "Buy ferry tickets at the pier.",
        ["how do I buy a ferry ticket", "ferry ticket price", "a", "b"],
    )
    lottery = _subject("outside:lottery", ["ferry ticket lottery", "win the ferry lottery"])
    index = KnowledgeIndex([ferries], outside=[lottery])
    declined = index.search("ferry lottery", language="en")
    assert declined[0].outside and declined[0].slug == "outside:lottery"
    # Sharing "ferry ticket" with the subject is not enough to decline.
    answered = index.search("ferry ticket", language="en")
    assert answered[0].slug == "ferries" and not answered[0].outside


def test_every_out_of_scope_subject_has_questions_in_both_languages():
    subjects = outside_subjects()
    assert len(subjects) >= 8
    for subject in subjects:
        assert subject.examples["en"] and subject.examples["es"], subject.slug
        assert subject.slug.startswith("outside:")


def test_texting_shorthand_reads_as_the_word_it_stands_for():
    assert normalize("kiero saber q pasa xq") == "quiero saber que pasa porque"
    assert normalize("pls help w my appt") == "please help w my appointment"
    # "u" stays: it is the U visa.
    assert normalize("U visa") == "u visa"


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("good afternoon, how's it going", "en"),
        ("hello there, have a nice day", "en"),
        ("hola, buenas tardes, que tal", "es"),
        ("buenos dias, como estas", "es"),
        ("are you a robot", "en"),
    ],
)
def test_a_greeting_alone_is_small_talk(index, question, language):
    # "today", "tardes" and "dias" each score against some topic; nothing is asked.
    matches = index.search(question, language=language)
    assert [(m.slug, m.outside, m.confidence) for m in matches] == [(SMALL_TALK, True, 0.0)]


@pytest.mark.parametrize(
    ("question", "language", "topic"),
    [
        ("good morning, is the field office open today", "en", "office-closures"),
        ("buenas tardes, cuanto cuesta la ciudadania", "es", "fees-and-waivers"),
    ],
)
def test_a_greeting_before_a_question_leaves_the_question(index, question, language, topic):
    matches = index.search(question, language=language)
    assert matches[0].slug == topic and not matches[0].outside


def test_an_out_of_scope_word_is_never_offered_as_a_spelling_correction():
    # Without the guard "fight" would be read as "flight" once a subject uses that word.
    assert Analyzer("en", ["flight", "denied"]).words("fight") == ["flight"]
    guarded = Analyzer("en", ["denied"], kept=["flight"])
    assert guarded.words("fight") == ["fight"]
    # The subject's own word, typed, is left as it is.
    assert guarded.words("flight") == ["flight"]


def test_a_word_theirs_by_list_and_ours_by_use_never_makes_a_subject_distinct():
    fees = _article(
        "fees",
        "Paying the fee",
        "Pay by card or check.",
        ["can I pay the fee by card", "how do I pay", "pay by check", "x"],
    )
    cards = _subject("outside:cards", ["my credit card was declined", "credit card debt"])
    index = KnowledgeIndex([fees], outside=[cards])
    # "credit" is theirs and an everyday word (outside_shared): paying by it is ours.
    answered = index.search("can I pay by credit card", language="en")
    assert answered[0].slug == "fees" and not answered[0].outside
    declined = index.search("credit card debt", language="en")
    assert declined[0].outside and declined[0].slug == "outside:cards"


@pytest.mark.parametrize(
    ("question", "language"),
    [("status of my home loan application", "en"), ("cuanto tarda la hipoteca", "es")],
)
def test_a_word_of_theirs_that_no_subject_uses_still_declines(index, question, language):
    # Worded as our kind of question (status, how long); "loan" and "hipoteca" are theirs.
    matches = index.search(question, language=language)
    assert matches[0].slug == OTHER_BUSINESS
    assert all(match.outside and match.confidence == 0 for match in matches)


def test_a_word_of_theirs_that_our_topic_uses_does_not_decline():
    assert "mortgage" in OUTSIDE_WORDS["en"]
    ferries = _article(
        "ferries",
        "Ferry tickets",
        "Buy ferry tickets at the pier.",
        ["how do I buy a ferry ticket", "ferry ticket price", "a", "b"],
    )
    loans = _article(
        "loans",
        "Ferry loans",
        "A mortgage on a ferry is arranged at the pier.",
        ["ferry mortgage", "can I get a mortgage for a ferry", "a", "b"],
    )
    lottery = _subject("outside:lottery", ["ferry ticket lottery", "win the ferry lottery"])
    declined = KnowledgeIndex([ferries], outside=[lottery]).search(
        "ferry ticket mortgage", language="en"
    )
    assert declined[0].slug == OTHER_BUSINESS
    answered = KnowledgeIndex([ferries, loans], outside=[lottery]).search(
        "ferry mortgage", language="en"
    )
    assert answered[0].slug == "loans" and not answered[0].outside
