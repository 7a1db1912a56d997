"""Who reaches the mail room's pages, and the workspace's paper tools: the fax cover sheet
(recorded on the inquiry) and the reply letter (to the address read through the audited
case selector)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from contactcenter.audit.models import DisclosureLog
from contactcenter.inquiries.models import Channel, InquiryEvent
from contactcenter.inquiries.services import inquiry_open
from contactcenter.mailroom.models import FaxRequest
from contactcenter.routing.models import QueueTier, WorkKind
from contactcenter.routing.reference_data import queues_load
from contactcenter.routing.services import (
    QueueChoice,
    agent_ensure_for_user,
    queue_for,
    work_item_enqueue,
    work_item_reassign,
)
from contactcenter.staff.models import Role
from tests.desk.staff_pages import _staff, staff_client
from tests.factories import CaseFactory, OfficeFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    office = OfficeFactory(code="NBC")
    return {
        "office": _staff(Role.OFFICE_STAFF, office=office),
        "office_without_office": _staff(Role.OFFICE_STAFF),
        "supervisor": _staff(Role.SUPERVISOR),
        "tier1": _staff(Role.TIER1),
        "tier2": _staff(Role.TIER2),
    }


@pytest.mark.parametrize(
    ("role", "home", "faxes"),
    [
        ("office", 200, 403),
        ("supervisor", 200, 200),
        ("tier1", 403, 403),
        ("tier2", 403, 403),
        ("office_without_office", 403, 403),
    ],
)
def test_the_mail_room_is_for_office_staff_and_supervisors(users, role, home, faxes):
    client = staff_client(users[role])
    assert client.get("/desk/mail-room/").status_code == home
    assert client.get("/desk/mail-room/faxes/").status_code == faxes
    menu = client.get("/desk/my-schedule/" if role == "supervisor" else "/desk/mail-room/")
    if home == 200:
        assert 'href="/desk/mail-room/"' in menu.content.decode()


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/desk/mail-room/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_nav_shows_the_mail_room_only_to_its_roles(users):
    assert "/desk/mail-room/" not in staff_client(users["tier1"]).get("/desk/").content.decode()
    page = staff_client(users["supervisor"]).get("/desk/mail-room/").content.decode()
    assert 'href="/desk/mail-room/"' in page and 'aria-current="page"' in page


def _held_by(user, inquiry):
    queues_load()
    agent = agent_ensure_for_user(user=user)
    queue = queue_for(QueueChoice(tier=QueueTier.TIER1, language="en", channel="email"))
    item = work_item_enqueue(inquiry=inquiry, kind=WorkKind.WEBFORM_REPLY, queue=queue)
    work_item_reassign(item_id=item.pk, to_agent=agent)


def test_an_agent_asks_for_a_fax_and_gets_the_cover_sheet(users):
    inquiry = inquiry_open(channel=Channel.EMAIL, contact_email="a@example.com")
    _held_by(users["tier1"], inquiry)
    client = staff_client(users["tier1"])
    workspace = client.get(f"/desk/inquiries/{inquiry.reference_number}/").content.decode()
    assert 'data-testid="fax-cover"' in workspace
    response = client.post(f"/desk/inquiries/{inquiry.reference_number}/fax-cover/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert inquiry.reference_number in text
    assert FaxRequest.objects.filter(inquiry=inquiry, requested_by=users["tier1"]).exists()
    page = client.get(f"/desk/inquiries/{inquiry.reference_number}/").content.decode()
    assert 'data-testid="fax-requested"' in page


def test_an_agent_who_does_not_hold_the_inquiry_cannot_ask_for_a_fax(users):
    inquiry = inquiry_open(channel=Channel.EMAIL)
    client = staff_client(users["tier1"])
    response = client.post(f"/desk/inquiries/{inquiry.reference_number}/fax-cover/")
    assert response.status_code == 404
    assert not FaxRequest.objects.exists()


def test_a_reply_letter_goes_to_the_address_on_file_and_the_read_is_logged(users, reference_data):
    person = PersonFactory(given_name="Rosa", family_name="Quintero", street="12 Elm Street",
                           city="Omaha", state="NE", zip_code="68102")  # fmt: skip
    case = CaseFactory(applicant=person)
    inquiry = inquiry_open(channel=Channel.MAIL, language="es", case=case)
    _held_by(users["tier2"], inquiry)
    client = staff_client(users["tier2"])
    response = client.post(
        f"/desk/inquiries/{inquiry.reference_number}/reply-letter/",
        {"letter-body": "Su caso está en trámite."},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Rosa Quintero" in text and "12 Elm Street" in text and "Omaha NE 68102" in text
    assert f"Número de referencia: {inquiry.reference_number}" in text
    assert "Su caso está en trámite." in text
    assert DisclosureLog.objects.filter(case_id=case.pk, purpose="reply letter").exists()
    assert InquiryEvent.objects.filter(inquiry=inquiry, data__reply_letter=True).exists()


def test_a_reply_letter_without_a_case_is_refused_with_the_reason(users):
    inquiry = inquiry_open(channel=Channel.MAIL)
    _held_by(users["tier1"], inquiry)
    response = staff_client(users["tier1"]).post(
        f"/desk/inquiries/{inquiry.reference_number}/reply-letter/",
        {"letter-body": "Hello"}, follow=True,
    )  # fmt: skip
    assert "no address on file" in response.content.decode()


def test_an_inquiry_without_paper_costs_its_page_one_query(users, django_assert_num_queries):
    """Every inquiry page asks what paper the inquiry has; most have none, and then one
    query answers for the pages, the faxes and a fax asked for together."""
    from contactcenter.mailroom.selectors import inquiry_paper

    inquiry = inquiry_open(channel=Channel.CHAT, language="en")
    with django_assert_num_queries(1):
        paper = inquiry_paper(inquiry=inquiry)
    assert not paper and paper.pages == () and paper.faxes == ()
    FaxRequest.objects.create(inquiry=inquiry, requested_by=users["tier1"])
    with django_assert_num_queries(1):
        assert inquiry_paper(inquiry=inquiry).fax_requested
