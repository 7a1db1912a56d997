"""Given another agency's profile, nothing public names the one the install shipped with.

The fictional Lakeland Department of Family Benefits is loaded; then every public page, the
chat widget, the assistant's answers, every phone-line prompt as TwiML and every message we
send are read in English and Spanish, and none may carry the shipped agency's name, numbers
or web address. Each also names the new agency, so a page that lost its agency altogether
would fail too.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from contactcenter.agency.profile import DATA_DIR
from contactcenter.agency.selectors import agency_profile
from contactcenter.agency.services import agency_profile_load
from contactcenter.assistant.services import assistant_ask
from contactcenter.ivr import twiml
from contactcenter.ivr.engine import Prompt, Turn
from contactcenter.ivr.flows import flow_files, flow_parse
from contactcenter.notifications.catalogue import (
    LANGUAGES,
    MESSAGES,
    ValueKind,
    context_clean,
    message_render,
    reply_render,
)
from contactcenter.offices.models import OfficeKind
from tests.factories import OfficeFactory

# The shipped agency, however it is written.
OTHER_AGENCY = re.compile(
    r"uscis|citizenship and immigration|ciudadan[ií]a e inmigraci[oó]n"
    r"|375-?5283|767-?1833|620-?3418|424-?8374|18003755283|18007671833",
    re.IGNORECASE,
)


def traces(text: str) -> list[str]:
    return sorted({m.group(0) for m in OTHER_AGENCY.finditer(text)})


@pytest.fixture
def family_benefits(db, settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    settings.LIVE_HELP_ALWAYS_OPEN = False
    agency_profile_load(DATA_DIR / "family-benefits.yaml")
    agency = agency_profile()
    assert agency.slug == "family-benefits"
    return agency


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("path", ["/", "/contact/", "/processing-times/", "/case-status/"])
def test_public_pages_and_the_chat_widget_name_only_the_new_agency(
    client, family_benefits, path, language
):
    client.cookies["django_language"] = language
    page = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "data-chat-widget" in page  # the widget is on the page, and read with it
    assert traces(page) == []
    assert "800-555-0100" in page  # the widget's "call us"
    name = family_benefits.name[language]
    assert name in page  # the official banner
    if path == "/contact/":
        assert 'href="tel:+18005550100"' in page and "benefits.example.gov" in page
        assert "PO Box 0100" in page


QUESTIONS = {
    "en": [
        "What is your phone number?",
        "What is the TTY number?",
        "How can I reach a live agent?",
        "agent",
        "How do I reach you from another country?",
        "I am adopting a child from another country, who do I call?",
        "How do I report a scam?",
        "How do I change my address?",
        "I need an accommodation for a disability",
        "blorp zzzq",
    ],
    "es": [
        "¿Cuál es su número de teléfono?",
        "¿Cuál es el número TTY?",
        "¿Cómo hablo con un agente?",
        "agente",
        "¿Cómo los contacto desde otro país?",
        "¿Cómo cambio mi dirección?",
        "¿Cómo denuncio un fraude?",
        "blorp zzzq",
    ],
}


@pytest.mark.parametrize("live_open", [True, False])
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_assistant_gives_the_new_agency_s_numbers(
    family_benefits,
    knowledge_base,
    settings,
    language,
    live_open,
):
    settings.LIVE_HELP_ALWAYS_OPEN = live_open
    numbers = 0
    for question in QUESTIONS[language]:
        answer = assistant_ask(question=question, language=language)
        shown = " ".join([answer.answer, *(f"{x.label} {x.url}" for x in answer.links)])
        assert traces(shown) == [], question
        assert "{agency_" not in shown, question
        numbers += "555-01" in shown
    assert numbers >= len(QUESTIONS[language]) // 2


def _texts(value):
    """Every {en: ..., es: ...} text in a flow, wherever it sits."""
    if isinstance(value, dict):
        if set(value) == {"en", "es"} and all(isinstance(v, str) for v in value.values()):
            yield value
        else:
            for item in value.values():
                yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


@pytest.mark.parametrize("path", flow_files(), ids=lambda path: path.stem)
def test_every_phone_prompt_as_twiml_names_only_the_new_agency(family_benefits, path):
    flow = flow_parse(path.read_text(encoding="utf-8"), file=path.name)
    said_web = 0
    for texts in _texts(flow.as_dict()):
        for language in ("en", "es"):
            turn = Turn(prompts=(Prompt(texts[language], language),), state={}, hangup=True)
            spoken = twiml.render(turn, next_url="/ivr/next", reuse=True)
            assert traces(spoken) == [], texts[language]
            assert "{agency_" not in spoken
            said_web += "benefits.example.gov" in spoken
    assert said_web > 0
    goodbye = twiml.trouble(retry_url=None)
    assert traces(goodbye) == [] and "benefits.example.gov" in goodbye


@pytest.fixture
def office(db):
    return OfficeFactory(
        code="NYC", kind=OfficeKind.FIELD_OFFICE, name_en="Lakeland City Office",
        name_es="Oficina de Lakeland City", street="1 Main Street", city="Lakeland City",
        state="NY", zip_code="10278",
    )  # fmt: skip


def _sample(key: str) -> dict[str, str]:
    values = {
        ValueKind.REFERENCE_NUMBER: "3135577744",
        ValueKind.DATE: dt.date(2025, 3, 13),
        ValueKind.TIME: "14:30",
        ValueKind.OFFICE_CODE: "NYC",
        ValueKind.APPOINTMENT_REASON: "biometrics",
        ValueKind.SURVEY: "1",
    }
    raw = {name: values[kind] for name, kind in MESSAGES[key].values.items()}
    return context_clean(key=key, channel=sorted(MESSAGES[key].channels)[0], context=raw)


def test_every_message_names_only_the_new_agency(family_benefits, office):
    linked = 0
    for key, spec in MESSAGES.items():
        for channel in sorted(spec.channels):
            for language in LANGUAGES:
                message = message_render(
                    key=key, language=language, channel=channel, context=_sample(key)
                )
                text = f"{message.subject}\n{message.body}"
                assert traces(text) == [], (key, language, channel)
                assert "127.0.0.1" not in text, (key, language, channel)
                linked += "https://benefits.example.gov/" in text
    assert linked > 0
    for name in ("stopped", "started", "help"):
        assert traces(reply_render(name)) == []
    assert "800-555-0100" in reply_render("help")


def test_a_call_through_the_webhooks_names_only_the_new_agency(family_benefits, phone, night):
    """A whole call as the provider makes it: after hours on the main line, the caller hears
    the new agency's web address (in the engine's own words and the flow's)."""
    call = phone("main")
    call.run(["1", "4", "9"])
    said = " ".join(call.prompts())
    assert "benefits.example.gov" in said
    assert traces(said) == []
    spanish = phone("international")
    spanish.run(["2", "2", "9"])
    said = " ".join(spanish.prompts())
    assert "benefits.example.gov barra international" in said
    assert traces(said) == []
