"""Every role against every object reachable by an id or number in a URL.

The routes come from the URL conf itself: a route with a parameter that is neither in the
matrix below nor listed as holding no one's object fails the first test, so a new route
cannot be forgotten. For each route, every role asks for a real object (someone's) and for one
that does not exist. The rule: whoever may not have the object gets exactly what a missing one
gets (same status, same redirect, same message: nobody can probe for what exists), a page
(GET) of objects answers 404 once the role may use the page at all, and whoever may have it
gets it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from contactcenter.appointments.models import AppointmentSlot
from contactcenter.appointments.services import appointment_request_offer_slot
from contactcenter.appointments.slots import appointment_slots_generate
from contactcenter.cases.statuses import CaseStatus
from contactcenter.desk.replies import CannedReplyText, canned_reply_create
from contactcenter.inquiries.services import inquiry_open, inquiry_schedule_callback
from contactcenter.offices.models import Office
from contactcenter.portal.models import RepresentativeLink
from contactcenter.portal.services import (
    appointment_request_online,
    rfe_response_upload,
    service_request_online,
    thread_start,
)
from contactcenter.routing.models import QueueTier, WorkItem, WorkKind
from contactcenter.routing.services import (
    QueueChoice,
    agent_ensure_for_user,
    queue_for,
    work_item_enqueue,
    work_item_reassign,
)
from contactcenter.servicerequests.evidence import EvidenceUpload
from contactcenter.staff.models import Role
from tests.factories import (
    CaseFactory,
    PersonFactory,
    RepresentativeFactory,
    StaffUserFactory,
    clear_disclosure_log_for_flush,
)
from tests.portal.conftest import (  # noqa: F401 (fixtures)
    PDF,
    _fresh_type_cache,
    _isolated,
    applicant,
    make_account,
    make_portal_case,
    other_applicant,
    portal_data,
    two_step_on,
)

pytestmark = pytest.mark.django_db

MISSING_ID = "999999"
MISSING_NUMBER = "99999997"  # eight digits, the first not zero: a number that could exist
MISSING_REFERENCE = "1234567897"

ROLES = (
    "anonymous",
    "holder_a",  # an account holder asking for another account's things
    "holder_b",  # the account holder who owns the portal objects
    "tier1",  # the Tier 1 agent who holds the work
    "tier1_other",
    "tier2",  # the Tier 2 officer who holds the callback
    "tier2_other",
    "supervisor",
    "office_staff",  # of the office that works the service request and the appointment
    "office_staff_other",  # of another office
    "field_office_staff",  # of the field office that holds the appointment
    "admin",
)
DESK = {"tier1", "tier1_other", "tier2", "tier2_other", "supervisor", "admin"}
REVIEWERS = {"tier2", "tier2_other", "supervisor", "admin"}


@dataclasses.dataclass(frozen=True)
class Route:
    """One route of the URL conf that names an object: how to reach the object (and a missing
    one), and which roles may have it."""

    kind: str
    method: str
    url: Callable[[dict, bool], str]  # (world, missing) -> URL
    owners: frozenset[str]
    data: dict = dataclasses.field(default_factory=dict)


def _r(kind, method, url, owners, data=None) -> Route:
    return Route(kind, method, url, frozenset(owners), data or {})


def _id(world: dict, key: str, missing: bool) -> str:
    return MISSING_ID if missing else str(world[key])


ROUTES: dict[str, Route] = {
    # The agent desktop: work items offered, held and handed back.
    "desk/offers/<int:item_id>/accept/": _r(
        "offer", "POST", lambda w, m: f"/desk/offers/{_id(w, 'offer', m)}/accept/", {"tier1"}
    ),
    "desk/offers/<int:item_id>/decline/": _r(
        "offer", "POST", lambda w, m: f"/desk/offers/{_id(w, 'offer', m)}/decline/", {"tier1"}
    ),
    "desk/inquiries/<str:reference>/": _r(
        "inquiry",
        "GET",
        lambda w, m: f"/desk/inquiries/{MISSING_REFERENCE if m else w['inquiry']}/",
        {"tier1", "supervisor", "admin"},
    ),
    "desk/inquiries/<str:reference>/<slug:action>/": _r(
        "inquiry",
        "POST",
        lambda w, m: f"/desk/inquiries/{MISSING_REFERENCE if m else w['inquiry']}/note/",
        {"tier1", "supervisor", "admin"},
        {"note-body": "Checked."},
    ),
    # The transfer tool's list, drawn again: only for whoever holds a contact on the inquiry.
    "desk/inquiries/<str:reference>/transfer-targets/": _r(
        "inquiry",
        "GET",
        lambda w, m: (
            f"/desk/inquiries/{MISSING_REFERENCE if m else w['inquiry']}/transfer-targets/"
        ),
        {"tier1"},
    ),
    # A canned reply filled for an inquiry: the inquiry decides who may have it.
    "desk/inquiries/<str:reference>/replies/<int:reply_id>/": _r(
        "inquiry",
        "GET",
        lambda w, m: (
            f"/desk/inquiries/{MISSING_REFERENCE if m else w['inquiry']}/replies/"
            f"{w['canned_reply']}/"
        ),
        {"tier1", "supervisor", "admin"},
    ),
    # An attachment of the inquiry's emails: whoever may open the inquiry downloads it.
    "desk/inquiries/<str:reference>/email-attachments/<int:attachment_id>/": _r(
        "inquiry",
        "GET",
        lambda w, m: (
            f"/desk/inquiries/{w['inquiry']}/email-attachments/{_id(w, 'email_attachment', m)}/"
        ),
        {"tier1", "supervisor", "admin"},
    ),
    # One callback open in the workspace: someone else's and a missing one both go to the list.
    "desk/callbacks/<int:item_id>/": _r(
        "callback",
        "GET",
        lambda w, m: f"/desk/callbacks/{_id(w, 'callback', m)}/",
        {"tier2"},
    ),
    "desk/callbacks/<int:item_id>/attempt/": _r(
        "callback",
        "POST",
        lambda w, m: f"/desk/callbacks/{_id(w, 'callback', m)}/attempt/",
        {"tier2"},
        {"outcome": "answered", "note": ""},
    ),
    "desk/callbacks/<int:item_id>/text/": _r(
        "callback",
        "POST",
        lambda w, m: f"/desk/callbacks/{_id(w, 'callback', m)}/text/",
        {"tier2"},
    ),
    "desk/callbacks/<int:item_id>/resolve/": _r(
        "callback",
        "POST",
        lambda w, m: f"/desk/callbacks/{_id(w, 'callback', m)}/resolve/",
        {"tier2"},
        {"disposition": "resolved_first_contact", "note": "Done."},
    ),
    # A scheduled report: its owner removes it; anyone else's try is the same as a missing one.
    "desk/reports/schedules/<int:schedule_id>/remove/": _r(
        "report schedule",
        "POST",
        lambda w, m: f"/desk/reports/schedules/{_id(w, 'report_schedule', m)}/remove/",
        {"supervisor"},
    ),
    "desk/supervisor/items/<int:item_id>/assign/": _r(
        "work item",
        "POST",
        lambda w, m: f"/desk/supervisor/items/{_id(w, 'offer', m)}/assign/",
        {"supervisor", "admin"},
        {"take": "1"},
    ),
    # Service requests: the office that works one, and the agent who opens one.
    "service-requests/office/<str:number>/": _r(
        "service request",
        "GET",
        lambda w, m: f"/service-requests/office/{MISSING_NUMBER if m else w['sr']}/",
        {"office_staff"},
    ),
    "service-requests/office/<str:number>/evidence/<int:file_id>/": _r(
        "evidence file",
        "GET",
        lambda w, m: f"/service-requests/office/{w['sr']}/evidence/{_id(w, 'sr_file', m)}/",
        {"office_staff"},
    ),
    "service-requests/office/<str:number>/<slug:action>/": _r(
        "service request",
        "POST",
        lambda w, m: f"/service-requests/office/{MISSING_NUMBER if m else w['sr']}/open/",
        {"office_staff"},
    ),
    "service-requests/new/<str:reference>/": _r(
        "inquiry",
        "GET",
        lambda w, m: f"/service-requests/new/{MISSING_REFERENCE if m else w['inquiry']}/",
        {"tier1", "supervisor", "admin"},
    ),
    # Appointments: Tier 2 reviews any request (one shared queue); an office its own day.
    "appointments/staff/requests/<int:request_id>/": _r(
        "appointment request",
        "GET",
        lambda w, m: f"/appointments/staff/requests/{_id(w, 'appointment_request', m)}/",
        REVIEWERS,
    ),
    "appointments/staff/appointments/<str:number>/": _r(
        "appointment",
        "GET",
        lambda w, m: (
            f"/appointments/staff/appointments/{'9999999999' if m else w['appointment_number']}/"
        ),
        REVIEWERS,
    ),
    "appointments/staff/offices/<str:office_code>/<str:day>/": _r(
        "office day",
        "GET",
        lambda w, m: f"/appointments/staff/offices/{'ZZZ' if m else w['office']}/{w['day']}/",
        REVIEWERS | {"field_office_staff"},
    ),
    # The online account: everything starts from the signed-in account.
    "account/messages/<int:thread_id>/": _r(
        "secure message",
        "GET",
        lambda w, m: f"/account/messages/{_id(w, 'thread', m)}/",
        {"holder_b"},
    ),
    "account/uploads/<int:upload_id>/": _r(
        "upload", "GET", lambda w, m: f"/account/uploads/{_id(w, 'upload', m)}/", {"holder_b"}
    ),
    "account/cases/<int:case_id>/": _r(
        "account case", "GET", lambda w, m: f"/account/cases/{_id(w, 'case', m)}/", {"holder_b"}
    ),
    "account/cases/<int:case_id>/ask/": _r(
        "account case",
        "GET",
        lambda w, m: f"/account/cases/{_id(w, 'case', m)}/ask/",
        {"holder_b"},
    ),
    "account/cases/<int:case_id>/evidence/": _r(
        "account case",
        "GET",
        lambda w, m: f"/account/cases/{_id(w, 'case', m)}/evidence/",
        {"holder_b"},
    ),
    "account/cases/<int:case_id>/requests/new/<slug:type_code>/": _r(
        "account case",
        "GET",
        lambda w, m: f"/account/cases/{_id(w, 'case', m)}/requests/new/typographic-error/",
        {"holder_b"},
    ),
    "account/cases/<int:case_id>/requests/<str:number>/": _r(
        "service request",
        "GET",
        lambda w, m: (
            f"/account/cases/{w['case']}/requests/{MISSING_NUMBER if m else w['account_sr']}/"
        ),
        {"holder_b"},
    ),
    "account/cases/<int:case_id>/appointments/new/": _r(
        "account case",
        "GET",
        lambda w, m: f"/account/cases/{_id(w, 'case', m)}/appointments/new/",
        {"holder_b"},
    ),
    "account/cases/<int:case_id>/appointments/<int:request_id>/": _r(
        "appointment request",
        "GET",
        lambda w, m: f"/account/cases/{w['case']}/appointments/{_id(w, 'appointment_request', m)}/",
        {"holder_b"},
    ),
    # Secure messages on the desk: one shared queue for the desk's roles.
    "desk/messages/<int:thread_id>/": _r(
        "secure message", "GET", lambda w, m: f"/desk/messages/{_id(w, 'thread', m)}/", DESK
    ),
    "desk/messages/representatives/<int:link_id>/approve/": _r(
        "representative link",
        "POST",
        lambda w, m: f"/desk/messages/representatives/{_id(w, 'rep_link', m)}/approve/",
        {"supervisor", "admin"},
    ),
    # A person's records (the Privacy Act accounting and export): supervisors and admins.
    "desk/records/accounting/<int:person_id>/": _r(
        "person's records",
        "GET",
        lambda w, m: f"/desk/records/accounting/{_id(w, 'person', m)}/",
        {"supervisor", "admin"},
    ),
    "desk/records/accounting/<int:person_id>/download.<str:file_format>": _r(
        "person's records",
        "GET",
        lambda w, m: f"/desk/records/accounting/{_id(w, 'person', m)}/download.csv",
        {"supervisor", "admin"},
    ),
    "desk/records/export/<int:person_id>.<str:file_format>": _r(
        "person's records",
        "POST",
        lambda w, m: f"/desk/records/export/{_id(w, 'person', m)}.json",
        {"supervisor", "admin"},
    ),
    # Journeys: a person's or a case's contacts, for supervisors and admins.
    "desk/journeys/person/<int:person_id>/": _r(
        "journey",
        "GET",
        lambda w, m: f"/desk/journeys/person/{_id(w, 'person', m)}/",
        {"supervisor", "admin"},
    ),
    "desk/journeys/case/<int:case_id>/": _r(
        "journey",
        "GET",
        lambda w, m: f"/desk/journeys/case/{_id(w, 'case', m)}/",
        {"supervisor", "admin"},
    ),
}

# Routes with a parameter that names no one's object, and why.
# The mail room (contactcenter/mailroom): a scanned page is its office's (and supervisors');
# a fax in review is supervisors'; a letter's page and a fax joined to an inquiry go with it.
MAILROOM_OWNERS = {"office_staff", "supervisor", "admin"}
ROUTES.update(
    {
        "desk/mail-room/pages/<int:page_id>/": _r(
            "scanned page", "GET",
            lambda w, m: f"/desk/mail-room/pages/{_id(w, 'scanned_page', m)}/", MAILROOM_OWNERS,
        ),
        "desk/mail-room/pages/<int:page_id>/image/": _r(
            "scanned page", "GET",
            lambda w, m: f"/desk/mail-room/pages/{_id(w, 'scanned_page', m)}/image/",
            MAILROOM_OWNERS,
        ),
        "desk/mail-room/pages/<int:page_id>/retry/": _r(
            "scanned page", "POST",
            lambda w, m: f"/desk/mail-room/pages/{_id(w, 'scanned_page', m)}/retry/",
            MAILROOM_OWNERS,
        ),
        # A reference number that does not parse: the fax is reached, and stays in review.
        "desk/mail-room/faxes/<int:fax_id>/attach/": _r(
            "fax in review", "POST",
            lambda w, m: f"/desk/mail-room/faxes/{_id(w, 'review_fax', m)}/attach/",
            {"supervisor", "admin"}, {"reference_number": "12"},
        ),
        "desk/mail-room/faxes/<int:fax_id>/file/": _r(
            "fax in review", "GET",
            lambda w, m: f"/desk/mail-room/faxes/{_id(w, 'review_fax', m)}/file/",
            {"supervisor", "admin"},
        ),
        # A letter routed to the office that holds its case: that office's, and supervisors'.
        "desk/mail-room/letters/<int:letter_id>/": _r(
            "letter", "GET",
            lambda w, m: f"/desk/mail-room/letters/{_id(w, 'office_letter', m)}/",
            MAILROOM_OWNERS,
        ),
        "desk/mail-room/letters/<int:letter_id>/pages/<int:page_id>/": _r(
            "letter", "GET",
            lambda w, m: (
                f"/desk/mail-room/letters/{_id(w, 'office_letter', m)}/pages/"
                f"{w['office_letter_page']}/"
            ),
            MAILROOM_OWNERS,
        ),
        "desk/mail-room/letters/<int:letter_id>/reply/": _r(
            "letter", "POST",
            lambda w, m: f"/desk/mail-room/letters/{_id(w, 'office_letter', m)}/reply/",
            MAILROOM_OWNERS, {"letter-body": "Hello."},
        ),
        "desk/inquiries/<str:reference>/letter-pages/<int:page_id>/": _r(
            "letter page", "GET",
            lambda w, m: (
                f"/desk/inquiries/{w['inquiry']}/letter-pages/{_id(w, 'letter_page', m)}/"
            ),
            {"tier1", "supervisor", "admin"},
        ),
        "desk/inquiries/<str:reference>/faxes/<int:fax_id>/": _r(
            "inquiry's fax", "GET",
            lambda w, m: f"/desk/inquiries/{w['inquiry']}/faxes/{_id(w, 'inquiry_fax', m)}/",
            {"tier1", "supervisor", "admin"},
        ),
        "desk/inquiries/<str:reference>/fax-cover/": _r(
            "inquiry", "POST",
            lambda w, m: f"/desk/inquiries/{MISSING_REFERENCE if m else w['inquiry']}/fax-cover/",
            {"tier1", "supervisor", "admin"},
        ),
        # The world's inquiry names no case: its holder is told so; anyone else, not found.
        "desk/inquiries/<str:reference>/reply-letter/": _r(
            "inquiry", "POST",
            lambda w, m: (
                f"/desk/inquiries/{MISSING_REFERENCE if m else w['inquiry']}/reply-letter/"
            ),
            {"tier1", "supervisor", "admin"}, {"letter-body": "Hello."},
        ),
    }
)  # fmt: skip


NOT_OBJECTS: dict[str, str] = {
    "api/v1/case-status/<receipt_number>": "public look-up, no personal data, rate limited",
    "api/v1/service-requests/<number>": "public look-up needing both numbers, rate limited",
    "ivr/voice/<slug:line>": "a phone line's webhook, signed by the provider",
    "ivr/voice/<slug:line>/step": "a phone line's webhook, signed by the provider",
    "ivr/status/<slug:line>": "a phone line's webhook, signed by the provider",
    "ivr/survey/<slug:line>": "a phone line's webhook, signed by the provider",
    "webhooks/twilio/sms/status/<int:notification_id>": (
        "a text's delivery status, signed by the provider (tested in notifications)"
    ),
    "desk/replies/<int:reply_id>/edit/": "canned replies: shared texts, supervisors' pages",
    "desk/replies/<int:reply_id>/retire/": "canned replies: shared texts, supervisors' pages",
    "desk/replies/<int:reply_id>/restore/": "canned replies: shared texts, supervisors' pages",
    "events/<int:event_id>/": "public outreach events",
    "events/<int:event_id>/calendar.ics": "public outreach events",
    "survey/<str:token>/": (
        "a survey link: the token is the key (only its hash is stored), rate limited, no "
        "personal data shown; the handling agent is refused (tested in surveys)"
    ),
}
# Whole prefixes whose routes carry their own keys or checks.
NOT_OBJECT_PREFIXES: dict[str, str] = {
    "admin/": "the admin site, its own permission per model, for admin staff with two steps",
    "accounts/": "allauth: e-mail confirmation and password-reset keys, identity providers",
}


def _routes(patterns, prefix: str = "") -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append(prefix + str(pattern.pattern))
    return found


def _parameterised_routes() -> list[str]:
    return [
        route
        for route in _routes(get_resolver().url_patterns)
        if ("<" in route or "(?P" in route)
        and not any(route.startswith(prefix) for prefix in NOT_OBJECT_PREFIXES)
    ]


# WebSocket routes (contactcenter/websockets.py) with a parameter, and who may join.
SOCKET_ROUTES: dict[str, frozenset[str]] = {
    "ws/chat/desk/<str:reference>": frozenset({"tier1", "supervisor", "admin"}),
}


def _socket_routes() -> list[str]:
    from contactcenter.websockets import websocket_urlpatterns

    return [r for r in _routes(websocket_urlpatterns) if "<" in r or "(?P" in r]


def test_every_route_with_an_id_is_in_the_matrix_or_said_to_hold_no_object():
    unclassified = [
        route for route in _parameterised_routes() if route not in ROUTES | NOT_OBJECTS
    ] + [route for route in _socket_routes() if route not in SOCKET_ROUTES]
    assert not unclassified, f"classify these routes in {__name__}: {unclassified}"
    known = _parameterised_routes() + _socket_routes()
    stale = [route for route in ROUTES | NOT_OBJECTS | SOCKET_ROUTES if route not in known]
    assert not stale, f"routes no longer in the URL conf: {stale}"


# --- The world: one of every object kind, each someone's ------------------------------------


def _staff(role: str, **kwargs):
    user = StaffUserFactory(role=role, **kwargs)
    two_step_on(user)  # the portal's desk pages ask for it
    return user


def _queued_call(phone: str) -> WorkItem:
    inquiry = inquiry_open(channel="phone", language="en", contact_phone=phone)
    queue = queue_for(QueueChoice(tier=QueueTier.TIER1, language="en", channel="phone"))
    return work_item_enqueue(inquiry=inquiry, kind=WorkKind.CALL, queue=queue)


@pytest.fixture
def world(settings, tmp_path, applicant, other_applicant, always_open):  # noqa: F811
    from contactcenter.desk.services import desk_presence_set

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    holder_a, _own_case = applicant
    holder_b, case = other_applicant
    case.status = CaseStatus.RFE_SENT
    case.save(update_fields=["status"])

    users = {
        "holder_a": holder_a,
        "holder_b": holder_b,
        "tier1": _staff(Role.TIER1),
        "tier1_other": _staff(Role.TIER1),
        "tier2": _staff(Role.TIER2),
        "tier2_other": _staff(Role.TIER2),
        "supervisor": _staff(Role.SUPERVISOR),
        "admin": _staff(Role.ADMIN),
    }
    # The account holder's things.
    thread = thread_start(user=holder_b, case=case, subject="Hello", body="A question",
                          language="en")  # fmt: skip
    (upload,) = rfe_response_upload(
        user=holder_b, case=case, files=[EvidenceUpload(name="a.pdf", content=PDF)]
    )
    account_sr = service_request_online(
        user=holder_b, case=case, type_code="typographic-error",
        details={"document": "notice", "description": "My name is misspelled on it."},
        language="en",
    ).request  # fmt: skip
    appointment_request = appointment_request_online(
        user=holder_b, case=case, reason="unresolved_case_problem", zip_code="10472",
        language="en",
    )  # fmt: skip
    # Its office's day, with the appointment Tier 2 booked.
    office = appointment_request.office
    day = dt.date.today() + dt.timedelta(days=1)
    appointment_slots_generate(office=office, first_day=day, last_day=day + dt.timedelta(days=14))
    slot = AppointmentSlot.objects.filter(office=office).order_by("starts_at").first()
    users["field_office_staff"] = _staff(Role.OFFICE_STAFF, office=office)
    appointment = appointment_request_offer_slot(
        request=appointment_request, slot=slot, reviewer=users["tier2"]
    )
    appointment_request.refresh_from_db()
    # The service request's office (with the evidence a file) and another office.
    sr_office = account_sr.office
    users["office_staff"] = _staff(Role.OFFICE_STAFF, office=sr_office)
    users["office_staff_other"] = _staff(
        Role.OFFICE_STAFF, office=Office.objects.exclude(pk=sr_office.pk).order_by("code").first()
    )
    from contactcenter.inquiries.services import inquiry_verified_by_account
    from contactcenter.servicerequests.models import EvidenceFile
    from contactcenter.servicerequests.services import service_request_create

    phoned = inquiry_open(channel="phone", language="en", contact_email="b@example.com")
    inquiry_verified_by_account(inquiry=phoned, case=case, verified_as="applicant")
    office_sr = service_request_create(
        inquiry=phoned, actor=users["tier1"], type_code="expedite",
        details={"criterion": "severe_financial_loss",
                 "explanation": "My employer will let me go unless my permit arrives soon."},
        evidence=[EvidenceUpload(name="card.pdf", content=PDF)],
    ).request  # fmt: skip
    sr_file = EvidenceFile.objects.get(request=office_sr)
    users["office_staff"] = _staff(Role.OFFICE_STAFF, office=office_sr.office)
    # Desk work: an offer to Tier 1, a call Tier 1 holds, a callback Tier 2 holds.
    tier1_agent = agent_ensure_for_user(user=users["tier1"])
    _queued_call("+14025550101")
    offer = desk_presence_set(agent=tier1_agent, presence="available")  # the oldest waiting
    assert offer is not None
    held = work_item_reassign(item_id=_queued_call("+14025550102").pk, to_agent=tier1_agent)
    callback_inquiry = inquiry_open(channel="phone", language="en", contact_phone="+14025550103")
    inquiry_schedule_callback(inquiry=callback_inquiry, actor=None, phone="+14025550103")
    callback_item = WorkItem.objects.get(inquiry=callback_inquiry, kind=WorkKind.CALLBACK)
    work_item_reassign(item_id=callback_item.pk, to_agent=agent_ensure_for_user(
        user=users["tier2"]))  # fmt: skip
    # A representative waiting for approval.
    rep_link = RepresentativeLink.objects.create(
        user=make_account_for_link(), representative=RepresentativeFactory()
    )
    canned_reply = canned_reply_create(
        actor=None,
        text=CannedReplyText(
            title_en="Greeting", title_es="Saludo", body_en="Reference {reference}.",
            body_es="Referencia {reference}.",
        ),
    )  # fmt: skip
    # An email on the held inquiry, with an attachment kept under the private root.
    from contactcenter.intake.models import InboundAttachment, InboundEmail

    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    (tmp_path / "private" / "intake" / "attachments").mkdir(parents=True)
    (tmp_path / "private" / "intake" / "attachments" / "letter.pdf").write_bytes(PDF)
    email = InboundEmail.objects.create(
        dedup_key="<world@example.org>", message_id="<world@example.org>", source="import",
        outcome="new_inquiry", inquiry=held.inquiry, sender="writer@example.org",
        raw_sha256="0" * 64,
    )  # fmt: skip
    email_attachment = InboundAttachment.objects.create(
        email=email, filename="letter.pdf", declared_type="application/pdf", kind="pdf",
        size=len(PDF), sha256="0" * 64, stored_path="attachments/letter.pdf",
    )  # fmt: skip
    # A supervisor's own scheduled report (the other supervisor-role users may not touch it).
    from contactcenter.operations.schedules import report_schedule_add

    users["supervisor"].email = "lead@agency.example"
    users["supervisor"].save(update_fields=["email"])
    report_schedule = report_schedule_add(
        user=users["supervisor"], period="yesterday", send_at=dt.time(7, 0)
    )
    mailroom = _mailroom_world(users, held.inquiry.reference_number)
    return {
        **mailroom,
        "users": users,
        "case": case.pk,
        "person": case.applicant_id,
        "thread": thread.pk,
        "upload": upload.pk,
        "account_sr": account_sr.number,
        "sr": office_sr.number,
        "sr_file": sr_file.pk,
        "appointment_request": appointment_request.pk,
        "appointment_number": appointment.number,
        "office": office.code,
        "day": slot.day.isoformat(),
        "offer": offer.pk,
        "inquiry": held.inquiry.reference_number,
        "callback": callback_item.pk,
        "rep_link": rep_link.pk,
        "canned_reply": canned_reply.pk,
        "report_schedule": report_schedule.pk,
        "email_attachment": email_attachment.pk,
    }


def _mailroom_world(users: dict, reference: str) -> dict:
    """A batch of two scanned pages at the office staff's office (one left to confirm, one
    made a letter of the held inquiry), a fax in review and a fax joined to that inquiry."""
    import io

    from PIL import Image, ImageDraw

    from contactcenter.mailroom import services as mailroom

    image = Image.new("L", (300, 80), 255)
    ImageDraw.Draw(image).text((10, 30), "Dear Sir", fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", save_all=True, append_images=[image, image])
    batch = mailroom.scan_batch_create(
        actor=users["office_staff"], files=[mailroom.ScanFile("scan.pdf", buffer.getvalue())]
    )
    first, second, third = (
        mailroom.scanned_page_read(page_id=page.pk) for page in batch.pages.all()
    )
    mailroom.letter_confirm(
        actor=users["office_staff"], page_ids=[second.pk], reference_number=reference
    )
    # A letter about a case the office staff's office holds, to an address on file.
    office_case = CaseFactory(
        receipt_number="IOE0900000001",
        office=users["office_staff"].staff_profile.office,
        applicant=PersonFactory(street="1 Main Street", zip_code="10001"),
    )
    office_letter = mailroom.letter_confirm(
        actor=users["office_staff"], page_ids=[third.pk], receipt_number=office_case.receipt_number
    )
    faxes = []
    for fax_id in ("review", "joined"):
        received = mailroom.fax_receive(provider="generic", provider_fax_id=fax_id, content=PDF)
        faxes.append(mailroom.fax_process(fax_id=received.fax.pk))
    mailroom.fax_attach_by_staff(
        fax_id=faxes[1].pk, actor=users["supervisor"], reference_number=reference
    )
    return {
        "scanned_page": first.pk,
        "letter_page": second.pk,
        "office_letter": office_letter.pk,
        "office_letter_page": third.pk,
        "review_fax": faxes[0].pk,
        "inquiry_fax": faxes[1].pk,
    }


def make_account_for_link():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        username=f"rep{time.monotonic_ns()}", email="rep@example.com"
    )


def _client(world: dict, role: str) -> Client:
    client = Client()
    if role == "anonymous":
        return client
    user = world["users"][role]
    client.force_login(user)
    if role not in ("holder_a", "holder_b"):
        session = client.session
        session["account_authentication_methods"] = [{"method": "mfa", "at": time.time()}]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()
    return client


def _answer(client: Client, route: Route, url: str) -> tuple:
    """What a person sees: status, where they are sent, what they are told."""
    response = client.get(url) if route.method == "GET" else client.post(url, route.data)
    # Only what this request added (earlier ones' messages wait in the session).
    told = sorted(
        str(m.message) for m in getattr(response.wsgi_request, "_messages", get_messages(
            response.wsgi_request))._queued_messages
    )  # fmt: skip
    # A sign-in page names the page asked for in ``next``: the same for both.
    location = response.get("Location", "").split("?next=", 1)[0]
    return response.status_code, location, told


@pytest.mark.parametrize("pattern", sorted(ROUTES))
def test_every_role_against_every_object(world, pattern):
    route = ROUTES[pattern]
    refused_wrongly: list[str] = []
    not_reached: list[str] = []
    # Roles that may not have the object first: an owner's action may change it.
    for role in sorted(ROLES, key=lambda r: r in route.owners):
        client = _client(world, role)
        missing = _answer(client, route, route.url(world, True))
        target = _answer(client, route, route.url(world, False))
        if role in route.owners:
            if target[0] in (403, 404) or target == missing:
                not_reached.append(f"{role}: {target} (missing: {missing})")
        elif target != missing:
            refused_wrongly.append(f"{role}: someone's {target} but missing {missing}")
        elif route.method == "GET" and missing[0] not in (302, 403, 404):
            refused_wrongly.append(f"{role}: {missing}")
    assert not refused_wrongly, f"{route.kind} at {pattern} tells apart: {refused_wrongly}"
    assert not not_reached, f"{route.kind} at {pattern} not reached by: {not_reached}"


# --- Chat conversations, over the staff's chat socket -----------------------------------------


def _communicator_class():
    """Channels' WebsocketCommunicator without its package's Daphne live-server import."""
    import sys
    import types
    from pathlib import Path

    import channels

    if "channels.testing" not in sys.modules:
        package = types.ModuleType("channels.testing")
        package.__path__ = [str(Path(channels.__file__).parent / "testing")]
        sys.modules["channels.testing"] = package
    from channels.testing.websocket import WebsocketCommunicator

    return WebsocketCommunicator


@pytest.mark.django_db(transaction=True)
def test_every_role_against_a_chat_conversation(settings, applicant, other_applicant):  # noqa: F811
    """A chat's socket opens for the agent who holds it and supervisors; everyone else is
    closed with the very code a reference with no chat gets."""
    import asyncio

    from contactcenter.asgi import application
    from contactcenter.assistant.services import knowledge_base_load, knowledge_index_reset
    from contactcenter.chat.services import chat_ask, chat_handoff, conversation_start
    from contactcenter.desk.services import desk_offer_accept, desk_presence_set
    from contactcenter.routing.reference_data import queues_load

    communicator_class = _communicator_class()
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.LIVE_HELP_ALWAYS_OPEN = True
    settings.SESSION_COOKIE_SECURE = False
    knowledge_base_load()
    knowledge_index_reset()
    queues_load()
    conversation, _token = conversation_start(language="en")
    chat_ask(conversation=conversation, question="How do I replace my green card?")
    chat_handoff(conversation=conversation)
    staff_roles = {
        "tier1": Role.TIER1, "tier1_other": Role.TIER1, "tier2": Role.TIER2,
        "tier2_other": Role.TIER2, "supervisor": Role.SUPERVISOR, "admin": Role.ADMIN,
        "office_staff": Role.OFFICE_STAFF, "office_staff_other": Role.OFFICE_STAFF,
        "field_office_staff": Role.OFFICE_STAFF,
    }  # fmt: skip
    users = {"holder_a": applicant[0], "holder_b": other_applicant[0]}
    users |= {role: _staff(base) for role, base in staff_roles.items()}
    agent = agent_ensure_for_user(user=users["tier1"])
    offered = desk_presence_set(agent=agent, presence="available")
    desk_offer_accept(agent=agent, item_id=offered.pk)
    reference = conversation.inquiry.reference_number

    def cookie(role: str) -> str:
        if role == "anonymous":
            return ""
        client = Client()
        client.force_login(users[role])
        return f"sessionid={client.cookies['sessionid'].value}"

    async def join(path: str, session: str) -> tuple[bool, int | None]:
        headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
        if session:
            headers.append((b"cookie", session.encode()))
        communicator = communicator_class(application, path, headers=headers)
        connected, code = await communicator.connect()
        if connected:
            await communicator.disconnect()
            return True, None
        return False, code

    owners = SOCKET_ROUTES["ws/chat/desk/<str:reference>"]
    wrong: list[str] = []
    for role in ROLES:
        session = cookie(role)
        target = asyncio.run(join(f"/ws/chat/desk/{reference}", session))
        missing = asyncio.run(join(f"/ws/chat/desk/{MISSING_REFERENCE}", session))
        if role in owners:
            if not target[0]:
                wrong.append(f"{role} not let in: {target}")
        elif target != missing or target[0]:
            wrong.append(f"{role}: chat {target}, missing {missing}")
    clear_disclosure_log_for_flush()  # SQLite's flush cannot delete the log's rows otherwise
    assert not wrong, wrong


@pytest.mark.parametrize("action", ["identity", "note", "escalate", "supervisor", "callback",
                                    "resolve", "unlock", "transfer", "transfer-cancel",
                                    "email-reply", "no-such-action"])  # fmt: skip
def test_every_inquiry_action_refuses_someone_elses_inquiry_like_a_missing_one(world, action):
    """Each action of the desk's inquiry page (the table in desk/views.py), not only notes."""
    from contactcenter.desk.views import ACTIONS, SUPERVISOR_ACTIONS

    assert action in ACTIONS | SUPERVISOR_ACTIONS or action == "no-such-action"
    route = _r("inquiry", "POST", lambda w, m: "", set(), {"note-body": "x"})
    for role in sorted(set(ROLES) - ROUTES["desk/inquiries/<str:reference>/"].owners):
        client = _client(world, role)
        missing = _answer(client, route, f"/desk/inquiries/{MISSING_REFERENCE}/{action}/")
        target = _answer(client, route, f"/desk/inquiries/{world['inquiry']}/{action}/")
        assert target == missing, (role, target, missing)


def test_the_inquiry_action_list_is_the_one_tested():
    from contactcenter.desk.views import ACTIONS, SUPERVISOR_ACTIONS

    tested = {"identity", "note", "escalate", "supervisor", "callback", "resolve", "unlock",
              "transfer", "transfer-cancel", "email-reply"}  # fmt: skip
    assert set(ACTIONS) | set(SUPERVISOR_ACTIONS) == tested
