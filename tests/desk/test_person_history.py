"""A person's contacts across channels on the inquiry page: only after the identity check,
through the audited case read (one disclosure-log row), within the viewer's right and, for a
representative, their G-28 cases; newest first, capped, at a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contactcenter.appointments.models import Appointment, AppointmentRequest, AppointmentSlot
from contactcenter.audit.models import DisclosureLog
from contactcenter.desk.person_history import (
    PERSON_HISTORY_LIMIT,
    PersonHistoryNotAvailable,
    person_history_for_viewer,
)
from contactcenter.inquiries.models import Inquiry
from contactcenter.inquiries.selectors import IdentityNotVerified
from contactcenter.inquiries.services import inquiry_open
from contactcenter.ivr.models import Call, FlowVersion
from contactcenter.routing.models import QueueTier, WorkItem, WorkKind, WorkState
from contactcenter.routing.services import (
    QueueChoice,
    agent_ensure_for_user,
    queue_for,
    work_item_enqueue,
)
from contactcenter.servicerequests.models import ServiceRequest, ServiceRequestType
from contactcenter.staff.models import Role
from tests.desk.conftest import GOOD_ANSWERS
from tests.factories import CaseFactory, OfficeFactory, PersonFactory, StaffUserFactory

NOW = timezone.now()
_numbers = itertools.count(10_000_000)


def _history_rows():
    return DisclosureLog.objects.filter(purpose__startswith="contact history")


def _at(obj, days_ago: float) -> None:
    """Move a record's creation time back, so the order of the history is known."""
    type(obj).objects.filter(pk=obj.pk).update(created_at=NOW - dt.timedelta(days=days_ago))


def _verified(*, case, channel="phone", verified_as="applicant", days_ago=0.0) -> Inquiry:
    inquiry = inquiry_open(channel=channel, person=case.applicant, case=case)
    Inquiry.objects.filter(pk=inquiry.pk).update(verified_as=verified_as, verified_at=NOW)
    _at(inquiry, days_ago)
    inquiry.refresh_from_db()
    return inquiry


def _contact(*, case=None, person=None, channel="phone", days_ago=1.0, **fields) -> Inquiry:
    inquiry = inquiry_open(channel=channel, person=person or case.applicant, case=case)
    Inquiry.objects.filter(pk=inquiry.pk).update(**fields)
    _at(inquiry, days_ago)
    return inquiry


def _service_request(*, inquiry, case, days_ago, **fields) -> ServiceRequest:
    kind, _created = ServiceRequestType.objects.get_or_create(
        code="expedite",
        defaults={"title_en": "Expedite request", "title_es": "Solicitud de trámite acelerado"},
    )
    request = ServiceRequest.objects.create(
        number=str(next(_numbers)), type=kind, inquiry=inquiry, case=case,
        office_id=case.office_id, submitted_by="agent", due_at=NOW, **fields,
    )  # fmt: skip
    _at(request, days_ago)
    return request


def _slot(office, days_ahead: int) -> AppointmentSlot:
    starts = NOW.replace(microsecond=0) + dt.timedelta(days=days_ahead, hours=next(_numbers) % 1000)
    return AppointmentSlot.objects.create(
        office=office, day=starts.date(), starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
        capacity=4, booked=1,
    )  # fmt: skip


def _appointment_request(*, inquiry, case, days_ago, booked=False) -> AppointmentRequest:
    request = AppointmentRequest.objects.create(
        inquiry=inquiry, reason="unresolved_case_problem", zip_code="68508", office=case.office,
        state="booked" if booked else "pending", review_due_at=NOW,
    )  # fmt: skip
    if booked:
        Appointment.objects.create(
            number=str(next(_numbers)) + "00", kind="field_office", slot=_slot(case.office, 5),
            office=case.office, request=request, inquiry=inquiry, case=case,
            person=case.applicant, reason="unresolved_case_problem", zip_code="68508",
        )  # fmt: skip
    _at(request, days_ago)
    return request


def _biometrics(*, case, days_ago) -> Appointment:
    appointment = Appointment.objects.create(
        number=str(next(_numbers)) + "11", kind="biometrics", slot=_slot(case.office, 9),
        office=case.office, case=case, person=case.applicant, reason="biometrics",
        zip_code="68508",
    )  # fmt: skip
    _at(appointment, days_ago)
    return appointment


def _ivr_call(inquiry, outcome: str) -> Call:
    flow, _created = FlowVersion.objects.get_or_create(
        line="main", version=1,
        defaults={"source_file": "main.yaml", "source": "", "checksum": "x", "definition": {}},
    )  # fmt: skip
    return Call.objects.create(
        call_sid=f"CA{next(_numbers)}", line="main", flow_version=flow, inquiry=inquiry,
        outcome=outcome, started_at=inquiry.created_at,
    )  # fmt: skip


def _worked_by(user, inquiry, *, state) -> WorkItem:
    """Work on ``inquiry`` given to ``user`` (held now, or done), as the desk's rule counts it."""
    item = work_item_enqueue(
        inquiry=inquiry, kind=WorkKind.CALL,
        queue=queue_for(QueueChoice(tier=QueueTier.TIER1, language="en", channel="phone")),
    )  # fmt: skip
    WorkItem.objects.filter(pk=item.pk).update(
        state=state, assigned_to=agent_ensure_for_user(user=user), assigned_at=NOW
    )
    return item


@pytest.fixture
def everything(case, queues):
    """Ana Reyes's contacts on every channel, oldest first, and the inquiry she is on now."""
    chat = _contact(case=case, channel="chat", days_ago=60, state="closed",
                    disposition="resolved_first_contact", closed_at=NOW)  # fmt: skip
    self_served = _contact(case=case, channel="phone", days_ago=50, state="closed",
                           disposition="resolved_first_contact", closed_at=NOW)  # fmt: skip
    _ivr_call(self_served, "self_served")
    callback = _contact(case=case, channel="phone", days_ago=40, state="callback_scheduled")
    work_item_enqueue(
        inquiry=callback, kind=WorkKind.CALLBACK,
        queue=queue_for(QueueChoice(tier=QueueTier.TIER2, language="en", channel="phone")),
    )  # fmt: skip
    message = _contact(person=case.applicant, channel="secure_message", days_ago=30)
    request = _service_request(inquiry=chat, case=case, days_ago=20)
    appointment_request = _appointment_request(
        inquiry=callback, case=case, days_ago=10, booked=True
    )
    biometrics = _biometrics(case=case, days_ago=5)
    return {
        "chat": chat, "self_served": self_served, "callback": callback, "message": message,
        "request": request, "appointment_request": appointment_request, "biometrics": biometrics,
    }  # fmt: skip


# --- before and after the identity check ------------------------------------------------------


def test_nothing_is_read_or_shown_before_the_identity_check(signed_in, held_call, case):
    client, user = signed_in(Role.TIER1)
    item = held_call(user)
    _contact(case=case, channel="chat", days_ago=3)
    page = client.get(f"/desk/inquiries/{item.inquiry.reference_number}/").content.decode()
    assert 'data-testid="person-history"' not in page and "Contact history" not in page
    with pytest.raises(IdentityNotVerified, match="Verify the person's identity"):
        person_history_for_viewer(viewer=user, inquiry=item.inquiry)
    assert not DisclosureLog.objects.exists()


def test_after_the_check_the_page_shows_the_history_and_logs_one_read(
    signed_in, held_call, case, everything
):
    client, user = signed_in(Role.TIER1)
    item = held_call(user)
    url = f"/desk/inquiries/{item.inquiry.reference_number}/"
    client.post(url + "identity/", GOOD_ANSWERS)
    before = DisclosureLog.objects.count()
    page = client.get(url).content.decode()
    assert 'data-testid="person-history"' in page
    panel = page.split('data-testid="person-history"')[1].split("</section>")[0]
    for text in ("Live chat", "Secure message", "Phone, callback", "Service request",
                 "Expedite request", "Biometrics appointment", "Appointment request",
                 "This contact", everything["chat"].reference_number):  # fmt: skip
        assert text in panel, text
    assert "8 contacts on record" in panel
    # This page view read the case for the case panel and for the history: one row each.
    rows = list(DisclosureLog.objects.order_by("id")[before:])
    assert len(rows) == 2
    (history,) = [row for row in rows if row.purpose.startswith("contact history")]
    assert (history.viewer, history.case, history.channel) == (user, case, "desk")
    assert history.fields == "contact_history" and history.outcome == "disclosed"
    assert item.inquiry.reference_number in history.purpose


def test_the_history_is_in_spanish_for_a_spanish_page(signed_in, held_call, case, everything):
    client, user = signed_in(Role.TIER1)
    item = held_call(user)
    url = f"/desk/inquiries/{item.inquiry.reference_number}/"
    client.post(url + "identity/", GOOD_ANSWERS)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    panel = page.split('data-testid="person-history"')[1].split("</section>")[0]
    assert "Historial de contactos" in panel and "Solicitud de servicio" in panel
    assert "Solicitud de trámite acelerado" in panel and "8 contactos registrados" in panel


# --- what the list holds -------------------------------------------------------------------


def test_every_channel_newest_first_with_what_happened(staff, case, everything):
    tier1 = staff(Role.TIER1)
    now = _verified(case=case)
    history = person_history_for_viewer(viewer=tier1, inquiry=now)
    assert history.total == 8 and not history.error
    assert [(e.kind, e.channel) for e in history.entries] == [
        ("inquiry", "phone"),  # this contact
        ("appointment", "appointment"),  # biometrics, booked by the agency
        ("appointment_request", "appointment"),
        ("service_request", "service_request"),
        ("inquiry", "secure_message"),
        ("inquiry", "callback"),
        ("inquiry", "phone"),  # served by the phone line alone
        ("inquiry", "chat"),
    ]
    times = [entry.at for entry in history.entries]
    assert times == sorted(times, reverse=True)
    by_number = {entry.number: entry for entry in history.entries}
    assert by_number[now.reference_number].is_current
    chat = by_number[everything["chat"].reference_number]
    assert chat.state_label == "Closed" and "Resolved at first contact" in chat.details
    served = by_number[everything["self_served"].reference_number]
    assert "Phone line: Self-served" in served.details
    callback = by_number[everything["callback"].reference_number]
    assert (
        callback.state_label == "Callback scheduled"
        and "Waiting for a Tier 2 callback" in callback.details
    )
    request = by_number[everything["request"].number]
    assert request.state_label == "Sent to the office" and request.details[0] == "Expedite request"
    booked = next(e for e in history.entries if e.kind == "appointment_request")
    assert booked.state_label == "Appointment offered and booked"
    assert any(detail.startswith("Appointment on ") for detail in booked.details)
    # Another person's contacts are not there.
    stranger = CaseFactory()
    _contact(case=stranger, channel="chat", days_ago=1)
    assert person_history_for_viewer(viewer=tier1, inquiry=now).total == 8


def test_a_link_only_to_inquiries_the_viewer_may_open(staff, signed_in, case, everything):
    tier1 = staff(Role.TIER1)
    now = _verified(case=case)
    # Tier 1 worked the chat once; the other inquiries were never theirs.
    _worked_by(tier1, everything["chat"], state=WorkState.DONE)
    linked = {e.number for e in person_history_for_viewer(viewer=tier1, inquiry=now).entries
              if e.kind == "inquiry" and e.inquiry_reference}  # fmt: skip
    assert linked == {everything["chat"].reference_number}
    supervisor = staff(Role.SUPERVISOR)
    entries = person_history_for_viewer(viewer=supervisor, inquiry=now).entries
    linked = {e.number for e in entries if e.kind == "inquiry" and e.inquiry_reference}
    # Every other inquiry; the one on screen is not linked to itself.
    assert now.reference_number not in linked and len(linked) == 4
    request = next(e for e in entries if e.kind == "service_request")
    assert request.inquiry_reference == everything["chat"].reference_number
    client, _supervisor = signed_in(Role.SUPERVISOR)
    page = client.get(f"/desk/inquiries/{now.reference_number}/").content.decode()
    panel = page.split('data-testid="person-history"')[1].split("</section>")[0]
    assert f'href="/desk/inquiries/{everything["chat"].reference_number}/"' in panel
    assert f'href="/desk/inquiries/{now.reference_number}/"' not in panel


def test_capped_at_fifty_with_the_total(staff, case):
    for n in range(PERSON_HISTORY_LIMIT + 5):
        _contact(case=case, channel="webform", days_ago=n + 1)
    now = _verified(case=case)
    history = person_history_for_viewer(viewer=staff(Role.TIER1), inquiry=now)
    assert len(history.entries) == PERSON_HISTORY_LIMIT
    assert history.total == PERSON_HISTORY_LIMIT + 6 and history.not_shown == 6
    assert history.entries[0].is_current


def test_a_constant_number_of_queries_whatever_the_size(case):
    small = CaseFactory()
    big = case

    def build(on, count: int) -> Inquiry:
        for n in range(count):
            inquiry = _contact(case=on, channel="chat", days_ago=n + 1)
            # One request of a type may be open per case; the older ones are resolved.
            done = {"state": "resolved", "resolved_at": NOW} if n else {}
            _service_request(inquiry=inquiry, case=on, days_ago=n + 1, **done)
            _appointment_request(inquiry=inquiry, case=on, days_ago=n + 1, booked=not n % 3)
            _biometrics(case=on, days_ago=n + 1)
        return _verified(case=on)

    one, twenty = build(small, 1), build(big, 20)

    def cost(inquiry: Inquiry, total: int) -> int:
        viewer = StaffUserFactory(role=Role.TIER1)  # a fresh user: nothing cached
        with CaptureQueriesContext(connection) as queries:
            history = person_history_for_viewer(viewer=viewer, inquiry=inquiry)
        assert history.total == total
        assert len(history.entries) == min(total, PERSON_HISTORY_LIMIT)
        return len(queries)

    # One contact of each kind against twenty (81 in all, past the cap): the same statements.
    assert cost(one, 5) == cost(twenty, 81)


# --- who sees what ---------------------------------------------------------------------------


def test_tier1_is_refused_a_protected_person_and_the_refusal_is_logged(staff, signed_in, db):
    applicant = PersonFactory()
    protected = CaseFactory(confidentiality="vawa", applicant=applicant)
    _contact(case=protected, channel="chat", days_ago=2)
    # Verified by a Tier 2 officer, then seen by Tier 1 (a reassigned item, a shared screen).
    now = _verified(case=protected)
    tier1 = staff(Role.TIER1)
    with pytest.raises(PersonHistoryNotAvailable, match="not available to you"):
        person_history_for_viewer(viewer=tier1, inquiry=now)
    refused = _history_rows().get()
    assert (refused.viewer, refused.case, refused.outcome, refused.fields) == (
        tier1, protected, "refused", "",
    )  # fmt: skip
    tier2 = staff(Role.TIER2)
    assert person_history_for_viewer(viewer=tier2, inquiry=now).total == 2
    # Protection follows the person: their ordinary case is refused to Tier 1 too.
    ordinary = CaseFactory(applicant=applicant)
    with pytest.raises(PersonHistoryNotAvailable):
        person_history_for_viewer(viewer=tier1, inquiry=_verified(case=ordinary))


def test_the_page_says_so_when_the_history_is_refused(signed_in, queues):
    protected = CaseFactory(confidentiality="t_visa")
    now = _verified(case=protected)
    client, _user = signed_in(Role.SUPERVISOR)
    page = client.get(f"/desk/inquiries/{now.reference_number}/").content.decode()
    assert 'data-testid="person-history-entries"' in page
    client.logout()
    tier1_client, tier1 = signed_in(Role.TIER1)
    # Tier 1 holding work on the inquiry may open it, but not the protected person's history.
    _worked_by(tier1, now, state=WorkState.ASSIGNED)
    page = tier1_client.get(f"/desk/inquiries/{now.reference_number}/").content.decode()
    assert "This person&#x27;s contact history is not available to you." in page
    assert 'data-testid="person-history-entries"' not in page


def test_a_representative_sees_only_their_g28_cases(staff, db):
    applicant = PersonFactory()
    represented = CaseFactory(represented=True, applicant=applicant)
    own = CaseFactory(applicant=applicant)  # no G-28 for this one
    on_theirs = _contact(case=represented, channel="phone", days_ago=5)
    on_other = _contact(case=own, channel="chat", days_ago=4)
    no_case = _contact(person=applicant, channel="secure_message", days_ago=3)
    _service_request(inquiry=on_other, case=own, days_ago=2)
    mine = _service_request(inquiry=on_theirs, case=represented, days_ago=2)
    now = _verified(case=represented, verified_as="representative")
    tier1 = staff(Role.TIER1)
    history = person_history_for_viewer(viewer=tier1, inquiry=now)
    numbers = {entry.number for entry in history.entries}
    assert numbers == {now.reference_number, on_theirs.reference_number, mine.number}
    assert history.total == 3
    # The applicant themselves sees all of it.
    applicant_now = _verified(case=own)
    numbers = {
        e.number for e in person_history_for_viewer(viewer=tier1, inquiry=applicant_now).entries
    }
    assert {on_other.reference_number, no_case.reference_number} <= numbers
    assert len(numbers) == 7


def test_office_staff_see_only_their_offices_cases(staff, db):
    here, there = OfficeFactory(code="ZLN"), OfficeFactory(code="ZNY")
    applicant = PersonFactory()
    ours = CaseFactory(applicant=applicant, office=here)
    theirs = CaseFactory(applicant=applicant, office=there)
    on_ours = _contact(case=ours, channel="chat", days_ago=3)
    _contact(case=theirs, channel="chat", days_ago=2)
    _contact(person=applicant, channel="secure_message", days_ago=1)
    now = _verified(case=ours)
    clerk = staff(Role.OFFICE_STAFF, office=here)
    history = person_history_for_viewer(viewer=clerk, inquiry=now)
    assert {e.number for e in history.entries} == {now.reference_number, on_ours.reference_number}
    elsewhere = staff(Role.OFFICE_STAFF, office=there)
    with pytest.raises(PersonHistoryNotAvailable):
        person_history_for_viewer(viewer=elsewhere, inquiry=now)


def test_an_agency_disposition_shows_its_label_in_the_viewers_language(case, staff):
    from django.utils import translation

    from contactcenter.inquiries.services import disposition_save

    disposition_save(code="consulate_referral", label_en="Referred to a consulate",
                     label_es="Remitido a un consulado")  # fmt: skip
    _contact(case=case, channel="phone", days_ago=3, state="closed",
             disposition="consulate_referral")  # fmt: skip
    _contact(case=case, channel="chat", days_ago=2, state="closed",
             disposition="resolved_first_contact")  # fmt: skip
    now = _verified(case=case)
    viewer = staff(Role.TIER1)

    def details(language: str) -> list[str]:
        with translation.override(language):
            history = person_history_for_viewer(viewer=viewer, inquiry=now)
        return [" · ".join(entry.details) for entry in history.entries if entry.details]

    english = details("en")
    assert "Referred to a consulate" in english and "consulate_referral" not in english
    spanish = details("es")
    assert "Remitido a un consulado" in spanish and "consulate_referral" not in spanish
    # A built-in keeps its label in both languages.
    assert any("first contact" in d for d in english), english


def test_agency_dispositions_cost_no_query_per_row(case, staff):
    from contactcenter.inquiries.services import disposition_save

    for n in range(6):
        disposition_save(code=f"agency_code_{n}", label_en=f"Agency {n}", label_es=f"Agencia {n}")
    small, big = CaseFactory(), case
    _contact(case=small, days_ago=1, state="closed", disposition="agency_code_0")
    for n in range(6):
        _contact(case=big, days_ago=n + 1, state="closed", disposition=f"agency_code_{n}")
    one, six = _verified(case=small), _verified(case=big)

    def cost(inquiry: Inquiry) -> tuple[int, list[str]]:
        viewer = StaffUserFactory(role=Role.TIER1)
        with CaptureQueriesContext(connection) as queries:
            history = person_history_for_viewer(viewer=viewer, inquiry=inquiry)
        return len(queries), [d for entry in history.entries for d in entry.details]

    few, few_details = cost(one)
    many, many_details = cost(six)
    assert few == many
    assert "Agency 0" in few_details and {f"Agency {n}" for n in range(6)} <= set(many_details)
