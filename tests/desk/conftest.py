"""Fixtures for the agent desktop: staff who can sign in, queued work, cases with known
answers. Data is built through the services and tests/factories.py."""

from __future__ import annotations

import datetime as dt

import pytest

from contactcenter.inquiries.services import inquiry_open
from contactcenter.routing.models import QueueTier, WorkKind
from contactcenter.routing.services import (
    QueueChoice,
    agent_ensure_for_user,
    queue_for,
    work_item_enqueue,
)
from tests.browser import live_server, sign_in, web_settings
from tests.factories import PASSWORD, CaseFactory, PersonFactory

__all__ = ["PASSWORD"]  # the desk's tests sign in with it


@pytest.fixture(autouse=True)
def _web_settings(settings):
    web_settings(settings)


@pytest.fixture
def desk_live_server(transactional_db, _web_settings):
    """pytest-django's WSGI live server, for the desk's browser tests."""
    with live_server() as server:
        yield server


@pytest.fixture
def page_for(browser):
    """``page_for(base_url, username)``: a page in a browser context of its own, signed in."""
    contexts = []

    def make(base_url: str, username: str):
        context = browser.new_context(base_url=base_url)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, username)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def signed_in(client, staff):
    """A client signed in as a new member of staff in ``role``; returns (client, user)."""

    def make(role: str, **kwargs):
        user = staff(role, **kwargs)
        client.force_login(user)
        return client, user

    return make


@pytest.fixture
def case(db):
    """A case whose applicant's answers the tests know."""
    applicant = PersonFactory(
        given_name="Ana", family_name="Reyes", date_of_birth=dt.date(1985, 3, 14),
        a_number="A012345678", zip_code="68508",
    )  # fmt: skip
    return CaseFactory(receipt_number="LIN2412345678", applicant=applicant)


GOOD_ANSWERS = {
    "identity-receipt_number": "LIN-24-12345678",
    "identity-claimed_as": "applicant",
    "identity-date_of_birth": "1985-03-14",
    "identity-zip_code": "68508",
    "identity-a_number_last4": "5678",
}


@pytest.fixture
def queued_call(queues):
    """A phone call waiting in the English Tier 1 queue."""

    def make(*, language: str = "en", contact_phone: str = "+14025550142"):
        inquiry = inquiry_open(channel="phone", language=language, contact_phone=contact_phone)
        queue = queue_for(QueueChoice(tier=QueueTier.TIER1, language=language, channel="phone"))
        return work_item_enqueue(inquiry=inquiry, kind=WorkKind.CALL, queue=queue)

    return make


@pytest.fixture
def held_call(queued_call, always_open):
    """A new call accepted by ``user`` through the desk's own services; returns the item.

    Call it before queueing other calls: the oldest waiting item is the one offered."""
    from contactcenter.desk.services import desk_offer_accept, desk_presence_set

    def make(user):
        item = queued_call()
        agent = agent_ensure_for_user(user=user)
        offered = desk_presence_set(agent=agent, presence="available")
        assert offered is not None and offered.pk == item.pk, "older calls were waiting"
        return desk_offer_accept(agent=agent, item_id=item.pk)

    return make


@pytest.fixture
def held_chat(queues, always_open):
    """A chat with two messages from the person, accepted by ``user`` through the desk's own
    services; returns the item."""
    from contactcenter.desk.services import desk_offer_accept, desk_presence_set
    from contactcenter.inquiries.services import inquiry_add_message

    def make(user):
        inquiry = inquiry_open(channel="chat", language="en")
        inquiry_add_message(inquiry=inquiry, body="Hello, my card never arrived.")
        inquiry_add_message(inquiry=inquiry, body="My date of birth is 03/14/1985.")
        queue = queue_for(QueueChoice(tier=QueueTier.TIER1, language="en", channel="chat"))
        item = work_item_enqueue(inquiry=inquiry, kind=WorkKind.CHAT, queue=queue)
        agent = agent_ensure_for_user(user=user)
        offered = desk_presence_set(agent=agent, presence="available")
        assert offered is not None and offered.pk == item.pk, "older work was waiting"
        return desk_offer_accept(agent=agent, item_id=item.pk)

    return make
