"""The desk's knowledge-base search: the assistant's published articles from its own index,
with a title, a snippet, the text and the public links, for desk staff only."""

from __future__ import annotations

import json

import pytest

from contactcenter.agency.selectors import agency_text
from contactcenter.assistant import services as assistant_services
from contactcenter.assistant.models import Article, ArticleState
from contactcenter.assistant.services import SNIPPET_CHARS, knowledge_index_reset
from contactcenter.staff.models import Role
from tests.assistant.conftest import knowledge_base  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index():
    knowledge_index_reset()
    yield
    knowledge_index_reset()


def _search(client, **params):
    response = client.get("/desk/knowledge/", params)
    return response.status_code, json.loads(response.content)


def test_an_agent_finds_the_article_with_its_snippet_text_and_public_link(signed_in, settings):
    settings.PUBLIC_BASE_URL = "https://help.example.gov/"
    client, _user = signed_in(Role.TIER1)
    status, body = _search(client, q="fee waiver", language="en")
    assert status == 200 and body["language"] == "en"
    first = body["results"][0]
    assert first["slug"] == "fees-and-waivers"
    article = assistant_services.knowledge_index().articles["fees-and-waivers"]
    assert first["title"] == article.title["en"]
    assert first["text"] == article.answer["en"]
    snippet = first["snippet"].rstrip("…")
    assert snippet and snippet in article.answer["en"]
    assert len(first["snippet"]) <= SNIPPET_CHARS + 1
    assert "fee" in first["snippet"].lower() or "waiver" in first["snippet"].lower()
    # The agency's number is a placeholder in the article, filled from its profile.
    assert first["links"] == [
        {"label": link.label["en"], "url": "https://help.example.gov" + link.url}
        if link.url.startswith("/")
        else {"label": link.label["en"], "url": agency_text(link.url, "en")}
        for link in article.links
    ]
    assert {"label": "Call with questions about fees", "url": "tel:+18003755283"} in first["links"]
    assert len(body["results"]) <= 5


def test_spanish_articles_for_a_spanish_search(signed_in):
    client, _user = signed_in(Role.TIER1)
    status, body = _search(client, q="cambio de dirección", language="es")
    assert status == 200 and body["language"] == "es"
    first = body["results"][0]
    assert first["slug"] == "change-address"
    article = assistant_services.knowledge_index().articles["change-address"]
    assert first["title"] == article.title["es"] and first["text"] == article.answer["es"]
    assert all(link["label"] for link in first["links"])


def test_the_page_language_is_used_when_none_is_given(signed_in):
    client, _user = signed_in(Role.TIER1)
    client.cookies["django_language"] = "es"
    status, body = _search(client, q="biometría")
    assert status == 200 and body["language"] == "es"


def test_other_agencies_business_is_never_listed(signed_in):
    client, _user = signed_in(Role.TIER1)
    status, body = _search(client, q="passport renewal", language="en")
    assert status == 200
    assert all(not result["slug"].startswith("outside:") for result in body["results"])
    assert _search(client, q="hello", language="en") == (200, {"language": "en", "results": []})


def test_only_published_articles_are_found(signed_in, knowledge_base):  # noqa: F811
    client, _user = signed_in(Role.TIER1)
    assert _search(client, q="fee waiver", language="en")[1]["results"][0]["slug"] == (
        "fees-and-waivers"
    )
    Article.objects.filter(slug="fees-and-waivers").update(state=ArticleState.DRAFT)
    knowledge_index_reset()
    slugs = [r["slug"] for r in _search(client, q="fee waiver", language="en")[1]["results"]]
    assert "fees-and-waivers" not in slugs


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"q": "", "language": "en"}, "Type a word or two to search the knowledge base."),
        ({"q": "   ", "language": "en"}, "Type a word or two to search the knowledge base."),
        ({"q": "x" * 201, "language": "en"}, "Keep the search under 200 characters."),
        ({"q": "fee\x00waiver", "language": "en"}, "control character"),
        ({"q": "fee waiver", "language": "fr"}, "The language must be en (English) or es"),
    ],
)
def test_bad_searches_are_refused_clearly(signed_in, params, said):
    client, _user = signed_in(Role.TIER1)
    status, body = _search(client, **params)
    assert status == 400
    assert body["code"] == "invalid_input" and said in body["message"]


@pytest.mark.parametrize("role", [Role.TIER1, Role.TIER2, Role.SUPERVISOR, Role.ADMIN])
def test_desk_staff_may_search(signed_in, role):
    client, _user = signed_in(role)
    assert _search(client, q="fee waiver", language="en")[0] == 200


def test_office_staff_and_the_public_may_not(client, signed_in):
    signed_out = client.get("/desk/knowledge/", {"q": "fee waiver"})
    assert signed_out.status_code == 302 and signed_out["Location"].startswith("/desk/login/")
    office_client, _user = signed_in(Role.OFFICE_STAFF)
    assert office_client.get("/desk/knowledge/", {"q": "fee waiver"}).status_code == 403


def test_the_inquiry_page_searches_in_the_persons_language(signed_in, queued_call, always_open):
    from contactcenter.desk.services import desk_offer_accept, desk_presence_set
    from contactcenter.routing.services import agent_ensure_for_user

    client, user = signed_in(Role.TIER1, languages="en,es")
    item = queued_call(language="es")
    agent = agent_ensure_for_user(user=user)
    assert desk_presence_set(agent=agent, presence="available").pk == item.pk
    desk_offer_accept(agent=agent, item_id=item.pk)
    page = client.get(f"/desk/inquiries/{item.inquiry.reference_number}/").content.decode()
    assert '<details class="desk-tool" data-reply-tool="knowledge"' in page
    assert 'action="/desk/knowledge/"' in page
    assert '<option value="es" selected>' in page
