"""Tier 1: presence, offers, the inquiry page and every action on it, and every refusal."""

from __future__ import annotations

import pytest

from contactcenter.audit.models import DisclosureLog
from contactcenter.inquiries.models import Inquiry, InquiryState
from contactcenter.routing.models import Agent, Presence, WorkItem, WorkKind, WorkState
from contactcenter.routing.services import agent_ensure_for_user
from contactcenter.staff.models import Role
from tests.desk.conftest import GOOD_ANSWERS

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- presence and offers --------------------------------------------------------------------


def test_becoming_available_offers_the_waiting_call(signed_in, queued_call, always_open):
    client, user = signed_in(Role.TIER1)
    item = queued_call()
    response = client.post("/desk/presence/", {"presence": "available"}, follow=True)
    item.refresh_from_db()
    assert item.state == WorkState.OFFERED
    assert item.offered_to.user == user
    assert f"inquiry {item.inquiry.reference_number}".encode() in response.content
    assert b"Accept" in response.content


def test_busy_cannot_be_chosen(signed_in, queues):
    client, user = signed_in(Role.TIER1)
    response = client.post("/desk/presence/", {"presence": "busy"}, follow=True)
    assert "Choose available, away, wrap-up or offline." in messages_of(response)
    assert Agent.objects.get(user=user).presence == Presence.OFFLINE


@pytest.mark.parametrize("presence", ["away", "wrap_up", "offline"])
def test_other_presences_offer_nothing(signed_in, queued_call, always_open, presence):
    client, user = signed_in(Role.TIER1)
    item = queued_call()
    client.post("/desk/presence/", {"presence": presence})
    item.refresh_from_db()
    assert Agent.objects.get(user=user).presence == presence
    assert item.state == WorkState.QUEUED


def test_get_next_needs_available_and_answers_htmx_with_the_fragment(
    signed_in, queued_call, always_open
):
    client, user = signed_in(Role.TIER1)
    item = queued_call()
    away = client.post("/desk/offers/next/", HTTP_HX_REQUEST="true")
    assert b"Set yourself to available to receive work." in away.content
    assert b'id="offer-heading"' in away.content and b"<html" not in away.content
    silent = client.post("/desk/offers/next/?auto=1", HTTP_HX_REQUEST="true")
    assert b"Set yourself to available" not in silent.content
    agent = agent_ensure_for_user(user=user)
    agent.presence = Presence.AVAILABLE  # not through the desk: no automatic offer here
    agent.save()
    offered = client.post("/desk/offers/next/", HTTP_HX_REQUEST="true")
    item.refresh_from_db()
    assert item.state == WorkState.OFFERED
    assert f"/desk/offers/{item.pk}/accept/".encode() in offered.content
    empty = client.post("/desk/offers/next/", HTTP_HX_REQUEST="true")
    assert f"/desk/offers/{item.pk}/accept/".encode() in empty.content  # still the same offer


def test_get_next_with_nothing_waiting_says_so(signed_in, queues, always_open):
    client, _user = signed_in(Role.TIER1)
    client.post("/desk/presence/", {"presence": "available"})
    response = client.post("/desk/offers/next/", follow=True)
    assert "No work is waiting for you right now." in messages_of(response)


def test_accept_starts_work_and_makes_the_agent_busy(signed_in, queued_call, always_open):
    client, user = signed_in(Role.TIER1)
    item = queued_call()
    client.post("/desk/presence/", {"presence": "available"})
    response = client.post(f"/desk/offers/{item.pk}/accept/")
    assert response.status_code == 302
    assert response["Location"] == f"/desk/inquiries/{item.inquiry.reference_number}/"
    item.refresh_from_db()
    assert item.state == WorkState.ASSIGNED
    assert item.inquiry.state == InquiryState.ACTIVE
    assert Agent.objects.get(user=user).presence == Presence.BUSY
    home = client.get("/desk/")
    assert f"/desk/inquiries/{item.inquiry.reference_number}/".encode() in home.content


def test_accepting_someone_elses_offer_is_refused_and_changes_nothing(
    signed_in, staff, queued_call, always_open
):
    from contactcenter.desk.services import desk_presence_set

    item = queued_call()
    other = agent_ensure_for_user(user=staff(Role.TIER1))
    desk_presence_set(agent=other, presence="available")
    client, _user = signed_in(Role.TIER1)
    response = client.post(f"/desk/offers/{item.pk}/accept/", follow=True)
    assert "This item is no longer offered to you." in messages_of(response)
    item.refresh_from_db()
    assert item.state == WorkState.OFFERED and item.offered_to == other
    assert item.inquiry.state == InquiryState.NEW


def test_decline_returns_the_item_to_the_queue(signed_in, queued_call, always_open):
    client, _user = signed_in(Role.TIER1)
    item = queued_call()
    client.post("/desk/presence/", {"presence": "available"})
    response = client.post(f"/desk/offers/{item.pk}/decline/", follow=True)
    item.refresh_from_db()
    assert item.state == WorkState.QUEUED and item.offered_to is None
    assert "You declined the offer; it went back to the queue." in messages_of(response)
    again = client.post(f"/desk/offers/{item.pk}/decline/", follow=True)
    assert "This item is no longer offered to you." in messages_of(again)


def test_offer_actions_are_posts_only(signed_in, queues):
    client, _user = signed_in(Role.TIER1)
    assert client.get("/desk/presence/").status_code == 405
    assert client.get("/desk/offers/next/").status_code == 405
    assert client.get("/desk/offers/1/accept/").status_code == 405


# --- the inquiry page -----------------------------------------------------------------------


@pytest.fixture
def working(signed_in, held_call):
    """A Tier 1 agent signed in and holding a call; returns (client, user, item, url)."""
    client, user = signed_in(Role.TIER1)
    item = held_call(user)
    return client, user, item, f"/desk/inquiries/{item.inquiry.reference_number}/"


def test_inquiry_page_shows_history_and_identity_form_but_no_case(working, case):
    client, _user, _item, url = working
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Check the caller&#x27;s identity" in content or "identity-receipt_number" in content
    assert "Being handled" in content
    assert 'data-testid="history"' in content and "State change" in content
    assert "Reyes" not in content and 'data-testid="case"' not in content
    assert not DisclosureLog.objects.exists()


def test_other_agents_cannot_open_the_inquiry(working, signed_in, client):
    _client, _user, _item, url = working
    client.logout()
    other_client, _other = signed_in(Role.TIER1)
    response = other_client.get(url)
    assert response.status_code == 404
    assert b"No inquiry with that reference number is in your work." in response.content
    assert other_client.post(url + "note/", {"note-body": "hi"}).status_code == 404
    assert other_client.get("/desk/inquiries/9999999999/").status_code == 404


def test_verified_identity_shows_the_case_and_audits_it(working, case):
    client, user, item, url = working
    response = client.post(url + "identity/", GOOD_ANSWERS, follow=True)
    assert "Identity verified: the caller is the applicant." in messages_of(response)
    content = response.content.decode()
    assert 'data-testid="case"' in content and "Ana Reyes" in content and "A012345678" in content
    # One row for the record the answers were checked against, one for the case shown, and
    # one for the person's contact history on the same page (issue 17: the history is read
    # through the audited case read too, with its own purpose).
    check, shown, history = DisclosureLog.objects.order_by("id")
    assert history.purpose.startswith("contact history") and history.case == case
    assert (check.viewer, check.case, check.channel) == (user, case, "desk")
    assert check.purpose.startswith("identity check") and "date_of_birth" in check.fields
    assert (shown.viewer, shown.case, shown.channel) == (user, case, "desk")
    item.inquiry.refresh_from_db()
    assert item.inquiry.verified_as == "applicant" and item.inquiry.case == case


def test_a_genuine_caller_with_date_of_birth_and_zip_is_verified(working, case):
    """The agency's rule (date of birth and one of ZIP or A-Number) is what the form asks."""
    client, _user, _item, url = working
    page = client.get(url).content.decode()
    assert "(optional)" not in page.split('id="identity-heading"')[1].split("</form>")[0]
    assert "one is enough" in page
    answers = {k: v for k, v in GOOD_ANSWERS.items() if k != "identity-a_number_last4"}
    response = client.post(url + "identity/", answers, follow=True)
    assert "Identity verified: the caller is the applicant." in messages_of(response)


def test_too_few_answers_are_asked_for_and_use_no_attempt(working, case):
    client, _user, item, url = working
    answers = {k: v for k, v in GOOD_ANSWERS.items()
               if k not in ("identity-a_number_last4", "identity-zip_code")}  # fmt: skip
    response = client.post(url + "identity/", answers, follow=True)
    assert "Enter the ZIP code or the A-Number&#x27;s last four digits." in (
        response.content.decode()
    ) or "Enter the ZIP code or the A-Number's last four digits." in messages_of(response)
    item.inquiry.refresh_from_db()
    assert item.inquiry.failed_identity_checks == 0 and not item.inquiry.is_verified


def test_a_refusal_does_not_say_which_answer_failed(working, case):
    client, _user, _item, url = working
    wrong_zip = {**GOOD_ANSWERS, "identity-zip_code": "10001"}
    wrong_birth = {**GOOD_ANSWERS, "identity-date_of_birth": "1990-01-01"}
    first = messages_of(client.post(url + "identity/", wrong_zip, follow=True))
    second = messages_of(client.post(url + "identity/", wrong_birth, follow=True))
    assert [m.replace("2 of 3", "1 of 3") for m in second] == first


def test_representative_with_g28_can_be_verified(working, db):
    from tests.factories import CaseFactory

    represented = CaseFactory(represented=True)
    client, _user, _item, url = working
    answers = {
        "identity-receipt_number": represented.receipt_number,
        "identity-claimed_as": "representative",
        "identity-date_of_birth": represented.applicant.date_of_birth.isoformat(),
        "identity-bar_number": represented.representative.bar_number,
    }
    response = client.post(url + "identity/", answers, follow=True)
    assert "Identity verified: the caller is the representative (g-28)." in messages_of(response)


def test_wrong_answers_count_and_the_third_locks(working, case):
    client, _user, item, url = working
    wrong = {**GOOD_ANSWERS, "identity-zip_code": "10001"}
    first = client.post(url + "identity/", wrong, follow=True)
    assert "The answers do not match our records (1 of 3 attempts used)." in messages_of(first)
    client.post(url + "identity/", wrong)
    third = client.post(url + "identity/", wrong, follow=True)
    assert any("now locked" in m for m in messages_of(third))
    content = third.content.decode()
    assert "Identity checks locked" in content and "identity-receipt_number" not in content
    assert "Ana Reyes" not in content
    fourth = client.post(url + "identity/", GOOD_ANSWERS, follow=True)
    assert "Identity checks are locked for this inquiry." in messages_of(fourth)
    inquiry = Inquiry.objects.get(pk=item.inquiry_id)
    assert inquiry.state == InquiryState.LOCKED and not inquiry.is_verified
    # Each of the three checks read the record once; the refused fourth read nothing.
    assert DisclosureLog.objects.filter(purpose__startswith="identity check").count() == 3
    assert DisclosureLog.objects.count() == 3


def test_unknown_or_malformed_receipt_number_is_refused_without_a_failure(working, case):
    client, _user, item, url = working
    unknown = client.post(
        url + "identity/", {**GOOD_ANSWERS, "identity-receipt_number": "LIN2499999999"},
        follow=True,
    )  # fmt: skip
    assert "The answers do not match our records." in messages_of(unknown)
    malformed = client.post(
        url + "identity/", {**GOOD_ANSWERS, "identity-receipt_number": "12"}, follow=True
    )
    assert any("receipt number" in m.lower() for m in messages_of(malformed))
    missing = client.post(url + "identity/", {"identity-receipt_number": "x"}, follow=True)
    assert "Enter the receipt number, who is calling and the answers." in messages_of(missing)
    inquiry = Inquiry.objects.get(pk=item.inquiry_id)
    assert inquiry.failed_identity_checks == 0 and not inquiry.is_verified


def test_a_protected_case_looks_exactly_like_a_missing_one_to_tier1(working):
    """Tier 1 naming a VAWA case with every answer right hears what a number that does not
    exist gets, before any answer is compared: no verification, no failure counted, no read."""
    from tests.factories import CaseFactory, PersonFactory

    applicant = PersonFactory(with_a_number=True)
    protected = CaseFactory(confidentiality="vawa", applicant=applicant)
    client, _user, item, url = working
    right_answers = {
        **GOOD_ANSWERS,
        "identity-receipt_number": protected.receipt_number,
        "identity-date_of_birth": applicant.date_of_birth.isoformat(),
        "identity-zip_code": applicant.zip_code,
        "identity-a_number_last4": applicant.a_number[-4:],
    }
    missing = {**right_answers, "identity-receipt_number": "LIN2499999999"}
    answers = []
    for posted in (right_answers, missing):
        response = client.post(url + "identity/", posted, follow=True)
        inquiry = Inquiry.objects.get(pk=item.inquiry_id)
        events = list(inquiry.events.values_list("kind", flat=True))
        answers.append((response.status_code, messages_of(response), inquiry.state,
                        inquiry.failed_identity_checks, inquiry.is_verified, events))  # fmt: skip
        content = response.content.decode()
        assert applicant.family_name not in content and 'data-testid="case"' not in content
    assert answers[0] == answers[1]
    assert answers[0][1] == ["The answers do not match our records."]
    assert answers[0][3] == 0 and answers[0][4] is False
    # Nothing was read; the refused attempt on the protected case is on record (the number
    # that does not exist names no case and leaves no row).
    refused = DisclosureLog.objects.get()
    assert (refused.case_id, refused.viewer_id, refused.outcome, refused.fields) == (
        protected.pk,
        _user.pk,
        "refused",
        "",
    )


def test_a_verified_inquiry_is_not_moved_to_another_case(working, case):
    from tests.factories import CaseFactory, PersonFactory

    client, _user, item, url = working
    client.post(url + "identity/", GOOD_ANSWERS)
    other_person = PersonFactory(with_a_number=True)
    other = CaseFactory(applicant=other_person)
    response = client.post(url + "identity/", {
        **GOOD_ANSWERS,
        "identity-receipt_number": other.receipt_number,
        "identity-date_of_birth": other_person.date_of_birth.isoformat(),
        "identity-zip_code": other_person.zip_code,
        "identity-a_number_last4": other_person.a_number[-4:],
    }, follow=True)  # fmt: skip
    assert any("already verified for another case" in m for m in messages_of(response))
    inquiry = Inquiry.objects.get(pk=item.inquiry_id)
    assert inquiry.case == case and inquiry.person_id == case.applicant_id


def test_note_is_added_and_an_empty_note_refused(working):
    client, _user, item, url = working
    response = client.post(url + "note/", {"note-body": "Caller asked about biometrics."},
                           follow=True)  # fmt: skip
    assert "Note added." in messages_of(response)
    assert "Caller asked about biometrics." in response.content.decode()
    empty = client.post(url + "note/", {"note-body": ""}, follow=True)
    assert any(m.startswith("Note:") for m in messages_of(empty))
    assert item.inquiry.events.filter(kind="note").count() == 1


def test_escalate_queues_a_callback_and_finishes_the_call(working):
    client, user, item, url = working
    response = client.post(
        url + "escalate/", {"escalate-reason": "Card not received", "escalate-urgency": "urgent"},
        follow=True,
    )  # fmt: skip
    assert "Escalated to Tier 2. An officer will call back." in messages_of(response)
    inquiry = Inquiry.objects.get(pk=item.inquiry_id)
    assert inquiry.state == InquiryState.ESCALATED and inquiry.urgency == "urgent"
    item.refresh_from_db()
    assert item.state == WorkState.DONE
    callback = WorkItem.objects.get(inquiry=inquiry, kind=WorkKind.CALLBACK)
    assert callback.state == WorkState.QUEUED and callback.tier == "tier2"
    assert Agent.objects.get(user=user).presence == Presence.WRAP_UP
    # The agent may still read it, but no longer act on it.
    page = client.get(url)
    assert page.status_code == 200 and b"Escalate to Tier 2" not in page.content
    again = client.post(url + "note/", {"note-body": "late"}, follow=True)
    assert "You are not working this inquiry any more." in messages_of(again)


def test_escalate_needs_a_reason_and_a_known_urgency(working):
    client, _user, item, url = working
    response = client.post(url + "escalate/", {"escalate-reason": "", "escalate-urgency": "meh"},
                           follow=True)  # fmt: skip
    assert len(messages_of(response)) == 2
    assert Inquiry.objects.get(pk=item.inquiry_id).state == InquiryState.ACTIVE
    assert not WorkItem.objects.filter(kind=WorkKind.CALLBACK).exists()


def test_forbidden_transition_is_shown_and_changes_nothing(signed_in, held_call):
    # A supervisor can still act after the agent escalated; escalating twice is forbidden.
    client, user = signed_in(Role.TIER1)
    item = held_call(user)
    url = f"/desk/inquiries/{item.inquiry.reference_number}/"
    client.post(url + "escalate/", {"escalate-reason": "r", "escalate-urgency": "regular"})
    client.logout()
    sup_client, _sup = signed_in(Role.SUPERVISOR)
    response = sup_client.post(
        url + "escalate/", {"escalate-reason": "again", "escalate-urgency": "urgent"}, follow=True
    )
    assert (
        "An inquiry that is Escalated to Tier 2 cannot become Escalated to Tier 2."
        in messages_of(response)
    )
    inquiry = Inquiry.objects.get(pk=item.inquiry_id)
    assert inquiry.urgency == "regular"
    assert WorkItem.objects.filter(inquiry=inquiry, kind=WorkKind.CALLBACK).count() == 1


def test_request_supervisor_queues_a_request_and_keeps_the_state(working):
    client, _user, item, url = working
    response = client.post(url + "supervisor/", {"supervisor-reason": "Caller upset"},
                           follow=True)  # fmt: skip
    assert "A supervisor has been asked to join." in messages_of(response)
    inquiry = Inquiry.objects.get(pk=item.inquiry_id)
    assert inquiry.state == InquiryState.ACTIVE and inquiry.supervisor_requested_at
    assert WorkItem.objects.get(inquiry=inquiry, kind=WorkKind.SUPERVISOR_REQUEST).state == (
        WorkState.QUEUED
    )


def test_schedule_callback_normalises_the_phone_and_refuses_nonsense(working):
    client, _user, item, url = working
    bad = client.post(url + "callback/", {"callback-phone": "call me maybe"}, follow=True)
    assert any("ten-digit U.S. phone number" in m for m in messages_of(bad))
    assert Inquiry.objects.get(pk=item.inquiry_id).state == InquiryState.ACTIVE
    ok = client.post(url + "callback/", {"callback-phone": "(402) 555-0199"}, follow=True)
    assert "Callback scheduled." in messages_of(ok)
    inquiry = Inquiry.objects.get(pk=item.inquiry_id)
    assert inquiry.state == InquiryState.CALLBACK_SCHEDULED
    assert inquiry.contact_phone == "+14025550199"


def test_resolve_needs_a_disposition_then_closes(working):
    client, user, item, url = working
    missing = client.post(url + "resolve/", {"resolve-disposition": ""}, follow=True)
    assert any(m.startswith("Disposition:") for m in messages_of(missing))
    assert Inquiry.objects.get(pk=item.inquiry_id).state == InquiryState.ACTIVE
    done = client.post(
        url + "resolve/",
        {"resolve-disposition": "resolved_first_contact", "resolve-note": "Explained."},
        follow=True,
    )
    assert "Inquiry resolved and closed." in messages_of(done)
    inquiry = Inquiry.objects.get(pk=item.inquiry_id)
    assert inquiry.state == InquiryState.CLOSED
    assert inquiry.disposition == "resolved_first_contact"
    item.refresh_from_db()
    assert item.state == WorkState.DONE
    assert Agent.objects.get(user=user).presence == Presence.WRAP_UP


def test_unknown_action_is_refused(working):
    client, _user, _item, url = working
    response = client.post(url + "explode/", follow=True)
    assert "Unknown action." in messages_of(response)


def test_supervisor_lifts_an_identity_lock_but_an_agent_cannot(working, case, signed_in):
    client, _user, item, url = working
    wrong = {**GOOD_ANSWERS, "identity-zip_code": "10001"}
    for _ in range(3):
        client.post(url + "identity/", wrong)
    refused = client.post(url + "unlock/", {"unlock-reason": "I think it is fine"}, follow=True)
    assert "Unknown action." in messages_of(refused)
    assert Inquiry.objects.get(pk=item.inquiry_id).state == InquiryState.LOCKED
    client.logout()
    sup_client, _sup = signed_in(Role.SUPERVISOR)
    no_reason = sup_client.post(url + "unlock/", {"unlock-reason": ""}, follow=True)
    assert Inquiry.objects.get(pk=item.inquiry_id).state == InquiryState.LOCKED
    assert messages_of(no_reason)
    lifted = sup_client.post(url + "unlock/", {"unlock-reason": "Checked by email"}, follow=True)
    assert "Identity lock lifted." in messages_of(lifted)
    assert Inquiry.objects.get(pk=item.inquiry_id).state == InquiryState.ACTIVE


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "Calls are simulated"), ("es", "Las llamadas son simuladas")],
)
def test_the_desk_says_calls_are_simulated_without_telephony(signed_in, settings, language, said):
    client, _user = signed_in(Role.TIER1)
    settings.TWILIO_ACCOUNT_SID = ""
    page = client.get("/desk/", HTTP_ACCEPT_LANGUAGE=language)
    assert said in page.content.decode()
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC" + "2" * 32, "token"
    page = client.get("/desk/", HTTP_ACCEPT_LANGUAGE=language)
    assert 'data-testid="calls-simulated"' not in page.content.decode()


def test_the_number_to_call_back_is_shown_as_a_link_not_only_in_a_form(working):
    client, _user, _item, url = working
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Número para devolver la llamada" in page
    assert 'href="tel:+14025550142" data-testid="contact-phone">+14025550142</a>' in page


def test_a_verified_phone_inquiry_offers_a_service_request(working, case):
    """Not only from a chat: once the caller is verified the page links to the request form."""
    client, _user, item, url = working
    assert 'data-testid="create-service-request"' not in client.get(url).content.decode()
    client.post(url + "identity/", GOOD_ANSWERS)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    link = f'href="/service-requests/new/{item.inquiry.reference_number}/"'
    assert link in page and "Crear una solicitud de servicio" in page
    form = client.get(f"/service-requests/new/{item.inquiry.reference_number}/")
    assert form.status_code == 200 and "staff/base.html" in [t.name for t in form.templates]
