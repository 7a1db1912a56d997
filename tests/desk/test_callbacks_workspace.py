"""The Tier 2 callbacks page in the workspace: "My work" on the left, the callbacks held in the
centre (confirmed first, then the most overdue) with the open one's number, reference and attempt
forms, and its person and case on the right, whose forms come back to the page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from contactcenter.inquiries.models import Inquiry
from contactcenter.inquiries.services import inquiry_escalate, inquiry_open
from contactcenter.routing.models import WorkItem, WorkKind
from contactcenter.routing.services import agent_ensure_for_user, work_item_reassign
from contactcenter.staff.models import Role
from tests.desk.conftest import GOOD_ANSWERS

pytestmark = pytest.mark.django_db


def _escalated(*, phone: str, urgency: str = "regular") -> Inquiry:
    inquiry = inquiry_open(channel="phone", language="en", contact_phone=phone)
    return inquiry_escalate(inquiry=inquiry, actor=None, reason="Card not received",
                            urgency=urgency)  # fmt: skip


def _held(user, *inquiries: Inquiry) -> list[WorkItem]:
    """The callbacks of ``inquiries`` given to ``user`` (as a supervisor would: one officer
    takes only one at a time), in that order."""
    agent = agent_ensure_for_user(user=user)
    items = [WorkItem.objects.get(inquiry=i, kind=WorkKind.CALLBACK) for i in inquiries]
    for item in items:
        work_item_reassign(item_id=item.pk, to_agent=agent)
    return [WorkItem.objects.get(pk=item.pk) for item in items]


def _references(content: str) -> list[str]:
    return re.findall(r'data-testid="callback-reference">(\d+)<', content)


def test_the_list_is_most_overdue_first_and_the_first_is_open(signed_in, queues, always_open):
    client, user = signed_in(Role.TIER2)
    # The regular one arrived first, but the urgent one is due sooner.
    regular = _escalated(phone="+14025550101")
    urgent = _escalated(phone="+14025550102", urgency="urgent")
    first, second = _held(user, urgent, regular)
    assert first.due_at < second.due_at

    page = client.get("/desk/callbacks/")
    content = page.content.decode()
    for pane in ("pane-work", "pane-contact", "pane-context"):
        assert f'data-testid="{pane}"' in content
    assert _references(content) == [urgent.reference_number, regular.reference_number]
    # Only the open callback shows the number to dial and the forms.
    assert content.count('data-testid="dial-number"') == 1
    assert 'href="tel:+14025550102"' in content and 'href="tel:+14025550101"' not in content
    assert re.search(r'data-testid="quote-reference">\s*' + urgent.reference_number, content)
    assert f'action="/desk/callbacks/{first.pk}/attempt/"' in content
    assert f'action="/desk/callbacks/{second.pk}/attempt/"' not in content
    assert f'href="/desk/callbacks/{second.pk}/"' in content
    # "My work" marks the open one, linking each callback held to this page.
    assert re.search(rf'href="/desk/callbacks/{first.pk}/"\s+aria-current="page"', content), (
        "the open callback is marked in My work"
    )
    # The right pane is the open inquiry's person and case: the identity check for now.
    assert f'action="/desk/inquiries/{urgent.reference_number}/identity/"' in content
    assert f'name="next" value="/desk/callbacks/{first.pk}/"' in content
    assert 'data-testid="actions"' in content
    # The centre resolves; the right pane does not offer escalating or a second callback.
    assert f"/desk/inquiries/{urgent.reference_number}/resolve/" not in content
    assert f"/desk/inquiries/{urgent.reference_number}/escalate/" not in content

    other = client.get(f"/desk/callbacks/{second.pk}/").content.decode()
    assert 'href="tel:+14025550101"' in other and 'href="tel:+14025550102"' not in other
    assert f'action="/desk/callbacks/{second.pk}/attempt/"' in other
    assert _references(other) == [urgent.reference_number, regular.reference_number]


def test_a_confirmed_callback_comes_first_and_an_overdue_one_is_marked(
    signed_in, queues, always_open
):
    client, user = signed_in(Role.TIER2)
    older = _escalated(phone="+14025550111")
    newer = _escalated(phone="+14025550112")
    first, second = _held(user, older, newer)
    WorkItem.objects.filter(pk=first.pk).update(due_at=timezone.now() - dt.timedelta(hours=2))
    content = client.get("/desk/callbacks/").content.decode()
    assert _references(content) == [older.reference_number, newer.reference_number]
    assert content.count('data-testid="overdue"') == 1
    WorkItem.objects.filter(pk=second.pk).update(confirmed_at=timezone.now())
    content = client.get("/desk/callbacks/").content.decode()
    assert _references(content) == [newer.reference_number, older.reference_number]
    assert "Confirmed by text" in content


def test_a_callback_not_held_goes_back_to_the_list(signed_in, queues, always_open, client):
    _client_a, user_a = signed_in(Role.TIER2)
    (item,) = _held(user_a, _escalated(phone="+14025550121"))
    client.logout()
    client_b, _b = signed_in(Role.TIER2)
    response = client_b.get(f"/desk/callbacks/{item.pk}/")
    assert response.status_code == 302 and response["Location"] == "/desk/callbacks/"
    page = client_b.get("/desk/callbacks/").content.decode()
    assert 'data-testid="no-callbacks"' in page and "+14025550121" not in page
    assert client_b.get("/desk/callbacks/999999/")["Location"] == "/desk/callbacks/"


def test_after_a_logged_attempt_the_same_callback_stays_open(signed_in, queues, always_open):
    client, user = signed_in(Role.TIER2)
    _first, second = _held(user, _escalated(phone="+14025550131"), _escalated(phone="+14025550132"))
    response = client.post(f"/desk/callbacks/{second.pk}/attempt/", {"outcome": "no_answer"})
    assert response["Location"] == f"/desk/callbacks/{second.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Call attempt logged." in page and 'href="tel:+14025550132"' in page


def test_the_identity_check_from_the_right_pane_returns_to_the_callback(
    signed_in, queues, always_open, case
):
    client, user = signed_in(Role.TIER2)
    inquiry = _escalated(phone="+14025550141")
    (item,) = _held(user, inquiry)
    back = f"/desk/callbacks/{item.pk}/"
    response = client.post(
        f"/desk/inquiries/{inquiry.reference_number}/identity/", {**GOOD_ANSWERS, "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    page = client.get(back).content.decode()
    assert "Identity verified: the caller is the applicant." in page
    assert 'data-testid="applicant">Ana Reyes<' in page
    assert 'data-testid="person-history"' in page
    # A ``next`` off the desk is ignored: back to the inquiry.
    note = client.post(f"/desk/inquiries/{inquiry.reference_number}/note/",
                       {"note-body": "Called", "next": "https://example.com/"})  # fmt: skip
    assert note["Location"] == f"/desk/inquiries/{inquiry.reference_number}/"


def test_the_inquiry_page_links_a_held_callback_to_its_place_on_the_callbacks_page(
    signed_in, queues, always_open
):
    client, user = signed_in(Role.TIER2)
    inquiry = _escalated(phone="+14025550151")
    (item,) = _held(user, inquiry)
    page = client.get(f"/desk/inquiries/{inquiry.reference_number}/").content.decode()
    assert re.search(rf'href="/desk/callbacks/{item.pk}/"\s+data-testid="callback-page"', page)


def test_the_page_in_spanish(signed_in, queues, always_open):
    client, user = signed_in(Role.TIER2)
    _held(user, _escalated(phone="+14025550161"))
    page = client.get("/desk/callbacks/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    expected = (
        "Mis devoluciones de llamada",
        "Número que debe marcar",
        "Número de referencia que debe indicar",
        "Registrar intento",
        "Persona y caso",
        "Primero las confirmadas por mensaje de texto, luego las más atrasadas.",
    )
    for text in expected:
        assert text in page, text
    assert "My callbacks" not in page and "Number to dial" not in page


def test_the_history_and_numbers_are_in_words(signed_in, queues, always_open):
    client, user = signed_in(Role.TIER2)
    _held(user, _escalated(phone="+14025550171"))
    english = client.get("/desk/callbacks/").content.decode()
    assert "Waiting for an agent → Escalated to Tier 2" in english
    assert "new → escalated" not in english and "<div>escalate</div>" not in english
    assert re.search(
        r'href="tel:\+14025550171" data-testid="dial-number">\(402\) 555-0171<', english
    )
    spanish = client.get("/desk/callbacks/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<div>Escalada al Nivel 2</div>" in spanish
    assert "En espera de un agente → Escalada al Nivel 2" in spanish
    assert "· Sistema" in spanish and "· system" not in spanish


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("+14045550187", "(404) 555-0187"), ("+525512345678", "+525512345678"), ("", "")],
)
def test_phone_display(stored, shown):
    from contactcenter.desk.templatetags.desk_words import phone_display

    assert phone_display(stored) == shown
