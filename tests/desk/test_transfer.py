"""Warm and cold transfer: to a queue or a named colleague, from the inquiry page and through
the routing services, with every refusal changing nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from contactcenter.chat.models import Conversation, ConversationState
from contactcenter.core.domain_events import ContactEventKind
from contactcenter.desk.services import desk_offer_accept, desk_presence_set
from contactcenter.inquiries.models import EventKind, InquiryEvent
from contactcenter.inquiries.services import inquiry_open, inquiry_resolve
from contactcenter.routing.models import (
    Agent,
    Offer,
    OfferOutcome,
    Presence,
    Queue,
    WorkItem,
    WorkKind,
    WorkState,
)
from contactcenter.routing.services import (
    RoutingError,
    agent_ensure_for_user,
    work_item_accept,
    work_item_decline,
    work_item_offer_next,
    work_item_transfer,
    work_item_transfer_cancel,
    work_items_expire_offers,
)
from contactcenter.staff.models import Role
from tests.contact_events import PERSONAL_DATA

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def working(signed_in, held_call):
    """A Tier 1 agent signed in and holding a call; returns (client, user, item, url)."""
    client, user = signed_in(Role.TIER1, first_name="Sam")
    item = held_call(user)
    return client, user, item, f"/desk/inquiries/{item.inquiry.reference_number}/"


@pytest.fixture
def colleague(staff):
    """Another Tier 1 agent at the desk (available, English and Spanish)."""

    def make(*, presence: str = Presence.AVAILABLE, languages: str = "en,es") -> Agent:
        agent = agent_ensure_for_user(user=staff(Role.TIER1, languages=languages))
        agent.presence = presence
        agent.save(update_fields=["presence"])
        return agent

    return make


def spanish_queue() -> Queue:
    return Queue.objects.get(code="t1-general-es")


def transfer_post(client, url, **fields):
    data = {f"transfer-{name}": value for name, value in fields.items()}
    return client.post(url + "transfer/", data, follow=True)


def state_of(*items: WorkItem) -> list[tuple]:
    rows = []
    for item in items:
        item.refresh_from_db()
        rows.append((item.pk, item.state, item.assigned_to_id, item.offered_to_id))
    return rows


# --- cold ---------------------------------------------------------------------------------


def test_cold_transfer_to_a_queue_keeps_the_persons_place(working, contact_events):
    client, user, item, url = working
    with contact_events.committed():
        response = transfer_post(
            client, url, target=f"queue:{spanish_queue().pk}", mode="cold", note=""
        )
    assert "Transferred. The contact is no longer yours." in messages_of(response)
    item.refresh_from_db()
    assert item.state == WorkState.DONE
    new = WorkItem.objects.get(transferred_from=item)
    assert new.state == WorkState.QUEUED and new.queue == spanish_queue()
    assert new.enqueued_at == item.enqueued_at  # not a newcomer at the back of the line
    assert (new.language, new.tier, new.kind) == ("es", "tier1", WorkKind.CALL)
    assert new.transfer_mode == "cold"
    # The sender is done with it: on to wrap-up, and the page no longer offers actions.
    assert Agent.objects.get(user=user).presence == Presence.WRAP_UP
    assert b'data-testid="transfer"' not in client.get(url).content
    event = contact_events.one(ContactEventKind.TRANSFERRED, work_item_id=item.pk)
    assert event.detail["mode"] == "cold" and event.detail["to"] == "queue"
    assert event.detail["step"] == "done" and event.detail["to_queue_id"] == new.queue_id
    assert contact_events.one(ContactEventKind.QUEUED, work_item_id=new.pk)
    action = InquiryEvent.objects.get(inquiry=item.inquiry, kind=EventKind.ACTION,
                                      data__action="transfer")  # fmt: skip
    assert action.data == {"action": "transfer", "mode": "cold", "to": "queue",
                           "target": "t1-general-es"}  # fmt: skip


def test_events_carry_codes_and_ids_only(working, colleague, contact_events):
    client, _user, _item, url = working
    other = colleague()
    with contact_events.committed():
        transfer_post(client, url, target=f"agent:{other.pk}", mode="warm",
                      note="Caller +14025550142 asks about LIN2412345678")  # fmt: skip
    # Each event's own id (a random UUID, whose digits can look like a phone number) aside.
    dumped = json.dumps(
        [{k: v for k, v in event.as_dict().items() if k != "id"} for event in contact_events]
    )
    for kind, pattern in PERSONAL_DATA.items():
        assert not pattern.search(dumped), kind
    assert "asks about" not in dumped


def test_cold_transfer_to_a_colleague_is_offered_with_the_note(working, colleague):
    client, _user, item, url = working
    other = colleague()
    transfer_post(client, url, target=f"agent:{other.pk}", mode="cold", note="Needs Spanish.")
    new = WorkItem.objects.get(transferred_from=item)
    assert new.state == WorkState.OFFERED and new.offered_to == other
    assert new.transfer_note == "Needs Spanish." and new.transfer_agent == other
    assert Offer.objects.get(item=new).agent == other
    # The note is kept on the inquiry as an internal note, too.
    note = InquiryEvent.objects.get(inquiry=item.inquiry, kind=EventKind.NOTE)
    assert note.body == "Needs Spanish." and note.data == {"transfer": "cold"}
    # The colleague sees who sent it and the note on the offer.
    from django.test import Client

    theirs = Client()
    theirs.force_login(other.user)
    home = theirs.get("/desk/").content.decode()
    assert 'data-testid="offer-transfer"' in home
    assert "Cold transfer" in home and "from Sam" in home
    assert "Needs Spanish." in home


def test_a_declined_cold_transfer_waits_in_line_with_its_first_arrival(working, colleague):
    _client, _user, item, _url = working
    other = colleague()
    new = work_item_transfer(agent=item.assigned_to, item_id=item.pk, mode="cold", to_agent=other)
    work_item_decline(agent=other, item_id=new.pk)
    new.refresh_from_db()
    assert new.state == WorkState.QUEUED and new.queue_id == item.queue_id
    assert new.enqueued_at == item.enqueued_at


# --- warm ---------------------------------------------------------------------------------


def test_warm_transfer_needs_a_note_and_changes_nothing_without_one(working, colleague):
    client, _user, item, url = working
    other = colleague()
    response = transfer_post(client, url, target=f"agent:{other.pk}", mode="warm", note="  ")
    assert "A warm transfer needs a note for the colleague who takes it." in messages_of(response)
    assert not WorkItem.objects.filter(transferred_from=item).exists()
    assert state_of(item)[0][:3] == (item.pk, WorkState.ASSIGNED, item.assigned_to_id)
    with pytest.raises(Exception, match="needs a note"):
        work_item_transfer(agent=item.assigned_to, item_id=item.pk, mode="warm", to_agent=other)


def test_warm_transfer_keeps_the_contact_until_the_colleague_accepts(
    working, colleague, contact_events
):
    client, user, item, url = working
    other = colleague()
    with contact_events.committed():
        response = transfer_post(client, url, target=f"agent:{other.pk}", mode="warm",
                                 note="Verified; wants the I-90 status.")  # fmt: skip
    assert any("Warm transfer requested" in m for m in messages_of(response))
    new = WorkItem.objects.get(transferred_from=item)
    item.refresh_from_db()
    assert item.state == WorkState.ASSIGNED  # still the sender's
    assert Agent.objects.get(user=user).presence == Presence.BUSY
    page = client.get(url).content.decode()
    assert 'data-testid="transfer-pending"' in page and 'data-testid="transfer-cancel"' in page
    requested = contact_events.one(ContactEventKind.TRANSFERRED, work_item_id=item.pk)
    assert requested.detail["step"] == "requested" and requested.detail["to"] == "agent"
    assert requested.detail["to_user_id"] == other.user_id
    with contact_events.committed():
        desk_offer_accept(agent=other, item_id=new.pk)
    item.refresh_from_db()
    new.refresh_from_db()
    assert item.state == WorkState.DONE and new.state == WorkState.ASSIGNED
    assert new.assigned_to == other
    assert Agent.objects.get(user=user).presence == Presence.WRAP_UP
    done = [e for e in contact_events.matching(kind=ContactEventKind.TRANSFERRED)
            if e.detail["step"] == "done"]  # fmt: skip
    assert len(done) == 1 and done[0].detail["mode"] == "warm"
    assert "You are not working this inquiry any more" in client.get(url).content.decode()


def test_warm_transfer_to_a_queue_is_taken_by_whoever_is_offered_it(working, colleague):
    _client, _user, item, _url = working
    sender = item.assigned_to
    new = work_item_transfer(agent=sender, item_id=item.pk, mode="warm",
                             to_queue=spanish_queue(), note="Prefers Spanish.")  # fmt: skip
    assert new.state == WorkState.QUEUED and new.enqueued_at == item.enqueued_at
    other = colleague()
    offered = work_item_offer_next(agent=other)
    assert offered is not None and offered.pk == new.pk
    work_item_accept(agent=other, item_id=new.pk)
    item.refresh_from_db()
    assert item.state == WorkState.DONE


def test_the_sender_can_cancel_a_warm_transfer_before_it_is_accepted(
    working, colleague, contact_events
):
    client, _user, item, url = working
    other = colleague()
    transfer_post(client, url, target=f"agent:{other.pk}", mode="warm", note="Over to you.")
    new = WorkItem.objects.get(transferred_from=item)
    with contact_events.committed():
        response = client.post(url + "transfer-cancel/", follow=True)
    assert "Transfer cancelled. The contact stays with you." in messages_of(response)
    new.refresh_from_db()
    item.refresh_from_db()
    assert new.state == WorkState.CANCELLED and new.offered_to is None
    assert Offer.objects.get(item=new).outcome == OfferOutcome.CANCELLED
    assert item.state == WorkState.ASSIGNED
    ended = contact_events.one(ContactEventKind.TRANSFERRED, work_item_id=item.pk)
    assert ended.detail["step"] == "cancelled"
    assert InquiryEvent.objects.filter(inquiry=item.inquiry,
                                       data__action="transfer_cancelled").exists()  # fmt: skip
    # Cancelled already, and the colleague's accept comes too late.
    again = client.post(url + "transfer-cancel/", follow=True)
    assert "No transfer of this contact is waiting to be accepted." in messages_of(again)
    with pytest.raises(RoutingError):
        work_item_accept(agent=other, item_id=new.pk)
    # A new transfer may follow.
    response = transfer_post(client, url, target=f"agent:{other.pk}", mode="warm", note="Again.")
    assert WorkItem.objects.filter(transferred_from=item, state=WorkState.OFFERED).count() == 1


def test_cancel_after_acceptance_is_refused(working, colleague):
    _client, _user, item, _url = working
    sender = item.assigned_to
    other = colleague()
    new = work_item_transfer(agent=sender, item_id=item.pk, mode="warm", to_agent=other,
                             note="Over to you.")  # fmt: skip
    work_item_accept(agent=other, item_id=new.pk)
    with pytest.raises(RoutingError, match="Only the agent holding"):
        work_item_transfer_cancel(agent=sender, item_id=item.pk)
    new.refresh_from_db()
    assert new.state == WorkState.ASSIGNED


@pytest.mark.parametrize("how", ["declined", "timed_out"])
def test_a_warm_transfer_the_colleague_does_not_take_stays_with_the_sender(
    working, colleague, contact_events, how
):
    _client, _user, item, _url = working
    other = colleague()
    new = work_item_transfer(agent=item.assigned_to, item_id=item.pk, mode="warm",
                             to_agent=other, note="Over to you.")  # fmt: skip
    with contact_events.committed():
        if how == "declined":
            work_item_decline(agent=other, item_id=new.pk)
        else:
            work_items_expire_offers(now=timezone.now() + dt.timedelta(minutes=5))
    new.refresh_from_db()
    item.refresh_from_db()
    assert new.state == WorkState.CANCELLED  # not left in line for someone else
    assert item.state == WorkState.ASSIGNED
    assert Offer.objects.get(item=new).outcome == how
    ended = contact_events.one(ContactEventKind.TRANSFERRED, work_item_id=item.pk)
    assert ended.detail["step"] == how


# --- refusals -------------------------------------------------------------------------------


def test_transfer_to_yourself_is_refused(working):
    client, _user, item, url = working
    response = transfer_post(client, url, target=f"agent:{item.assigned_to_id}", mode="cold")
    assert "You cannot transfer a contact to yourself." in messages_of(response)
    assert state_of(item)[0][1] == WorkState.ASSIGNED
    assert not WorkItem.objects.filter(transferred_from=item).exists()


def test_transfer_to_the_same_queue_is_refused(working):
    client, _user, item, url = working
    response = transfer_post(client, url, target=f"queue:{item.queue_id}", mode="cold")
    assert (
        "The contact is already in that queue; choose another queue or a named agent."
        in messages_of(response)
    )
    assert not WorkItem.objects.filter(transferred_from=item).exists()
    assert not InquiryEvent.objects.filter(inquiry=item.inquiry, data__action="transfer").exists()


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"languages": ["es"]}, "That agent does not take contacts in this language."),
        ({"capacity": {"chat": 3}}, "That agent does not take contacts on this channel."),
        ({"tiers": ["tier2"]}, "That agent does not work this tier."),
        ({"presence": Presence.AWAY}, "That agent is not at the desk now."),
        ({"presence": Presence.OFFLINE}, "That agent is not at the desk now."),
    ],
)
def test_transfer_to_an_agent_who_cannot_take_it_is_refused(working, colleague, change, said):
    client, _user, item, url = working
    other = colleague()
    for name, value in change.items():
        setattr(other, name, value)
    other.save()
    response = transfer_post(client, url, target=f"agent:{other.pk}", mode="cold")
    assert said in messages_of(response)
    assert state_of(item)[0][1] == WorkState.ASSIGNED
    assert not WorkItem.objects.filter(transferred_from=item).exists()


def test_transfer_to_an_agent_without_room_is_refused(working, colleague, queued_call):
    _client, _user, item, _url = working
    other = colleague()
    busy_with = queued_call()
    offered = work_item_offer_next(agent=other)
    assert offered is not None and offered.pk == busy_with.pk
    with pytest.raises(RoutingError, match="no room"):
        work_item_transfer(agent=item.assigned_to, item_id=item.pk, mode="cold", to_agent=other)


def test_a_queue_that_cannot_take_the_channel_or_tier2_is_refused(working):
    _client, _user, item, _url = working
    adoption = Queue.objects.get(code="t1-intercountry-adoption")
    adoption.channels = ["email"]
    adoption.save()
    with pytest.raises(RoutingError, match="does not take contacts on this channel"):
        work_item_transfer(agent=item.assigned_to, item_id=item.pk, mode="cold",
                           to_queue=adoption)  # fmt: skip
    with pytest.raises(RoutingError, match="Tier 2 queues take callbacks only"):
        work_item_transfer(agent=item.assigned_to, item_id=item.pk, mode="cold",
                           to_queue=Queue.objects.get(code="t2-callbacks-en"))  # fmt: skip
    assert not WorkItem.objects.filter(transferred_from=item).exists()


def test_a_second_transfer_while_one_is_pending_is_refused(working, colleague):
    client, _user, item, url = working
    other = colleague()
    transfer_post(client, url, target=f"agent:{other.pk}", mode="warm", note="First.")
    response = transfer_post(client, url, target=f"queue:{spanish_queue().pk}", mode="cold")
    assert "This contact is already being transferred; cancel that transfer first." in messages_of(
        response
    )
    assert WorkItem.objects.filter(transferred_from=item).count() == 1
    assert state_of(item)[0][1] == WorkState.ASSIGNED


def test_a_closed_inquiry_cannot_be_transferred(working, colleague):
    _client, user, item, _url = working
    other = colleague()
    inquiry_resolve(inquiry=item.inquiry, actor=user, disposition="resolved_first_contact")
    # Even with an item still marked as held, the routing service refuses on its own.
    with pytest.raises(RoutingError, match="A closed inquiry cannot be transferred"):
        work_item_transfer(agent=item.assigned_to, item_id=item.pk, mode="cold", to_agent=other)
    assert not WorkItem.objects.filter(transferred_from=item).exists()


def test_only_the_holder_can_transfer(working, colleague):
    _client, _user, item, _url = working
    other = colleague()
    with pytest.raises(RoutingError, match="Only the agent holding this contact"):
        work_item_transfer(agent=other, item_id=item.pk, mode="cold", to_queue=spanish_queue())


def test_bad_form_input_is_refused(working):
    client, _user, item, url = working
    response = transfer_post(client, url, target="queue:abc", mode="cold")
    assert any("Choose a queue or a colleague from the list." in m for m in messages_of(response))
    response = transfer_post(client, url, target="queue:999999", mode="cold")
    assert "Choose a queue from the list." in messages_of(response)
    response = transfer_post(client, url, target=f"queue:{spanish_queue().pk}", mode="hot")
    assert any("Kind of transfer" in m for m in messages_of(response))
    assert not WorkItem.objects.filter(transferred_from=item).exists()


# --- the page and the person ------------------------------------------------------------------


def test_the_page_offers_the_tool_with_its_shortcut_and_only_fitting_targets(working, colleague):
    client, _user, _item, url = working
    fits = colleague()
    cannot = colleague(languages="es")
    away = colleague(presence=Presence.AWAY)
    page = client.get(url).content.decode()
    assert '<details class="desk-tool' in page and 'data-shortcut="alt+t"' in page
    assert f'value="queue:{spanish_queue().pk}"' in page
    assert f'value="agent:{fits.pk}"' in page
    assert f'value="agent:{cannot.pk}"' not in page and f'value="agent:{away.pk}"' not in page
    assert 'value="queue:' + str(Queue.objects.get(code="t2-callbacks-en").pk) not in page


def test_the_page_is_in_spanish_too(working, colleague):
    client, _user, _item, url = working
    colleague()
    client.cookies.load({"django_language": "es"})
    page = client.get(url).content.decode()
    assert "Tipo de transferencia" in page and "Colegas en su puesto" in page
    assert "Nivel 1 general, español" in page  # queue names in the page's language


def test_a_person_in_live_chat_is_told_they_are_being_transferred(
    signed_in, colleague, queues, always_open, contact_events
):
    client, user = signed_in(Role.TIER1)
    inquiry = inquiry_open(channel="chat")
    conversation = Conversation.objects.create(
        token_digest="a" * 64, state=ConversationState.WAITING, inquiry=inquiry
    )
    from contactcenter.routing.services import QueueChoice, queue_for, work_item_enqueue

    queue = queue_for(QueueChoice(tier="tier1", language="en", channel="chat"))
    item = work_item_enqueue(inquiry=inquiry, kind=WorkKind.CHAT, queue=queue)
    agent = agent_ensure_for_user(user=user)
    with contact_events.committed():
        desk_presence_set(agent=agent, presence="available")
        desk_offer_accept(agent=agent, item_id=item.pk)
    other = colleague()
    url = f"/desk/inquiries/{inquiry.reference_number}/"
    with contact_events.committed():
        transfer_post(client, url, target=f"agent:{other.pk}", mode="warm", note="Over to you.")
    assert conversation.messages.filter(notice="transferring").count() == 1
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.ACTIVE  # the sender is still with them


def test_the_tools_list_drawn_again_has_who_came_to_the_desk_since(working, colleague, signed_in):
    client, _user, _item, url = working
    page = client.get(url).content.decode()
    later = colleague()  # came to the desk after the page was drawn
    assert f'value="agent:{later.pk}"' not in page
    assert f'data-transfer-targets="{url}transfer-targets/"' in page
    listed = client.get(url + "transfer-targets/")
    assert listed.status_code == 200
    body = listed.content.decode()
    assert body.lstrip().startswith("<select") and 'name="transfer-target"' in body
    assert f'value="agent:{later.pk}"' in body
    assert f'value="queue:{spanish_queue().pk}"' in body
    later.presence = Presence.AWAY  # and gone again
    later.save(update_fields=["presence"])
    assert f'value="agent:{later.pk}"' not in client.get(url + "transfer-targets/").content.decode()

    assert client.get("/desk/inquiries/0000000000/transfer-targets/").status_code == 404
    # Only the one who holds the contact gets the list; to anyone else it does not exist.
    outsider, _ = signed_in(Role.TIER1)  # the test's client, signed in as someone else
    assert outsider.get(url + "transfer-targets/").status_code == 404
