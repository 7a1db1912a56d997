"""Every staff page with rows of what it lists, for the tests that read them all
(tests/desk/test_query_counts.py counts their queries; tests/test_axe_staff.py checks them with
axe-core). Each ``Page`` names the role that uses it, a ``start`` that makes what the page is
about and returns its URL, and a ``grow`` that adds rows; everything goes through the
services, as the desk itself would write it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from django.test import Client

from contactcenter.appointments import services as appointment_services
from contactcenter.appointments.models import Appointment, AppointmentSlot
from contactcenter.appointments.slots import appointment_slots_generate
from contactcenter.cases.selectors import case_get_for_viewer
from contactcenter.chat.services import chat_handoff, chat_post, conversation_start
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.desk.callbacks import callback_record_attempt
from contactcenter.inquiries.models import Inquiry
from contactcenter.inquiries.services import (
    disposition_save,
    inquiry_add_note,
    inquiry_open,
    inquiry_request_supervisor,
    inquiry_schedule_callback,
    inquiry_verified_by_account,
)
from contactcenter.offices.models import Office
from contactcenter.portal.models import RepresentativeLink
from contactcenter.portal.services import thread_message_add, thread_start
from contactcenter.routing.models import Agent, QueueTier, WorkItem, WorkKind, WorkState
from contactcenter.routing.reference_data import queues_load
from contactcenter.routing.services import (
    QueueChoice,
    agent_ensure_for_user,
    queue_for,
    work_item_enqueue,
    work_item_reassign,
    work_items_cancel_for_inquiry,
)
from contactcenter.servicerequests.request_types import (
    service_request_types_cache_reset,
    service_request_types_load,
)
from contactcenter.servicerequests.services import service_request_create, service_request_reply
from contactcenter.staff.models import Role
from tests.factories import (
    CaseFactory,
    OfficeFactory,
    PersonFactory,
    RepresentativeFactory,
    StaffUserFactory,
    UserFactory,
)

ROWS_FEW, ROWS_MANY = 1, 10
# Room for ten of everything on one agent (the database refuses a load past capacity).
ROOMY = dict.fromkeys(
    ("phone", "chat", "callback", "secure_message", "webform", "call", "webform_reply",
     "supervisor_request"),
    50,
)  # fmt: skip
_numbers = itertools.count(1)


def _phone() -> str:
    return f"+1402555{next(_numbers):04d}"


def _staff(role: str, **kwargs):
    """A member of staff with two-step verification on (the secure-message pages ask)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = StaffUserFactory(role=role, **kwargs)
    TOTP.activate(user, generate_totp_secret())
    return user


def staff_client(user) -> Client:
    """A test client signed in as ``user``, past the second step (signed out for None)."""
    client = Client()
    if user is None:
        return client
    client.force_login(user)
    session = client.session  # this session passed its second step
    session["account_authentication_methods"] = [{"method": "mfa", "at": time.time()}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def _agent(user) -> Agent:
    agent = agent_ensure_for_user(user=user)
    Agent.objects.filter(pk=agent.pk).update(capacity=ROOMY)
    agent.refresh_from_db()
    return agent


def _case(office: Office | None = None):
    applicant = PersonFactory(with_a_number=True, zip_code="10025", phone=_phone())
    return CaseFactory(applicant=applicant, office=office or Office.objects.get(code="NBC"))


def _verified(channel: str, case=None):
    case = case or _case()
    inquiry = inquiry_open(channel=channel, language="en", contact_phone=_phone(),
                           contact_email="caller@example.com")  # fmt: skip
    return inquiry_verified_by_account(inquiry=inquiry, case=case, verified_as="applicant")


def _held(inquiry, kind: str, agent: Agent) -> WorkItem:
    tier = QueueTier.TIER1
    channel = "chat" if kind == WorkKind.CHAT else "phone"
    queue = queue_for(QueueChoice(tier=tier, language="en", channel=channel))
    item = work_item_enqueue(inquiry=inquiry, kind=kind, queue=queue)
    return work_item_reassign(item_id=item.pk, to_agent=agent)


@dataclasses.dataclass
class World:
    users: dict
    state: dict


@pytest.fixture
def world(settings, reference_data, always_open, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    service_request_types_cache_reset()
    service_request_types_load()
    queues_load()
    office = Office.objects.get(code="NBC")
    users = {
        "anonymous": None,
        "tier1": _staff(Role.TIER1),
        "tier2": _staff(Role.TIER2),
        "supervisor": _staff(Role.SUPERVISOR),
        "office": _staff(Role.OFFICE_STAFF, office=office),
    }
    yield World(users=users, state={"office": office})
    service_request_types_cache_reset()


@dataclasses.dataclass(frozen=True)
class Page:
    role: str
    # Called once before the first count: what the page is about; returns its URL.
    start: Callable[[World], str]
    # Adds ``n`` rows of what the page lists.
    grow: Callable[[World, int], None]
    # Text each row puts on the page, to check the rows are shown.
    marker: str | None = None
    # A fragment the page fetches to refresh a part of itself, not a page of its own.
    fragment: bool = False
    status: int = 200


# --- The builders ---------------------------------------------------------------------------


def _hours_start(w: World) -> str:
    """Four weeks of history for one queue, so the page shows a recommendation."""
    from contactcenter.routing.models import Queue
    from tests.workforce.hours_data import MONDAY, QUEUE, arrivals_facts_write

    arrivals_facts_write(Queue.objects.get(code=QUEUE))
    return f"/desk/planning/hours/?week={MONDAY.isoformat()}&budget=100000&days=mon&days=tue"


def _hours_grow(w: World, n: int) -> None:
    """Earlier approvals of hours, each listed."""
    import datetime as dt

    from contactcenter.routing.models import LiveHelpHours

    for index in range(n):
        LiveHelpHours.objects.create(
            effective_from=dt.date(2030, 1, 1) + dt.timedelta(days=index),
            hours=[{"weekday": 0, "opens": "08:00", "closes": "20:00"}],
            approved_by=w.users["supervisor"],
        )


def _schedule_save(w: World, *, publish: bool) -> None:
    """A schedule of the current week with ``w.state["lines"]`` agent lines (that many agents
    9:00-17:00 on weekdays, one pattern without breaks), Line 1 handed to the Tier 1 agent."""
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.utils import timezone

    from contactcenter.workforce.schedule import requirement_from_starts, schedule_make
    from contactcenter.workforce.services import schedule_publish, schedule_save
    from contactcenter.workforce.shifts import patterns_parse

    zone = ZoneInfo(settings.LIVE_HELP_TIME_ZONE)
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    need = {
        dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(hour, minute), zone): w.state[
            "lines"
        ]
        for day in range(5)
        for hour in range(9, 17)
        for minute in (0, 30)
    }
    pattern = {"code": "day", "label": {"en": "Day"}, "starts": ["09:00"], "length": 480,
               "days": 5, "weekdays": ["mon", "tue", "wed", "thu", "fri"]}  # fmt: skip
    result = schedule_make(
        requirement=requirement_from_starts(
            monday=monday, minutes=30, zone=zone, agents_by_start=need
        ),
        patterns=patterns_parse({"patterns": [pattern]}),
        absence=0.0,
        agents=[(w.users["tier1"].pk, w.users["tier1"].get_username())],
    )
    schedule = schedule_save(result=result)
    if publish:
        schedule_publish(schedule=schedule)


def _schedule_grow(w: World, n: int) -> None:
    """A newer draft of the week with ``n`` more agent lines, each a row of the table."""
    w.state["lines"] = w.state.get("lines", 0) + n
    _schedule_save(w, publish=False)


def _my_schedule_grow(w: World, n: int) -> None:
    """A newer published schedule with ``n`` more lines: other agents' shifts, never read."""
    w.state["lines"] = w.state.get("lines", 0) + n
    _schedule_save(w, publish=True)


def _home_start(w: World) -> str:
    w.state["agent"] = _agent(w.users["tier1"])
    return "/desk/"


def _home_grow(w: World, n: int) -> None:
    for _ in range(n):
        inquiry = inquiry_open(channel="phone", language="en", contact_phone=_phone())
        _held(inquiry, WorkKind.CALL, w.state["agent"])


def _inquiry_start(channel: str) -> Callable[[World], str]:
    def start(w: World) -> str:
        agent = _agent(w.users["tier1"])
        if channel == "chat":
            conversation, _token = conversation_start(language="en")
            conversation = chat_handoff(conversation=conversation)
            inquiry = conversation.inquiry
            inquiry_verified_by_account(inquiry=inquiry, case=_case(), verified_as="applicant")
            item = WorkItem.objects.get(inquiry=inquiry, state=WorkState.QUEUED)
            work_item_reassign(item_id=item.pk, to_agent=agent)
            w.state["conversation"] = conversation
        elif channel == "secure_message":
            case = _case()
            user = UserFactory()
            thread = thread_start(user=user, case=case, subject="My card", body="Where is it?",
                                  language="en")  # fmt: skip
            inquiry = thread.inquiry
            item = WorkItem.objects.get(inquiry=inquiry, state=WorkState.QUEUED)
            work_item_reassign(item_id=item.pk, to_agent=agent)
            w.state["thread"], w.state["thread_user"] = thread, user
        else:
            kind = {"phone": WorkKind.CALL, "webform": WorkKind.WEBFORM_REPLY}[channel]
            inquiry = _verified(channel)
            _held(inquiry, kind, agent)
        inquiry.refresh_from_db()
        w.state["inquiry"] = inquiry
        return f"/desk/inquiries/{inquiry.reference_number}/"

    return start


def _inquiry_grow(w: World, n: int) -> None:
    inquiry = w.state["inquiry"]
    for _ in range(n):
        inquiry_add_note(inquiry=inquiry, actor=w.users["tier1"], body="Row note")
        if "conversation" in w.state:
            chat_post(conversation_id=w.state["conversation"].pk, body="Row message",
                      sender="person", author=None, client_id="")  # fmt: skip
        if "thread" in w.state:
            thread_message_add(user=w.state["thread_user"], thread=w.state["thread"],
                               body="Row message", language="en")  # fmt: skip


def _callbacks_start(w: World) -> str:
    w.state["agent"] = _agent(w.users["tier2"])
    return "/desk/callbacks/"


def _callbacks_grow(w: World, n: int) -> None:
    agent = w.state["agent"]
    for _ in range(n):
        phone = _phone()
        inquiry = inquiry_open(channel="phone", language="en", contact_phone=phone)
        inquiry_schedule_callback(inquiry=inquiry, actor=None, phone=phone)
        item = WorkItem.objects.get(inquiry=inquiry, kind=WorkKind.CALLBACK)
        work_item_reassign(item_id=item.pk, to_agent=agent)
        callback_record_attempt(agent=agent, item_id=item.pk, outcome="no_answer", note="Row")


def _callback_verified_start(w: World) -> str:
    """A callback held on a verified caller, open: the right pane shows the case and the
    person's history, which grows with their earlier contacts (closed with the agency's own
    wrap-up code, whose label is read with the history)."""
    disposition_save(code="card_trace", label_en="Card trace requested",
                     label_es="Rastreo de tarjeta solicitado")  # fmt: skip
    agent = w.state["agent"] = _agent(w.users["tier2"])
    case = w.state["case"] = _case()
    inquiry = _verified("phone", case=case)
    inquiry_schedule_callback(inquiry=inquiry, actor=None, phone=inquiry.contact_phone)
    item = WorkItem.objects.get(inquiry=inquiry, kind=WorkKind.CALLBACK)
    work_item_reassign(item_id=item.pk, to_agent=agent)
    return f"/desk/callbacks/{item.pk}/"


def _callback_verified_grow(w: World, n: int) -> None:
    _callbacks_grow(w, n)
    for _ in range(n):
        earlier = _verified("phone", case=w.state["case"])
        Inquiry.objects.filter(pk=earlier.pk).update(state="closed", disposition="card_trace")


def _board_grow(w: World, n: int) -> None:
    for _ in range(n):
        queued = inquiry_open(channel="phone", language="en", contact_phone=_phone())
        queue = queue_for(QueueChoice(tier=QueueTier.TIER1, language="en", channel="phone"))
        work_item_enqueue(inquiry=queued, kind=WorkKind.CALL, queue=queue)
        agent_user = _staff(Role.TIER1)
        held = inquiry_open(channel="phone", language="en", contact_phone=_phone())
        _held(held, WorkKind.CALL, _agent(agent_user))
        inquiry_request_supervisor(inquiry=held, actor=agent_user, reason="Row asks")


def _wallboard_grow(w: World, n: int) -> None:
    """Per row: a queue more (loaded as reference data is), work waiting, an agent holding a
    call, a supervisor request, and a chat abandoned, still settling in the event log."""
    _board_grow(w, n)
    extra = w.state.setdefault("extra_queues", [])
    for _ in range(n):
        number = len(extra) + 1
        extra.append(
            {"code": f"extra-{number}", "name_en": f"Extra {number}", "name_es": f"Extra {number}",
             "tier": "tier1", "language": "en", "channels": ["phone"]}
        )  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "queues.yaml"
        path.write_text(yaml.safe_dump(extra))
        queues_load(path=path)
    for _ in range(n):
        left = inquiry_open(channel="chat", language="es", contact_phone=_phone())
        queue = queue_for(QueueChoice(tier=QueueTier.TIER1, language="es", channel="chat"))
        work_item_enqueue(inquiry=left, kind=WorkKind.CHAT, queue=queue)
        work_items_cancel_for_inquiry(inquiry=left, abandoned=True)


def _reports_grow(w: World, n: int) -> None:
    """A day of counts per row, for a queue, within the report's range."""
    from tests.factories import interval_facts_create

    queue = queue_for(QueueChoice(tier=QueueTier.TIER1, language="en", channel="phone"))
    for _ in range(n):
        day = w.state.setdefault("report_days", 0)
        w.state["report_days"] = day + 1
        start = dt.datetime(2026, 10, 1, 14, 0, tzinfo=dt.UTC) + dt.timedelta(days=day)
        interval_facts_create(interval_start=start, queue_id=queue.pk, channel="phone",
                                     language="en", queued=10, answered=9, answered_within=8,
                                     abandoned=1)  # fmt: skip


def _agent_report_grow(w: World, n: int) -> None:
    """A new agent per row, with a day of contacts and time by state in the report's range."""
    from contactcenter.operations.services import agent_facts_add

    for _ in range(n):
        agent = agent_ensure_for_user(user=_staff(Role.TIER1))
        start = dt.datetime(2026, 10, 5, 14, 0, tzinfo=dt.UTC)
        agent_facts_add(
            contacts={(start, agent.pk, 0, "phone"): {"answered": 3, "handled": 3,
                                                      "talk_ms": 900_000}},
            states={(start, agent.pk, "busy"): 900_000},
        )  # fmt: skip


def _office_report_grow(w: World, n: int) -> None:
    """A new office per row, with a day of requests in the report's range."""
    from contactcenter.operations.services import office_facts_add

    for _ in range(n):
        office = OfficeFactory()
        office_facts_add(facts={(dt.date(2026, 10, 5), office.pk, "service_request"): {
            "received": 4, "resolved": 2, "resolved_timed": 2, "resolve_ms": 7_200_000,
        }})  # fmt: skip


def _journey_contact(w: World, case) -> None:
    """A verified phone contact about ``case`` on a day of October 2026."""
    day = w.state.setdefault("journey_days", 0)
    w.state["journey_days"] = day + 1
    inquiry = _verified("phone", case)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        created_at=dt.datetime(2026, 10, 1 + day % 28, 15, 0, tzinfo=dt.UTC)
    )


def _journeys_grow(w: World, n: int) -> None:
    """A person per row, each with a contact in the range."""
    for _ in range(n):
        _journey_contact(w, _case())


def _journey_person_start(w: World) -> str:
    w.state["journey_case"] = case = _case()
    _journey_contact(w, case)
    return f"/desk/journeys/person/{case.applicant_id}/"


def _journey_person_grow(w: World, n: int) -> None:
    for _ in range(n):
        _journey_contact(w, w.state["journey_case"])


def _surveys_grow(w: World, n: int) -> None:
    """An answered survey with a comment, each handled by a new agent (a row when grouped by
    agent, a comment in the list)."""
    from django.utils import timezone

    from contactcenter.surveys.models import Survey

    queue = queue_for(QueueChoice(tier=QueueTier.TIER1, language="en", channel="phone"))
    now = timezone.now()
    for _ in range(n):
        agent = StaffUserFactory(role=Role.TIER1, first_name="Agent", last_name=str(time.time_ns()))
        Survey.objects.create(
            inquiry=inquiry_open(channel="phone"), channel="phone", invited_by="ivr",
            queue=queue, agent=agent, invited_at=now, expires_at=now + dt.timedelta(days=28),
            score=4, answered_at=now, comment="Helpful.",
        )  # fmt: skip


def _office_request(w: World):
    inquiry = _verified("phone", _case(w.state["office"]))
    return service_request_create(
        inquiry=inquiry, actor=w.users["tier1"], type_code="typographic-error",
        details={"document": "card", "description": "Birth date is wrong."},
    ).request  # fmt: skip


def _office_queue_grow(w: World, n: int) -> None:
    for _ in range(n):
        _office_request(w)


def _office_request_start(w: World) -> str:
    w.state["request"] = _office_request(w)
    return f"/service-requests/office/{w.state['request'].number}/"


def _office_request_grow(w: World, n: int) -> None:
    for _ in range(n):
        service_request_reply(request=w.state["request"], actor=w.users["office"],
                              body="Row reply")  # fmt: skip
        w.state["request"].refresh_from_db()


def _messages_grow(w: World, n: int) -> None:
    for _ in range(n):
        thread_start(user=UserFactory(), case=_case(), subject="Row subject", body="Question",
                     language="en")  # fmt: skip


def _thread_start(w: World) -> str:
    user = UserFactory()
    thread = thread_start(user=user, case=_case(), subject="My card", body="Where is it?",
                          language="en")  # fmt: skip
    w.state["thread"], w.state["thread_user"] = thread, user
    return f"/desk/messages/{thread.pk}/"


def _thread_grow(w: World, n: int) -> None:
    for _ in range(n):
        thread_message_add(user=w.state["thread_user"], thread=w.state["thread"],
                           body="Row message", language="en")  # fmt: skip


def _representatives_grow(w: World, n: int) -> None:
    for _ in range(n):
        RepresentativeLink.objects.create(
            user=UserFactory(), representative=RepresentativeFactory()
        )


NYC_ZIP = "10472"


def _appointment_requests_grow(w: World, n: int) -> None:
    for _ in range(n):
        inquiry = inquiry_open(channel="phone", contact_email="q@example.com")
        appointment_services.appointment_request_create(
            inquiry=inquiry, reason="emergency_travel_document", zip_code=NYC_ZIP,
            accommodations=["wheelchair_access"],
        )  # fmt: skip


def _appointment_request_start(w: World) -> str:
    inquiry = inquiry_open(channel="phone", contact_email="q@example.com")
    request = appointment_services.appointment_request_create(
        inquiry=inquiry, reason="emergency_travel_document", zip_code=NYC_ZIP,
        accommodations=["wheelchair_access"],
    )  # fmt: skip
    w.state["appointment_request"] = request
    w.state["day"] = dt.date.today() + dt.timedelta(days=1)
    return f"/appointments/staff/requests/{request.pk}/"


def _slots_grow(w: World, n: int) -> None:
    """More open days, so more times are offered on the request's page."""
    office = w.state["appointment_request"].office
    day = w.state["day"]
    appointment_slots_generate(office=office, first_day=day, last_day=day + dt.timedelta(days=n))
    w.state["day"] = day + dt.timedelta(days=n + 1)


def _roster_start(w: World) -> str:
    inquiry = inquiry_open(channel="phone", contact_email="q@example.com")
    request = appointment_services.appointment_request_create(
        inquiry=inquiry, reason="emergency_travel_document", zip_code=NYC_ZIP
    )
    office = request.office
    day = dt.date.today() + dt.timedelta(days=1)
    while not AppointmentSlot.objects.filter(office=office, day=day).exists():
        appointment_slots_generate(office=office, first_day=day, last_day=day)
        if not AppointmentSlot.objects.filter(office=office, day=day).exists():
            day += dt.timedelta(days=1)
    w.state.update(office=office, day=day, first=request)
    return f"/appointments/staff/offices/{office.code}/{day.isoformat()}/"


def _roster_grow(w: World, n: int) -> None:
    office, day = w.state["office"], w.state["day"]
    for _ in range(n):
        request = w.state.pop("first", None)
        if request is None:
            inquiry = inquiry_open(channel="phone", contact_email="q@example.com")
            request = appointment_services.appointment_request_create(
                inquiry=inquiry, reason="emergency_travel_document", zip_code=NYC_ZIP
            )
        slot = (
            AppointmentSlot.objects.filter(office=office, day=day, booked__lt=1)
            .order_by("starts_at")
            .first()
        ) or AppointmentSlot.objects.filter(office=office, day=day).order_by("starts_at").first()
        appointment_services.appointment_request_offer_slot(
            request=request, slot=slot, reviewer=w.users["tier2"]
        )


def _accounting_start(w: World) -> str:
    case = _case()
    w.state["case"] = case
    return f"/desk/records/accounting/{case.applicant_id}/"


def _accounting_grow(w: World, n: int) -> None:
    case = w.state["case"]
    for _ in range(n):
        case_get_for_viewer(
            viewer=w.users["supervisor"], receipt_number=ReceiptNumber.parse(case.receipt_number),
            channel="desk", purpose="row", fields="status",
        )  # fmt: skip


def _nothing(w: World, n: int) -> None:
    return None


def _scan(w: World):
    """A scanned batch of one small JPEG page at the office staff's office (its OCR task runs
    after the commit, which these tests never reach: the page waits to be read)."""
    import io

    from PIL import Image

    from contactcenter.mailroom.services import ScanFile, scan_batch_create

    buffer = io.BytesIO()
    Image.new("L", (60, 40), 255).save(buffer, format="JPEG")
    return scan_batch_create(
        actor=w.users["office"], files=[ScanFile("scan.jpg", buffer.getvalue())]
    )


def _mailroom_grow(w: World, n: int) -> None:
    for _ in range(n):
        _scan(w)


def _scanned_page_start(w: World) -> str:
    w.state["batch"] = _scan(w)
    return f"/desk/mail-room/pages/{w.state['batch'].pages.get().pk}/"


def _office_letter_start(w: World) -> str:
    """A one-page letter about a case the office holds, read and confirmed."""
    from contactcenter.mailroom.services import letter_confirm, scanned_page_read

    page = scanned_page_read(page_id=_scan(w).pages.get().pk)
    letter = letter_confirm(
        actor=w.users["office"], page_ids=[page.pk],
        receipt_number=_case(w.state["office"]).receipt_number,
    )  # fmt: skip
    return f"/desk/mail-room/letters/{letter.pk}/"


def _faxes_grow(w: World, n: int) -> None:
    """Faxes with no cover sheet, each waiting for review (read as the worker would)."""
    from contactcenter.mailroom.services import fax_process, fax_receive
    from tests.evidence_files import pdf_plain

    content = pdf_plain()
    for _ in range(n):
        received = fax_receive(
            provider="generic", provider_fax_id=f"fax-{next(_numbers)}", content=content
        )
        fax_process(fax_id=received.fax.pk)


def _service_request_form_start(w: World) -> str:
    inquiry = _verified("phone")
    _held(inquiry, WorkKind.CALL, _agent(w.users["tier1"]))
    return f"/service-requests/new/{inquiry.reference_number}/"


def _staff_appointment_start(w: World) -> str:
    url = _roster_start(w)
    _roster_grow(w, 1)
    appointment = Appointment.objects.filter(office=w.state["office"]).order_by("id").first()
    assert appointment is not None, url
    return f"/appointments/staff/appointments/{appointment.number}/"


PAGES: dict[str, Page] = {
    "desk home": Page("tier1", _home_start, _home_grow, "/desk/inquiries/"),
    "inquiry (phone)": Page("tier1", _inquiry_start("phone"), _inquiry_grow, "Row note"),
    "inquiry (chat)": Page("tier1", _inquiry_start("chat"), _inquiry_grow, "Row note"),
    "inquiry (secure message)": Page(
        "tier1", _inquiry_start("secure_message"), _inquiry_grow, "Row note"
    ),
    "inquiry (web form)": Page("tier1", _inquiry_start("webform"), _inquiry_grow, "Row note"),
    "callbacks": Page("tier2", _callbacks_start, _callbacks_grow, 'data-testid="callback"'),
    "callback (verified caller)": Page(
        "tier2", _callback_verified_start, _callback_verified_grow, "Card trace requested"
    ),
    "supervisor board": Page(
        "supervisor", lambda w: "/desk/supervisor/", _board_grow, 'data-testid="agent-presence"'
    ),
    "supervisor board (live fragment)": Page(
        "supervisor",
        lambda w: "/desk/supervisor/board/",
        _board_grow,
        'data-testid="agent-presence"',
        fragment=True,
    ),
    "wallboard": Page(
        "supervisor", lambda w: "/desk/wallboard/", _wallboard_grow, 'data-testid="waiting"'
    ),
    "wallboard (live fragment)": Page(
        "supervisor",
        lambda w: "/desk/wallboard/board/",
        _wallboard_grow,
        'data-testid="waiting"',
        fragment=True,
    ),
    "office queue": Page(
        "office",
        lambda w: "/service-requests/office/",
        _office_queue_grow,
        "/service-requests/office/",
    ),
    "office request": Page("office", _office_request_start, _office_request_grow, "Row reply"),
    "secure messages": Page("tier1", lambda w: "/desk/messages/", _messages_grow, "Row subject"),
    "secure message thread": Page("tier1", _thread_start, _thread_grow, "Row message"),
    "representatives": Page(
        "supervisor",
        lambda w: "/desk/messages/representatives/",
        _representatives_grow,
        "/approve/",
    ),
    "appointment review": Page(
        "tier2",
        lambda w: "/appointments/staff/",
        _appointment_requests_grow,
        "/appointments/staff/requests/",
    ),
    "appointment request": Page("tier2", _appointment_request_start, _slots_grow, 'name="slot"'),
    "office day roster": Page("tier2", _roster_start, _roster_grow, "<tr>"),
    "reports": Page(
        "supervisor",
        lambda w: "/desk/reports/?first=2026-10-01&last=2026-10-31&grain=day&by=queue",
        _reports_grow,
        'data-testid="report-row"',
    ),
    "reports by agent": Page(
        "supervisor",
        lambda w: "/desk/reports/?first=2026-10-01&last=2026-10-31&grain=day&by=agent",
        _agent_report_grow,
        'data-testid="report-row"',
    ),
    "reports by office": Page(
        "supervisor",
        lambda w: "/desk/reports/?first=2026-10-01&last=2026-10-31&grain=month&by=office",
        _office_report_grow,
        'data-testid="report-row"',
    ),
    "journeys": Page(
        "supervisor", lambda w: "/desk/journeys/?first=2026-10-01&last=2026-10-31", _journeys_grow
    ),
    "journeys behind a figure": Page(
        "supervisor",
        lambda w: "/desk/journeys/list/?first=2026-10-01&last=2026-10-31&figure=contacts",
        _journeys_grow,
        'data-testid="journey"',
    ),
    "one person's journey": Page(
        "supervisor", _journey_person_start, _journey_person_grow, 'data-testid="journey-step"'
    ),
    "survey results": Page(
        "supervisor",
        lambda w: "/desk/surveys/?by=agent",
        _surveys_grow,
        'data-testid="survey-results-row"',
    ),
    "hours of live help": Page(
        "supervisor", _hours_start, _hours_grow, 'data-testid="hours-approval"'
    ),
    "schedule": Page(
        "supervisor",
        lambda w: "/desk/planning/schedule/?draft=1",
        _schedule_grow,
        'data-testid="schedule-line"',
    ),
    "my schedule": Page("tier1", lambda w: "/desk/my-schedule/", _my_schedule_grow),
    "records: find a person": Page("supervisor", lambda w: "/desk/records/accounting/", _nothing),
    "records: accounting": Page("supervisor", _accounting_start, _accounting_grow, "row"),
    "mail room": Page(
        "office", lambda w: "/desk/mail-room/", _mailroom_grow, 'data-testid="scanned-page"'
    ),
    "fax review": Page(
        "supervisor", lambda w: "/desk/mail-room/faxes/", _faxes_grow, 'data-testid="fax"'
    ),
    # Pages that list nothing that grows, here for the accessibility check.
    "sign-in": Page("anonymous", lambda w: "/desk/login/", _nothing),
    "another role's page (refused)": Page(
        "tier1", lambda w: "/desk/supervisor/", _nothing, status=403
    ),
    "access codes": Page("supervisor", lambda w: "/desk/messages/access-codes/", _nothing),
    "service request form": Page("tier1", _service_request_form_start, _nothing),
    "appointment (staff)": Page("tier2", _staff_appointment_start, _nothing),
    "scanned page": Page("office", _scanned_page_start, _nothing),
    "letter (office)": Page("office", _office_letter_start, _nothing),
}
