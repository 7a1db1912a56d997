"""A presence change, a note and a resolution posted by htmx are answered with the part of the
page they changed (and the messages, out of band), never a redirect; the same posts without
htmx still redirect to the whole page (no JavaScript)."""

from __future__ import annotations

import pytest

from contactcenter.inquiries.models import Inquiry, InquiryState
from contactcenter.routing.models import Agent, Presence, WorkState
from contactcenter.staff.models import Role
from tests.desk.test_tier1 import working  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_forms_post_with_htmx_and_the_page_keeps_a_message_area(working):  # noqa: F811
    client, _user, _item, url = working
    page = client.get(url).content.decode()
    assert 'id="desk-messages"' in page
    assert 'hx-post="/desk/presence/?current=' in page
    assert f'hx-post="{url}note/" hx-target="#inquiry-history"' in page
    assert f'hx-post="{url}resolve/" hx-target="#pane-context"' in page
    assert 'id="inquiry-history"' in page and 'id="pane-context"' in page


def test_going_available_by_htmx_answers_my_work_with_the_offer(
    signed_in, queued_call, always_open
):
    client, _user = signed_in(Role.TIER1)
    item = queued_call()
    response = client.post("/desk/presence/", {"presence": "available"}, **HTMX)
    assert response.status_code == 200
    text = response.content.decode()
    assert "<html" not in text and 'data-testid="pane-context"' not in text
    assert f"inquiry {item.inquiry.reference_number}" in text
    assert 'id="desk-messages" class="desk-messages" aria-live="polite" hx-swap-oob="true"' in text


def test_a_presence_refused_by_htmx_says_why(signed_in, queues):
    client, _user = signed_in(Role.TIER1)
    response = client.post("/desk/presence/", {"presence": "busy"}, **HTMX)
    assert response.status_code == 200
    assert "Choose available, away, wrap-up or offline." in response.content.decode()


def test_a_note_by_htmx_answers_the_history_and_a_refusal_only_the_message(working):  # noqa: F811
    client, _user, item, url = working
    response = client.post(url + "note/", {"note-body": "Caller asked about biometrics."}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "desk-form-done"
    text = response.content.decode()
    assert 'id="inquiry-history"' in text
    assert "Caller asked about biometrics." in text and "Note added." in text
    assert "<html" not in text and 'data-testid="actions"' not in text
    empty = client.post(url + "note/", {"note-body": ""}, **HTMX)
    assert empty.status_code == 200 and empty["HX-Reswap"] == "none"
    assert "HX-Trigger" not in empty
    said = empty.content.decode()
    assert "Note:" in said and 'id="inquiry-history"' not in said
    assert item.inquiry.events.filter(kind="note").count() == 1


def test_a_resolution_by_htmx_answers_the_changed_parts(working):  # noqa: F811
    client, user, item, url = working
    missing = client.post(url + "resolve/", {"resolve-disposition": ""}, **HTMX)
    assert missing["HX-Reswap"] == "none" and "Disposition:" in missing.content.decode()
    assert Inquiry.objects.get(pk=item.inquiry_id).state == InquiryState.ACTIVE
    done = client.post(
        url + "resolve/",
        {"resolve-disposition": "resolved_first_contact", "resolve-note": "Explained."},
        **HTMX,
    )
    assert done.status_code == 200 and done["HX-Trigger"] == "desk-form-done"
    text = done.content.decode()
    assert "Inquiry resolved and closed." in text
    assert 'id="work-panels" hx-swap-oob="innerHTML"' in text
    assert 'id="inquiry-head" hx-swap-oob="true"' in text
    assert 'data-testid="inquiry-state">Closed<' in text
    assert 'data-testid="actions"' not in text  # closed: no actions left
    assert "After-contact work since" in text  # "My work" shows the wrap-up timer
    assert "<html" not in text
    item.refresh_from_db()
    assert item.state == WorkState.DONE
    assert Agent.objects.get(user=user).presence == Presence.WRAP_UP


def test_htmx_on_an_inquiry_no_longer_held_says_so(working):  # noqa: F811
    client, _user, _item, url = working
    client.post(url + "resolve/", {"resolve-disposition": "resolved_first_contact"}, **HTMX)
    late = client.post(url + "note/", {"note-body": "late"}, **HTMX)
    assert late["HX-Reswap"] == "none"
    assert "You are not working this inquiry any more." in late.content.decode()


def test_without_htmx_the_same_posts_still_redirect(working):  # noqa: F811
    client, _user, _item, url = working
    note = client.post(url + "note/", {"note-body": "Plain form."})
    assert note.status_code == 302 and note["Location"] == url
    presence = client.post("/desk/presence/", {"presence": "away", "next": url})
    assert presence.status_code == 302 and presence["Location"] == url
