import datetime as dt

import pytest

from contactcenter.core.domain_events import ContactEventKind
from contactcenter.inquiries.services import inquiry_open
from contactcenter.routing.models import Offer, OfferOutcome, Presence, Queue, WorkItem, WorkState
from contactcenter.routing.services import (
    NoQueue,
    QueueChoice,
    RoutingError,
    queue_for,
    work_item_accept,
    work_item_claim,
    work_item_complete,
    work_item_decline,
    work_item_enqueue,
    work_item_offer_next,
    work_items_expire_offers,
)

MONDAY_10AM = (2026, 11, 23, 10, 0)
SUNDAY_10AM = (2026, 11, 22, 10, 0)


def enqueue(code, *, kind="call", channel="phone", enqueued_at=None, urgent=False, language="en"):
    inquiry = inquiry_open(channel=channel, language=language)
    return work_item_enqueue(
        inquiry=inquiry,
        kind=kind,
        queue=Queue.objects.get(code=code),
        channel=channel,
        enqueued_at=enqueued_at,
        urgent=urgent,
    )


def test_queue_choice_by_tier_language_skill(queues):
    assert queue_for(QueueChoice(tier="tier1", language="es", channel="chat")).code == (
        "t1-general-es"
    )
    assert queue_for(QueueChoice(tier="tier1", language="en", channel="phone", skill="adoption"))
    assert (
        queue_for(QueueChoice(tier="tier1", language="en", channel="phone", skill="adoption")).code
        == "t1-intercountry-adoption"
    )
    assert queue_for(QueueChoice(tier="tier2", language="es", channel="phone")).code == (
        "t2-callbacks-es"
    )
    with pytest.raises(NoQueue):
        queue_for(QueueChoice(tier="tier2", language="en", channel="fax"))


def test_oldest_of_highest_priority_goes_first(queues, make_agent, at):
    agent = make_agent(capacity={"phone": 5})
    old = enqueue("t1-general-en", enqueued_at=at(2026, 11, 23, 9, 0))
    new = enqueue("t1-general-en", enqueued_at=at(2026, 11, 23, 9, 30))
    urgent_newer = enqueue("t1-general-en", enqueued_at=at(2026, 11, 23, 9, 45), urgent=True)
    now = at(*MONDAY_10AM)
    order = [work_item_claim(agent=agent, now=now) for _ in range(3)]
    assert [item.pk for item in order] == [urgent_newer.pk, old.pk, new.pk]
    assert work_item_claim(agent=agent, now=now) is None


def test_only_eligible_agents_get_items(queues, make_agent, at):
    spanish = enqueue("t1-general-es", language="es")
    english_only = make_agent(languages=["en"])
    tier2 = make_agent(tiers=["tier2"], languages=["es"])
    bilingual = make_agent(languages=["en", "es"])
    now = at(*MONDAY_10AM)
    assert work_item_offer_next(agent=english_only, now=now) is None
    assert work_item_offer_next(agent=tier2, now=now) is None
    assert work_item_offer_next(agent=bilingual, now=now).pk == spanish.pk


def test_skill_queues_need_the_skill(queues, make_agent, at):
    enqueue("t1-intercountry-adoption")
    plain = make_agent()
    skilled = make_agent(skills=["adoption"])
    now = at(*MONDAY_10AM)
    assert work_item_offer_next(agent=plain, now=now) is None
    assert work_item_offer_next(agent=skilled, now=now) is not None


def test_capacity_per_channel(queues, make_agent, at):
    agent = make_agent(capacity={"phone": 1, "chat": 2})
    for _ in range(2):
        enqueue("t1-general-en")
    for _ in range(3):
        enqueue("t1-general-en", kind="chat", channel="chat")
    now = at(*MONDAY_10AM)
    taken = [work_item_claim(agent=agent, now=now) for _ in range(5)]
    channels = sorted(item.channel for item in taken if item)
    assert channels == ["chat", "chat", "phone"]


def test_offer_accept_complete(queues, make_agent, at):
    item = enqueue("t1-general-en")
    agent = make_agent()
    now = at(*MONDAY_10AM)
    offered = work_item_offer_next(agent=agent, now=now)
    assert offered.pk == item.pk and offered.state == WorkState.OFFERED
    other = make_agent()
    with pytest.raises(RoutingError):
        work_item_accept(agent=other, item_id=item.pk, now=now)
    accepted = work_item_accept(agent=agent, item_id=item.pk, now=now + dt.timedelta(seconds=5))
    assert accepted.state == WorkState.ASSIGNED and accepted.assigned_to == agent
    assert Offer.objects.get(item=item).outcome == OfferOutcome.ACCEPTED
    done = work_item_complete(agent=agent, item_id=item.pk)
    assert done.state == WorkState.DONE


def test_offer_times_out_and_goes_to_the_next_agent(queues, make_agent, at):
    item = enqueue("t1-general-en")
    first, second = make_agent(), make_agent()
    now = at(*MONDAY_10AM)
    assert work_item_offer_next(agent=first, now=now).pk == item.pk
    # Nothing else to offer the second agent while the item is out with the first.
    assert work_item_offer_next(agent=second, now=now) is None
    later = now + dt.timedelta(seconds=31)
    with pytest.raises(RoutingError, match="expired"):
        work_item_accept(agent=first, item_id=item.pk, now=later)
    assert work_items_expire_offers(now=later) == 1
    first.refresh_from_db()
    assert first.presence == Presence.AWAY
    assert first.presence_history.last().reason == "missed offer"
    assert work_item_offer_next(agent=first, now=later) is None
    assert work_item_offer_next(agent=second, now=later).pk == item.pk
    outcomes = list(Offer.objects.filter(item=item).values_list("outcome", flat=True))
    assert outcomes == [OfferOutcome.TIMED_OUT, OfferOutcome.PENDING]


def test_decline_returns_the_item(queues, make_agent, at):
    item = enqueue("t1-general-en")
    agent = make_agent()
    now = at(*MONDAY_10AM)
    work_item_offer_next(agent=agent, now=now)
    work_item_decline(agent=agent, item_id=item.pk, now=now)
    item.refresh_from_db()
    assert item.state == WorkState.QUEUED and item.offered_to is None


def test_outside_live_hours_work_queues_but_is_not_offered(queues, make_agent, at):
    enqueue("t1-general-en")
    agent = make_agent()
    assert work_item_offer_next(agent=agent, now=at(*SUNDAY_10AM)) is None
    assert work_item_offer_next(agent=agent, now=at(2026, 11, 26, 12, 0)) is None  # Thanksgiving
    assert WorkItem.objects.filter(state=WorkState.QUEUED).count() == 1
    assert work_item_offer_next(agent=agent, now=at(*MONDAY_10AM)) is not None


def test_unavailable_agents_get_nothing(queues, make_agent, at):
    enqueue("t1-general-en")
    for presence in (Presence.AWAY, Presence.OFFLINE, Presence.BUSY, Presence.WRAP_UP):
        assert (
            work_item_offer_next(agent=make_agent(presence=presence), now=at(*MONDAY_10AM)) is None
        )


def test_not_before_holds_an_item(queues, make_agent, at):
    inquiry = inquiry_open(channel="phone")
    work_item_enqueue(
        inquiry=inquiry,
        kind="callback",
        queue=Queue.objects.get(code="t1-general-en"),
        not_before=at(2026, 11, 23, 14, 0),
    )
    agent = make_agent()
    assert work_item_claim(agent=agent, now=at(*MONDAY_10AM)) is None
    assert work_item_claim(agent=agent, now=at(2026, 11, 23, 14, 0)) is not None


def test_overdue_items_are_flagged_once_and_reported(queues, at, contact_events):
    from contactcenter.routing.services import work_items_flag_overdue

    inquiry = inquiry_open(channel="phone")
    item = work_item_enqueue(
        inquiry=inquiry, kind="callback", queue=Queue.objects.get(code="t2-callbacks-en"),
        due_at=at(2026, 11, 24, 20, 0),
    )  # fmt: skip
    with contact_events.committed():
        assert work_items_flag_overdue(now=at(2026, 11, 24, 19, 0)) == 0
        assert work_items_flag_overdue(now=at(2026, 11, 25, 9, 0)) == 1
        assert work_items_flag_overdue(now=at(2026, 11, 25, 10, 0)) == 0
    item.refresh_from_db()
    assert item.breached_at == at(2026, 11, 25, 9, 0)
    overdue = contact_events.one(ContactEventKind.OVERDUE)
    assert overdue.work_item_id == item.pk and overdue.detail["overdue_seconds"] == 13 * 3600


def test_agent_profile_follows_roles(db):
    from django.contrib.auth.models import Group, User

    from contactcenter.routing.services import agent_ensure_for_user
    from contactcenter.staff.models import StaffProfile

    tier2 = User.objects.create_user(username="officer")
    tier2.groups.add(Group.objects.get(name="tier2"))
    StaffProfile.objects.create(user=tier2, languages="en,es")
    agent = agent_ensure_for_user(user=tier2)
    assert agent.tiers == ["tier2"] and agent.languages == ["en", "es"]
    assert agent_ensure_for_user(user=tier2).pk == agent.pk
    stranger = User.objects.create_user(username="public")
    with pytest.raises(RoutingError):
        agent_ensure_for_user(user=stranger)
