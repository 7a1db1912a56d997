"""Link surveys for a secure message answered by staff and a resolved service request."""

from __future__ import annotations

import pytest

from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.desk.services import desk_offer_accept
from contactcenter.inquiries.services import inquiry_open, inquiry_verify_identity
from contactcenter.notifications.models import Notification
from contactcenter.offices.models import Office
from contactcenter.portal.models import AccountLink
from contactcenter.portal.services import thread_message_add, thread_reply_staff, thread_start
from contactcenter.routing.models import Presence
from contactcenter.routing.services import (
    agent_ensure_for_user,
    agent_set_presence,
    work_item_offer_next,
)
from contactcenter.servicerequests.request_types import (
    service_request_types_cache_reset,
    service_request_types_load,
)
from contactcenter.servicerequests.services import (
    service_request_create,
    service_request_open,
    service_request_resolve,
)
from contactcenter.staff.models import Role
from contactcenter.surveys.models import Survey
from tests.factories import CaseFactory, PersonFactory, StaffUserFactory
from tests.surveys.conftest import survey_link_of

pytestmark = pytest.mark.django_db


def _invitations() -> list[Notification]:
    return list(Notification.objects.filter(template="survey_invitation").order_by("pk"))


def test_a_secure_message_answered_by_staff_is_surveyed_once(
    client, queues, make_case, always_open
):
    case = make_case()
    writer = StaffUserFactory(role="", email="writer@example.com")
    AccountLink.objects.create(user=writer, person=case.applicant)
    thread = thread_start(user=writer, case=case, subject="Card", body="Where is my card?",
                          language="en")  # fmt: skip
    agent_user = StaffUserFactory(role=Role.TIER1)
    agent = agent_ensure_for_user(user=agent_user)
    agent_set_presence(agent=agent, presence=Presence.AVAILABLE)
    offered = work_item_offer_next(agent=agent)
    assert offered is not None
    desk_offer_accept(agent=agent, item_id=offered.pk)
    thread_reply_staff(actor=agent_user, thread=thread, body="It was mailed on Monday.")

    survey = Survey.objects.get()
    assert survey.inquiry_id == thread.inquiry_id
    assert (survey.channel, survey.invited_by, survey.agent_id) == (
        "secure_message", "email", agent_user.pk
    )  # fmt: skip
    assert survey.queue_id == offered.queue_id
    [sent] = _invitations()
    assert sent.recipient == "writer@example.com"

    # The person writes again and is answered again: still the one survey, sent once.
    thread_message_add(user=writer, thread=thread, body="Thanks, one more thing.", language="en")
    thread_reply_staff(actor=agent_user, thread=thread, body="Of course.")
    assert Survey.objects.count() == 1 and len(_invitations()) == 1

    # The agent who answered cannot score it, even through the link.
    client.force_login(agent_user)
    link = survey_link_of(sent)
    assert client.post(link, {"score": "5"}).status_code == 403
    client.force_login(writer)
    assert client.post(link, {"score": "3"}).status_code == 200
    assert Survey.objects.get().score == 3


def test_a_resolved_service_request_is_surveyed_by_its_reply_channel(client, reference_data):
    service_request_types_load()
    service_request_types_cache_reset()
    nbc = Office.objects.get(code="NBC")
    person = PersonFactory(with_a_number=True, zip_code="10025", email="p@example.com")
    case = CaseFactory(office=nbc, applicant=person)
    checker = StaffUserFactory(role=Role.TIER1)
    inquiry = inquiry_open(channel="phone", language="es", contact_email="caller@example.com",
                           contact_phone="+14025550142")  # fmt: skip
    inquiry_verify_identity(
        inquiry=inquiry, actor=checker, receipt_number=ReceiptNumber.parse(case.receipt_number),
        claimed_as="applicant",
        answers={"date_of_birth": person.date_of_birth.isoformat(), "zip_code": "10025",
                 "a_number_last4": person.a_number[-4:]},
    )  # fmt: skip
    request = service_request_create(
        inquiry=inquiry, actor=checker, type_code="typographic-error", reply_channel="sms",
        details={"document": "card", "description": "Birth date is wrong."},
    ).request  # fmt: skip
    clerk = StaffUserFactory(role=Role.OFFICE_STAFF, office=nbc)
    service_request_open(request=request, actor=clerk)
    assert not Survey.objects.exists()
    service_request_resolve(request=request, actor=clerk, note="Card corrected.")

    survey = Survey.objects.get()
    assert survey.service_request_id == request.pk and survey.inquiry_id is None
    assert (survey.channel, survey.invited_by, survey.language, survey.agent_id) == (
        "service_request", "sms", "es", clerk.pk
    )  # fmt: skip
    [sent] = _invitations()
    assert (sent.channel, sent.recipient, sent.language) == ("sms", "+14025550142", "es")
    done = client.post(survey_link_of(sent), {"score": "5", "comment": ""})
    assert done.status_code == 200
    assert Survey.objects.get().score == 5
