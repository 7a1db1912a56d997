"""Retention per record type as data, legal holds, and the purge that honours them and keeps
the disclosure log's chain verifiable."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from contactcenter.audit.models import DisclosureLog, PurgedDisclosure
from contactcenter.audit.selectors import disclosure_chain_verify
from contactcenter.audit.services import disclosure_chain_seal, disclosure_record
from contactcenter.chat.models import Conversation
from contactcenter.chat.models import Message as ChatMessage
from contactcenter.core.errors import ErrorCode, InvalidInput
from contactcenter.inquiries.models import Inquiry, InquiryEvent
from contactcenter.inquiries.services import inquiry_open
from contactcenter.ivr.models import Call
from contactcenter.notifications.models import Notification
from contactcenter.portal.models import Thread
from contactcenter.records.retention import (
    RetentionFileError,
    retention_schedule,
    retention_schedule_parse,
)
from contactcenter.records.services import legal_hold_release, legal_hold_set, retention_purge
from contactcenter.staff.models import Role
from tests.audit.tampering import raw
from tests.factories import CaseFactory, PersonFactory, StaffUserFactory
from tests.records.builders import (
    call_for,
    chat_for,
    closed_inquiry,
    notification_for,
    thread_for,
)

pytestmark = pytest.mark.django_db


# --- The schedule --------------------------------------------------------------------------


def test_the_shipped_schedule_follows_grs_6_5_and_the_privacy_act():
    schedule = retention_schedule()
    for contact in ("inquiry", "call", "chat", "secure_message", "notification", "contact_event",
                    "survey"):  # fmt: skip
        assert schedule.types[contact].keep_years == 1
        assert "GRS 6.5" in schedule.types[contact].authority
    accounting = schedule.types["disclosure_accounting"]
    assert (accounting.keep_years, accounting.or_life_of_record) == (5, True)
    assert "552a(c)(2)" in accounting.authority


SHIPPED = __import__(
    "contactcenter.records.retention", fromlist=["SCHEDULE_FILE"]
).SCHEDULE_FILE.read_text()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("- just a list", "file"),
        (":\n  - [", "file"),
        (SHIPPED.replace("keep_years: 5", "keep_years: 0"), "disclosure_accounting.keep_years"),
        (SHIPPED.replace("keep_years: 5", "keep_years: five"), "disclosure_accounting.keep_years"),
        (SHIPPED.replace("  notification:", "  postcards:"), "postcards"),
        (SHIPPED.replace("after: sent", "after: resolution"), "notification.after"),
        (SHIPPED.replace("[approved, denied, card_delivered]", "[gone]"), "record_life_ends_at"),
    ],
)
def test_a_bad_schedule_is_refused_naming_what_is_wrong(text, where):
    with pytest.raises(RetentionFileError) as refused:
        retention_schedule_parse(text)
    assert refused.value.code == ErrorCode.INVALID_DATA_FILE
    assert where in str(refused.value.message)


def test_a_bad_schedule_file_purges_nothing(tmp_path):
    inquiry = closed_inquiry(channel="webform", closed_days_ago=800)
    bad = tmp_path / "retention.yaml"
    bad.write_text(
        SHIPPED.replace(
            "keep_years: 1\n    after: resolution", "keep_years: -1\n    after: resolution", 1
        )
    )
    with override_settings(RECORDS_RETENTION_FILE=str(bad)), pytest.raises(CommandError):
        call_command("retention_purge")
    assert Inquiry.objects.filter(pk=inquiry.pk).exists()


def test_a_period_changed_in_the_file_changes_the_purge(tmp_path):
    inquiry = closed_inquiry(channel="webform", closed_days_ago=400)
    longer = tmp_path / "retention.yaml"
    # The inquiry's period is the first "keep_years: 1" in the file.
    assert SHIPPED.index("  inquiry:") < SHIPPED.index("keep_years: 1")
    longer.write_text(SHIPPED.replace("keep_years: 1", "keep_years: 3", 1))
    with override_settings(RECORDS_RETENTION_FILE=str(longer)):
        assert retention_purge().removed["inquiry"] == 0
    assert retention_purge().removed["inquiry"] == 1
    assert not Inquiry.objects.filter(pk=inquiry.pk).exists()


# --- The purge -----------------------------------------------------------------------------


@pytest.fixture
def contact_records():
    """For each of an old and a recent contact: an inquiry with a call, a chat, a secure
    message thread and a text, about one person's case."""
    person = PersonFactory()
    case = CaseFactory(applicant=person)
    made = {}
    for name, days in (("old", 400), ("recent", 100)):
        phone = closed_inquiry(channel="phone", closed_days_ago=days, person=person, case=case)
        chat = closed_inquiry(channel="chat", closed_days_ago=days, person=person, case=case)
        message = closed_inquiry(channel="secure_message", closed_days_ago=days, case=case)
        made[name] = {
            "inquiries": [phone.pk, chat.pk, message.pk],
            "call": call_for(phone).pk,
            "chat": chat_for(chat).pk,
            "thread": thread_for(message, case=case, days_ago=days).pk,
            "notification": notification_for(phone, days_ago=days).pk,
        }
    return person, case, made


def test_the_purge_removes_contact_records_a_year_after_resolution(contact_records):
    _person, _case, made = contact_records
    report = retention_purge()
    assert report.removed == {
        "call": 1, "chat": 1, "secure_message": 1, "notification": 1, "inquiry": 3,
        "disclosure_accounting": 0, "contact_event": 0, "survey": 0, "email": 0, "mail_scan": 0,
        "fax": 0,
    }  # fmt: skip
    assert report.detail["inquiries.InquiryEvent"] >= 3
    assert report.detail["chat.Message"] == 1 and report.detail["portal.Message"] == 1
    old, recent = made["old"], made["recent"]
    assert not Inquiry.objects.filter(pk__in=old["inquiries"]).exists()
    assert not InquiryEvent.objects.filter(inquiry_id__in=old["inquiries"]).exists()
    assert not Call.objects.filter(pk=old["call"]).exists()
    assert not Conversation.objects.filter(pk=old["chat"]).exists()
    assert not Thread.objects.filter(pk=old["thread"]).exists()
    assert not Notification.objects.filter(pk=old["notification"]).exists()
    assert Inquiry.objects.filter(pk__in=recent["inquiries"]).count() == 3
    assert Call.objects.filter(pk=recent["call"]).exists()
    assert ChatMessage.objects.filter(conversation_id=recent["chat"]).exists()
    assert Thread.objects.filter(pk=recent["thread"]).exists()
    assert Notification.objects.filter(pk=recent["notification"]).exists()
    assert retention_purge().removed["inquiry"] == 0  # nothing twice


def test_an_open_inquiry_is_never_purged():
    from contactcenter.inquiries.services import inquiry_open

    inquiry = inquiry_open(channel="webform")
    Inquiry.objects.filter(pk=inquiry.pk).update(
        created_at=timezone.now() - dt.timedelta(days=3000)
    )
    assert retention_purge().removed["inquiry"] == 0
    assert Inquiry.objects.filter(pk=inquiry.pk).exists()


def test_a_dry_run_counts_exactly_and_removes_nothing(contact_records):
    _person, _case, made = contact_records
    dry = retention_purge(dry_run=True)
    assert dry.dry_run and dry.removed["inquiry"] == 3
    assert Inquiry.objects.filter(pk__in=made["old"]["inquiries"]).count() == 3
    assert Call.objects.filter(pk=made["old"]["call"]).exists()
    real = retention_purge()
    assert (real.removed, real.detail) == (dry.removed, dry.detail)


@pytest.mark.parametrize("on", ["person", "case"])
def test_a_legal_hold_keeps_a_persons_or_a_cases_records(contact_records, on):
    person, case, made = contact_records
    supervisor = StaffUserFactory(role=Role.SUPERVISOR)
    hold = legal_hold_set(set_by=supervisor, reason="Litigation 24-123",
                          **({"person": person} if on == "person" else {"case": case}))  # fmt: skip
    report = retention_purge()
    assert report.removed["inquiry"] == 0 and report.removed["call"] == 0
    assert report.removed["secure_message"] == 0 and report.removed["notification"] == 0
    assert report.held["inquiry"] == 3 and report.held["call"] == 1
    assert Inquiry.objects.filter(pk__in=made["old"]["inquiries"]).count() == 3
    legal_hold_release(hold=hold, released_by=supervisor)
    assert retention_purge().removed["inquiry"] == 3


def test_a_legal_hold_names_what_and_why():
    supervisor = StaffUserFactory(role=Role.SUPERVISOR)
    with pytest.raises(InvalidInput, match="person or the case"):
        legal_hold_set(set_by=supervisor, reason="x")
    with pytest.raises(InvalidInput, match="why"):
        legal_hold_set(set_by=supervisor, reason="  ", person=PersonFactory())
    hold = legal_hold_set(set_by=supervisor, reason="FOIA 2026-1", person=PersonFactory())
    legal_hold_release(hold=hold, released_by=supervisor)
    with pytest.raises(InvalidInput, match="already released"):
        legal_hold_release(hold=hold, released_by=supervisor)


def test_an_inquiry_a_service_request_still_names_is_kept():
    inquiry = closed_inquiry(channel="webform", closed_days_ago=800)
    _service_request_for(inquiry, CaseFactory())
    report = retention_purge()
    assert report.removed["inquiry"] == 0 and report.linked == 1
    assert Inquiry.objects.filter(pk=inquiry.pk).exists()


def _service_request_for(inquiry, case):
    from contactcenter.servicerequests.models import ServiceRequest, ServiceRequestType

    kind = ServiceRequestType.objects.first() or ServiceRequestType.objects.create(
        code="test-type", title_en="Test", title_es="Prueba"
    )
    return ServiceRequest.objects.create(
        number="12345678", type=kind, inquiry=inquiry, case=case, office_id=case.office_id,
        state="new", submitted_by="person", due_at=timezone.now(),
    )  # fmt: skip


# --- Disclosure rows ---------------------------------------------------------------------


def _disclosures(case, *, days_ago, count=3):
    viewer = StaffUserFactory(role=Role.TIER2)
    rows = [
        disclosure_record(
            viewer=viewer, case_id=case.pk, channel="desk", purpose="inquiry", fields="name"
        )
        for _ in range(count)
    ]
    when = timezone.now() - dt.timedelta(days=days_ago)
    from tests.audit.tampering import triggers_off

    with triggers_off():
        DisclosureLog.objects.filter(pk__in=[row.pk for row in rows]).update(disclosed_at=when)
    return [row.pk for row in rows]


def test_disclosure_rows_go_five_years_on_only_once_the_record_itself_ended():
    from contactcenter.cases.models import Case

    ended = CaseFactory(status="denied")
    Case.objects.filter(pk=ended.pk).update(
        receipt_date=dt.date(2018, 1, 1), status_date=dt.date(2019, 1, 1)
    )
    living = CaseFactory()
    old_ended = _disclosures(ended, days_ago=6 * 366)
    old_living = _disclosures(living, days_ago=6 * 366)
    recent_ended = _disclosures(ended, days_ago=4 * 365)
    disclosure_chain_seal()
    report = retention_purge()
    assert report.removed["disclosure_accounting"] == 3
    assert set(DisclosureLog.objects.values_list("id", flat=True)) == set(old_living + recent_ended)
    assert PurgedDisclosure.objects.count() == 3
    verified = disclosure_chain_verify()
    assert verified.ok and verified.tombstones == 3
    assert not set(old_ended) & set(DisclosureLog.objects.values_list("id", flat=True))


def test_disclosure_rows_of_a_held_case_are_kept():
    from contactcenter.cases.models import Case

    ended = CaseFactory(status="approved")
    Case.objects.filter(pk=ended.pk).update(
        receipt_date=dt.date(2018, 1, 1), status_date=dt.date(2019, 1, 1)
    )
    _disclosures(ended, days_ago=6 * 366)
    disclosure_chain_seal()
    legal_hold_set(set_by=StaffUserFactory(role=Role.ADMIN), reason="OIG review", case=ended)
    report = retention_purge()
    assert report.removed["disclosure_accounting"] == 0
    assert report.held["disclosure_accounting"] == 3


def test_a_purged_row_brought_back_or_removed_without_a_tombstone_is_found():
    from contactcenter.cases.models import Case

    ended = CaseFactory(status="denied")
    Case.objects.filter(pk=ended.pk).update(
        receipt_date=dt.date(2018, 1, 1), status_date=dt.date(2019, 1, 1)
    )
    ids = _disclosures(ended, days_ago=6 * 366, count=2)
    disclosure_chain_seal()
    retention_purge()
    raw("DELETE FROM audit_purgeddisclosure WHERE entry_id = %s", [ids[0]])
    assert [p.kind for p in disclosure_chain_verify().problems] == ["removed"]


# --- The command and the job ----------------------------------------------------------------


def test_the_command_reports_counts_per_type(contact_records, capsys):
    call_command("retention_purge", "--dry-run")
    out = capsys.readouterr().out
    assert "Would remove 3 inquiry" in out and "Would remove 1 call" in out
    assert Call.objects.count() == 2
    call_command("retention_purge", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["dry_run"] is False and report["removed"]["chat"] == 1
    assert Call.objects.count() == 1


def test_the_purge_is_a_daily_periodic_job():
    from contactcenter.core.periodic import periodic_jobs

    jobs = {job.name: job for job in periodic_jobs()}
    assert jobs["records.retention_purge"].every == dt.timedelta(days=1)


# --- The operations event log ------------------------------------------------------------------


def _event(days_ago: int, inquiry_id: int | None = None):
    import uuid

    from contactcenter.operations.models import ContactEventRecord

    return ContactEventRecord.objects.create(
        event_id=uuid.uuid4(), kind="answered", channel="phone", queue_id=1,
        at=timezone.now() - dt.timedelta(days=days_ago), inquiry_id=inquiry_id,
    )  # fmt: skip


def test_the_event_log_goes_a_year_after_each_step_once_counted_and_not_under_a_hold():
    from contactcenter.operations.models import ContactEventRecord, FoldWatermark

    person = PersonFactory()
    case = CaseFactory(applicant=person)
    held_inquiry = closed_inquiry(channel="phone", closed_days_ago=10, person=person, case=case)
    old = _event(400)
    held = _event(400, inquiry_id=held_inquiry.pk)
    recent = _event(100)
    FoldWatermark.objects.update_or_create(name="events", defaults={"last_id": recent.pk})
    not_yet_counted = _event(400)  # past the fold's watermark: kept until counted
    legal_hold_set(set_by=StaffUserFactory(role=Role.SUPERVISOR), reason="Litigation 24-9",
                   person=person)  # fmt: skip
    report = retention_purge()
    assert report.removed["contact_event"] == 1
    assert report.held["contact_event"] == 1
    left = set(ContactEventRecord.objects.values_list("pk", flat=True))
    assert old.pk not in left
    assert {held.pk, recent.pk, not_yet_counted.pk} <= left


# --- Satisfaction surveys -----------------------------------------------------------------------


def test_surveys_go_a_year_after_they_were_asked_unless_their_contact_is_held():
    from contactcenter.surveys.models import Survey

    person = PersonFactory()
    case = CaseFactory(applicant=person)
    now = timezone.now()

    def survey(days_ago: int, inquiry) -> Survey:
        at = now - dt.timedelta(days=days_ago)
        return Survey.objects.create(
            inquiry=inquiry, channel="phone", invited_by="ivr", invited_at=at,
            expires_at=at + dt.timedelta(days=28), score=3, answered_at=at, comment="Fine",
        )  # fmt: skip

    # Open inquiries (not themselves past retention): only the surveys' own age counts.
    old = survey(400, inquiry_open(channel="phone"))
    recent = survey(300, inquiry_open(channel="phone"))
    held = survey(400, inquiry_open(channel="phone", person=person, case=case))
    legal_hold_set(set_by=StaffUserFactory(role=Role.SUPERVISOR), reason="Litigation 24-9",
                   person=person)  # fmt: skip
    report = retention_purge()
    assert (report.removed["survey"], report.held["survey"]) == (1, 1)
    assert set(Survey.objects.values_list("pk", flat=True)) == {recent.pk, held.pk}
    assert old.inquiry_id is not None and Inquiry.objects.filter(pk=old.inquiry_id).exists()
