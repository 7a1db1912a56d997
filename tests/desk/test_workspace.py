"""The desk's one workspace: three panes on every page of work, the centre by channel, the
left pane's offer and items held, and keyboard shortcuts carried by the elements they act on."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from contactcenter.inquiries.services import inquiry_add_message, inquiry_escalate, inquiry_open
from contactcenter.ivr.models import Call
from contactcenter.routing.models import Presence
from contactcenter.routing.services import agent_ensure_for_user
from contactcenter.staff.models import Role
from tests.ivr.conftest import ivr, phone  # noqa: F401 (the phone line's fixtures)

pytestmark = pytest.mark.django_db


class _Shortcuts(HTMLParser):
    """Every element's data-shortcut, with its label, and the panes, in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.shortcuts: list[tuple[str, str, str]] = []  # key, label, tag
        self.panes: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if "data-shortcut" in found:
            label = found.get("data-shortcut-label") or ""
            self.shortcuts.append((found["data-shortcut"] or "", label, tag))
        if (found.get("data-testid") or "").startswith("pane-"):
            self.panes.append(found["data-testid"] or "")


def parsed(response) -> _Shortcuts:
    parser = _Shortcuts()
    parser.feed(response.content.decode())
    return parser


def keys_of(response) -> set[str]:
    shortcuts = parsed(response).shortcuts
    keys = [key for key, _label, _tag in shortcuts]
    assert len(keys) == len(set(keys)), f"a key is used twice: {keys}"
    assert all(label.strip() for _key, label, _tag in shortcuts), "a shortcut without a label"
    return set(keys)


# --- the panes ------------------------------------------------------------------------------


def test_home_has_the_three_panes_and_says_no_contact_is_open(signed_in, queues):
    client, _user = signed_in(Role.TIER1)
    response = client.get("/desk/")
    assert parsed(response).panes == ["pane-work", "pane-contact", "pane-context"]
    content = response.content.decode()
    assert 'data-testid="presence"' in content and 'data-testid="no-contact"' in content
    assert 'class="cc-main desk-workspace-main"' in content  # full width, not the grid container
    assert keys_of(response) == {"?"}  # nothing offered yet: only the list itself


def test_chat_puts_the_live_chat_in_the_centre_and_the_actions_on_the_right(signed_in, held_chat):
    client, user = signed_in(Role.TIER1)
    item = held_chat(user)
    response = client.get(f"/desk/inquiries/{item.inquiry.reference_number}/")
    content = response.content.decode()
    assert parsed(response).panes == ["pane-work", "pane-contact", "pane-context"]
    contact = content[content.index('data-testid="pane-contact"') : content.index("pane-context")]
    assert "data-desk-chat" in contact and 'data-testid="chat-log"' in contact
    assert 'id="desk-chat-input"' in contact
    context = content[content.index('data-testid="pane-context"') :]
    assert 'data-testid="identity-status"' in context and 'data-testid="actions"' in context
    for summary in ("Add a note", "Escalate to Tier 2", "Ask for a supervisor", "Resolve"):
        assert f'<summary class="desk-tool__summary">{summary}</summary>' in context
    # The workspace's own keys and the tools' (canned replies, knowledge base, transfer).
    assert keys_of(response) == {"?", "alt+r", "alt+n", "alt+w", "alt+c", "alt+k", "alt+t"}
    # The item held is marked as the one on the page.
    held = content[content.index('data-testid="held"') :]
    assert re.search(r'class="desk-held__item is-current"[^>]*aria-current="page"', held)


def test_history_is_newest_first(signed_in, held_chat):
    client, user = signed_in(Role.TIER1)
    item = held_chat(user)
    content = client.get(f"/desk/inquiries/{item.inquiry.reference_number}/").content.decode()
    history = content[content.index('data-testid="history"') :]
    # The accept came after both messages; the first message is the oldest of the three.
    assert history.index("State change") < history.index("[DATE]") < history.index("never arrived")


def test_a_phone_call_shows_the_menu_path_and_transcript_masked(signed_in, phone):  # noqa: F811
    call = phone("intercountry-adoption")
    call.run(["3", "A 012 345 678"])
    inquiry = Call.objects.get(call_sid=call.call_sid).inquiry
    client, _user = signed_in(Role.SUPERVISOR)
    response = client.get(f"/desk/inquiries/{inquiry.reference_number}/")
    content = response.content.decode()
    assert 'data-testid="contact-call"' in content and 'data-testid="ivr-path"' in content
    path = content[content.index('data-testid="ivr-path"') :]
    assert "Menu" in path and "Asked for a number or date" in path
    assert "Waiting in line for an agent" in path and "[A-NUMBER]" in path
    assert "adoption specialist" in content[content.index('data-testid="transcript"') :]
    assert "012" not in content and "345 678" not in content and "012345678" not in content


def test_a_phone_call_entered_by_hand_says_there_is_no_menu_path(signed_in, held_call):
    client, user = signed_in(Role.TIER1)
    item = held_call(user)
    content = client.get(f"/desk/inquiries/{item.inquiry.reference_number}/").content.decode()
    assert 'data-testid="no-ivr-path"' in content
    assert 'href="tel:+14025550142"' in content  # the number to call back, as before


def test_a_callback_shows_the_number_to_dial_and_the_reference_to_quote(
    signed_in, queues, always_open
):
    inquiry = inquiry_open(channel="phone", language="en", contact_phone="+14025550142")
    inquiry_escalate(inquiry=inquiry, actor=None, reason="Card not received", urgency="regular")
    client, user = signed_in(Role.TIER2)
    client.post("/desk/callbacks/take/")
    assert [i.kind for i in agent_ensure_for_user(user=user).assignments.all()] == ["callback"]
    response = client.get(f"/desk/inquiries/{inquiry.reference_number}/")
    content = response.content.decode()
    callback = content[content.index('data-testid="contact-callback"') :]
    assert re.search(r'<a [^>]*href="tel:\+14025550142"[^>]*data-testid="dial-number"', callback)
    assert f'data-testid="quote-reference">{inquiry.reference_number}<' in callback
    assert "English" in callback  # the language to call in
    # A Tier 2 officer takes no offers: the left pane lists the callback and links the page.
    work = content[content.index('data-testid="pane-work"') : content.index("pane-contact")]
    assert 'data-testid="presence"' not in work and "/desk/callbacks/" in work
    assert 'aria-current="page"' in work


def test_a_callback_without_a_number_says_so(signed_in, queues, always_open):
    inquiry = inquiry_open(channel="chat", language="en")
    inquiry_escalate(inquiry=inquiry, actor=None, reason="Card not received", urgency="regular")
    client, _user = signed_in(Role.TIER2)
    client.post("/desk/callbacks/take/")
    content = client.get(f"/desk/inquiries/{inquiry.reference_number}/").content.decode()
    assert 'data-testid="no-number"' in content and 'data-testid="dial-number"' not in content
    assert f'data-testid="quote-reference">{inquiry.reference_number}<' in content


def test_a_secure_message_shows_the_thread_and_links_secure_messages(signed_in, queues):
    inquiry = inquiry_open(channel="secure_message", language="en")
    inquiry_add_message(inquiry=inquiry, body="Where is my card? My A-Number is A012345678.")
    client, _user = signed_in(Role.SUPERVISOR)
    content = client.get(f"/desk/inquiries/{inquiry.reference_number}/").content.decode()
    thread = content[content.index('data-testid="contact-thread"') :]
    assert "Where is my card? My A-Number is [A-NUMBER]." in thread
    assert 'href="/desk/messages/" data-testid="secure-messages-link"' in thread
    assert "A012345678" not in content


def test_the_workspace_in_spanish(signed_in, held_chat):
    client, user = signed_in(Role.TIER1)
    item = held_chat(user)
    client.cookies["django_language"] = "es"
    content = client.get(f"/desk/inquiries/{item.inquiry.reference_number}/").content.decode()
    for text in (
        "Mi trabajo",
        "Persona y caso",
        "Atajos de teclado",
        "Terminar: resolver y cerrar",
    ):
        assert text in content


# --- my work: the offer, presence, the current item ------------------------------------------


def test_an_offer_carries_its_deadline_and_the_accept_shortcut(signed_in, queued_call, always_open):
    client, _user = signed_in(Role.TIER1)
    item = queued_call()
    response = client.post("/desk/presence/", {"presence": "available"}, follow=True)
    item.refresh_from_db()
    content = response.content.decode()
    deadline = int(item.offer_expires_at.timestamp())
    assert f'data-offer="{item.pk}" data-offer-deadline="{deadline}"' in content
    now = int(re.search(r'data-server-now="(\d+)"', content).group(1))
    assert 0 < deadline - now <= 120
    assert keys_of(response) == {"?", "alt+a"}


def test_presence_goes_back_to_the_page_it_was_set_on(signed_in, held_chat):
    client, user = signed_in(Role.TIER1)
    item = held_chat(user)
    page = f"/desk/inquiries/{item.inquiry.reference_number}/"
    assert f'name="next" value="{page}"' in client.get(page).content.decode()
    back = client.post("/desk/presence/", {"presence": "wrap_up", "next": page})
    assert back.status_code == 302 and back["Location"] == page
    assert agent_ensure_for_user(user=user).presence == Presence.WRAP_UP
    content = client.get(page).content.decode()
    assert 'data-testid="wrap-up-timer"' in content and "data-timer-since=" in content
    for elsewhere in ("https://example.com/desk/", "//example.com/desk/", "/desk/supervisor/"):
        away = client.post("/desk/presence/", {"presence": "away", "next": elsewhere})
        assert away["Location"] == "/desk/", elsewhere  # another site, or not this role's page


def test_live_reload_of_my_work_keeps_the_current_item_marked(signed_in, held_chat):
    client, user = signed_in(Role.TIER1)
    item = held_chat(user)
    reference = item.inquiry.reference_number
    marked = client.post(f"/desk/offers/next/?auto=1&current={reference}", HTTP_HX_REQUEST="true")
    assert b'aria-current="page"' in marked.content and b"<html" not in marked.content
    for bad in ("12345", "<script>", reference[:-1] + str((int(reference[-1]) + 1) % 10)):
        unmarked = client.post(f"/desk/offers/next/?auto=1&current={bad}", HTTP_HX_REQUEST="true")
        assert unmarked.status_code == 200 and b'aria-current="page"' not in unmarked.content
