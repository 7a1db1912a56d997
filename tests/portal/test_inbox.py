"""The secure inbox: a message opens or extends a secure-message inquiry and queues one work
item; a member of staff replies from /desk/messages/; the person is told a message waits."""

from __future__ import annotations

import pytest

from contactcenter.audit.models import DisclosureLog
from contactcenter.core.errors import InvalidInput
from contactcenter.inquiries.models import Channel, InquiryEvent
from contactcenter.notifications.models import Notification
from contactcenter.portal.models import Message, Thread
from contactcenter.portal.services import thread_message_add, thread_reply_staff, thread_start
from contactcenter.routing.models import WorkItem, WorkKind, WorkState
from contactcenter.staff.models import Role
from tests.factories import StaffUserFactory
from tests.portal.conftest import desk_sign_in, two_step_on

pytestmark = pytest.mark.django_db


def test_new_thread_opens_a_secure_message_inquiry_and_queues_work(applicant):
    user, case = applicant
    thread = thread_start(
        user=user, case=case, subject="Address", body="Did you get my form?", language="es"
    )
    inquiry = thread.inquiry
    assert inquiry.channel == Channel.SECURE_MESSAGE
    assert inquiry.case_id == case.pk
    assert inquiry.language == "es"
    item = WorkItem.objects.get(inquiry=inquiry)
    assert item.kind == WorkKind.SECURE_MESSAGE
    assert item.queue.code == "t1-general-es"


def test_second_message_extends_the_inquiry_without_a_second_work_item(applicant):
    user, case = applicant
    thread = thread_start(user=user, case=case, subject="Hi", body="One", language="en")
    thread_message_add(user=user, thread=thread, body="Two", language="en")
    assert WorkItem.objects.filter(inquiry=thread.inquiry).count() == 1
    bodies = list(
        InquiryEvent.objects.filter(inquiry=thread.inquiry, kind="message").values_list(
            "body", flat=True
        )
    )
    assert bodies == ["One", "Two"]


def test_empty_message_refused_and_nothing_written(applicant):
    user, case = applicant
    with pytest.raises(InvalidInput):
        thread_start(user=user, case=case, subject="Hi", body="   ", language="en")
    assert not Thread.objects.exists()
    assert not WorkItem.objects.exists()


def test_staff_reply_notifies_without_the_text_and_finishes_the_work(applicant):
    user, case = applicant
    thread = thread_start(user=user, case=case, subject="Q", body="Question", language="en")
    agent = StaffUserFactory(role=Role.TIER1)
    thread_reply_staff(actor=agent, thread=thread, body="Your card was mailed on Monday.")
    assert WorkItem.objects.get(inquiry=thread.inquiry).state == WorkState.DONE
    thread.refresh_from_db()
    assert thread.awaiting_reply is False
    notes = list(Notification.objects.filter(template="secure_message_waiting"))
    assert {n.channel for n in notes} == {"email", "sms"}
    assert {n.recipient for n in notes} == {user.email, case.applicant.phone}
    for note in notes:
        assert "mailed" not in str(note.context)
    # The number on record was read through the audited path: one row, naming the service.
    read = DisclosureLog.objects.get(fields="phone")
    assert (read.viewer, read.system_actor, read.case_id) == (None, "secure messages", case.pk)
    assert read.channel == "notification"


def test_person_writing_after_a_reply_queues_new_work(applicant):
    user, case = applicant
    thread = thread_start(user=user, case=case, subject="Q", body="Question", language="en")
    thread_reply_staff(actor=StaffUserFactory(role=Role.TIER1), thread=thread, body="Answer")
    thread_message_add(user=user, thread=thread, body="Thanks, one more thing", language="en")
    states = sorted(WorkItem.objects.filter(inquiry=thread.inquiry).values_list("state", flat=True))
    assert states == [WorkState.DONE, WorkState.QUEUED]


def test_whole_flow_through_the_pages(client, applicant):
    user, case = applicant
    client.force_login(user)
    sent = client.post(
        f"/account/cases/{case.pk}/ask/", {"subject": "My card", "body": "Where is my card?"}
    )
    assert sent.status_code == 302
    thread = Thread.objects.get()
    client.logout()

    agent = StaffUserFactory(role=Role.TIER1)
    desk_sign_in(client, agent)
    waiting = client.get("/desk/messages/")
    assert "My card" in waiting.content.decode()
    page = client.get(f"/desk/messages/{thread.pk}/")
    assert "Where is my card?" in page.content.decode()
    assert DisclosureLog.objects.filter(viewer=agent, case=case).exists()
    replied = client.post(f"/desk/messages/{thread.pk}/", {"body": "It was mailed today."})
    assert replied.status_code == 302
    client.logout()

    client.force_login(user)
    home = client.get("/account/")
    assert home.context["rows"][0].unread == 1
    inbox = client.get(f"/account/messages/{thread.pk}/")
    assert "It was mailed today." in inbox.content.decode()
    assert Message.objects.filter(from_staff=True, read_at__isnull=False).count() == 1


def test_desk_pages_are_staff_only(client, applicant):
    user, case = applicant
    thread = thread_start(user=user, case=case, subject="Q", body="Question", language="en")
    assert client.get("/desk/messages/")["Location"].startswith("/desk/login/")
    client.force_login(user)  # a member of the public
    assert client.get("/desk/messages/").status_code == 403
    assert client.get(f"/desk/messages/{thread.pk}/").status_code == 403
    client.force_login(StaffUserFactory(role=Role.OFFICE_STAFF))
    assert client.get("/desk/messages/").status_code == 403


def test_tier1_cannot_open_a_protected_case_thread(client, make_account, make_portal_case):
    from contactcenter.portal.models import AccountLink

    user = make_account()
    case = make_portal_case(confidentiality="vawa")
    AccountLink.objects.create(user=user, person=case.applicant)
    thread = thread_start(user=user, case=case, subject="Q", body="Question", language="en")
    desk_sign_in(client, StaffUserFactory(role=Role.TIER1))
    assert client.get(f"/desk/messages/{thread.pk}/").status_code == 404
    desk_sign_in(client, StaffUserFactory(role=Role.TIER2))
    assert client.get(f"/desk/messages/{thread.pk}/").status_code == 200


def test_supervisor_issues_a_code_and_approves_a_representative(client, make_portal_case):
    from contactcenter.portal.models import RepresentativeLink
    from tests.factories import RepresentativeFactory

    case = make_portal_case()
    desk_sign_in(client, StaffUserFactory(role=Role.SUPERVISOR))
    issued = client.post("/desk/messages/access-codes/", {"receipt_number": case.receipt_number})
    assert issued.status_code == 200
    assert issued.context["code"]
    link = RepresentativeLink.objects.create(
        user=StaffUserFactory(role=""), representative=RepresentativeFactory()
    )
    assert client.post(f"/desk/messages/representatives/{link.pk}/approve/").status_code == 302
    link.refresh_from_db()
    assert link.approved_at is not None
    desk_sign_in(client, StaffUserFactory(role=Role.TIER1))
    assert client.get("/desk/messages/access-codes/").status_code == 403


def test_staff_need_two_step_verification_passed_in_this_session(client):
    agent = StaffUserFactory(role=Role.TIER1)
    client.force_login(agent)
    response = client.get("/desk/messages/")
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    two_step_on(agent)
    response = client.get("/desk/messages/")
    assert response["Location"] == "/accounts/2fa/reauthenticate/?next=/desk/messages/"


def test_a_message_from_the_account_is_an_identity_verified_inquiry(applicant):
    """The account's link to the case is who the person is: no questions asked again, and the
    history says how identity was established."""
    user, case = applicant
    thread = thread_start(user=user, case=case, subject="Card", body="Where is it?", language="en")
    inquiry = thread.inquiry
    assert inquiry.is_verified and inquiry.verified_as == "applicant"
    assert inquiry.person_id == case.applicant_id
    event = InquiryEvent.objects.get(inquiry=inquiry, kind="identity")
    assert event.data["passed"] is True and event.data["method"] == "online_account"


def test_a_representatives_message_is_verified_as_the_representative(approved_representative):
    user, case = approved_representative
    thread = thread_start(user=user, case=case, subject="Client", body="Any news?", language="en")
    assert thread.inquiry.verified_as == "representative"
