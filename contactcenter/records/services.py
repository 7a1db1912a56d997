"""The records app's writes: legal holds, and the retention purge that honours them."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.appointments.models import Appointment, AppointmentRequest
from contactcenter.audit.models import DisclosureLog
from contactcenter.audit.services import disclosure_rows_purge
from contactcenter.cases.models import Case
from contactcenter.chat.models import Conversation
from contactcenter.core.errors import InvalidInput
from contactcenter.inquiries.models import Inquiry, InquiryState
from contactcenter.intake.models import InboundEmail
from contactcenter.ivr.models import Call
from contactcenter.mailroom.models import Fax, ScanBatch, ScannedPage
from contactcenter.notifications.models import Notification, NotificationState
from contactcenter.operations.selectors import contact_events_folded
from contactcenter.people.models import Person
from contactcenter.portal.models import Thread
from contactcenter.records.models import LegalHold
from contactcenter.records.retention import RetentionSchedule, retention_schedule
from contactcenter.servicerequests.models import ServiceRequest
from contactcenter.surveys.models import Survey

logger = logging.getLogger(__name__)


# --- Legal holds -------------------------------------------------------------------------------


@transaction.atomic
def legal_hold_set(
    *, set_by: User, reason: str, person: Person | None = None, case: Case | None = None
) -> LegalHold:
    """Hold a person's records (all their cases) or one case's from the retention purge."""
    reason = (reason or "").strip()
    if person is None and case is None:
        raise InvalidInput(_("Name the person or the case to hold."))
    if not reason:
        raise InvalidInput(_("Say why the records are held."))
    hold = LegalHold.objects.create(person=person, case=case, reason=reason[:300], set_by=set_by)
    logger.info("records.legal_hold_set", extra={"hold_id": hold.pk, "by": set_by.pk})
    return hold


@transaction.atomic
def legal_hold_release(*, hold: LegalHold, released_by: User) -> LegalHold:
    locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if locked.released_at is not None:
        raise InvalidInput(_("This legal hold was already released."))
    locked.released_at = timezone.now()
    locked.released_by = released_by
    locked.save(update_fields=["released_at", "released_by"])
    logger.info("records.legal_hold_released", extra={"hold_id": locked.pk, "by": released_by.pk})
    return locked


# --- Retention purge ----------------------------------------------------------------------------


@dataclass(slots=True)
class PurgeReport:
    """What a purge removed (or, dry, would remove): per record type, the records themselves;
    ``detail``, every row by model, the history that goes with them included; ``held``, records
    past retention kept for a legal hold; ``linked``, inquiries past retention kept because a
    service request or appointment (records of their own) still points at them."""

    dry_run: bool
    removed: dict[str, int] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)
    linked: int = 0
    detail: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"dry_run": self.dry_run, "removed": self.removed, "held": self.held,
                "linked": self.linked, "detail": self.detail}  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Holds:
    persons: frozenset[int]
    cases: frozenset[int]

    def on_inquiry(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}person_id__in": self.persons}) | Q(
            **{f"{prefix}case_id__in": self.cases}
        )


def _holds() -> _Holds:
    active = LegalHold.objects.filter(released_at__isnull=True).values_list("person_id", "case_id")
    persons = {person for person, _case in active if person}
    cases = {case for _person, case in active if case}
    cases |= set(Case.objects.filter(applicant_id__in=persons).values_list("id", flat=True))
    return _Holds(persons=frozenset(persons), cases=frozenset(cases))


def _delete(query: QuerySet, record_type: str, held: QuerySet, report: PurgeReport) -> None:
    kept = held.count()
    if kept:
        report.held[record_type] = kept
    _count, by_model = query.delete()
    report.removed[record_type] = by_model.get(query.model._meta.label, 0)
    report.detail.update(Counter(report.detail) + Counter(by_model))


def _resolved_before(cutoff: dt.datetime, prefix: str = "inquiry__") -> Q:
    return Q(**{f"{prefix}state": InquiryState.CLOSED, f"{prefix}closed_at__lt": cutoff})


def retention_purge(
    *, now: dt.datetime | None = None, dry_run: bool = False,
    schedule: RetentionSchedule | None = None,
) -> PurgeReport:  # fmt: skip
    """Remove every record past its retention period (``records/data/retention.yaml``) that no
    legal hold covers, and say how many of each type went. ``dry_run`` does the same work in a
    transaction that is rolled back, so its counts are exact and nothing changes.

    Dependants go before what they depend on: calls, chats, secure-message threads and
    notifications, then the inquiries they belonged to (with their history and work items),
    then disclosure-log rows (each leaves a signed tombstone, so the chain still verifies).
    Contact records of a held person or case are kept, and so is an inquiry that a service
    request or appointment, kept under their own schedules, still names."""
    now = now or timezone.now()
    schedule = schedule or retention_schedule()
    report = PurgeReport(dry_run=dry_run)
    holds = _holds()
    types = schedule.types
    with transaction.atomic():
        cut = types["call"].cutoff(now)
        calls = Call.objects.filter(
            _resolved_before(cut) | Q(inquiry__isnull=True, ended_at__lt=cut)
        )  # fmt: skip
        on_hold = holds.on_inquiry("inquiry__")
        _delete(calls.exclude(on_hold), "call", calls.filter(on_hold), report)

        cut = types["chat"].cutoff(now)
        chats = Conversation.objects.filter(
            _resolved_before(cut) | Q(inquiry__isnull=True, ended_at__lt=cut)
            | Q(inquiry__isnull=True, ended_at__isnull=True, updated_at__lt=cut)
        )  # fmt: skip
        _delete(chats.exclude(on_hold), "chat", chats.filter(on_hold), report)

        cut = types["secure_message"].cutoff(now)
        threads = Thread.objects.filter(last_message_at__lt=cut).filter(
            Q(inquiry__isnull=True) | _resolved_before(cut)
        )
        thread_hold = Q(case_id__in=holds.cases)
        _delete(threads.exclude(thread_hold), "secure_message", threads.filter(thread_hold),
                report)  # fmt: skip

        cut = types["notification"].cutoff(now)
        notices = Notification.objects.annotate(
            last_at=Coalesce("last_attempt_at", "sent_at", "created_at")
        ).filter(
            state__in=[NotificationState.SENT, NotificationState.FAILED,
                       NotificationState.SUPPRESSED],
            last_at__lt=cut,
        )  # fmt: skip
        notice_hold = Q(inquiry__isnull=False) & on_hold
        _delete(notices.exclude(notice_hold), "notification", notices.filter(notice_hold),
                report)  # fmt: skip

        # Satisfaction surveys a year after they were asked (the comment is the person's own
        # words); one whose contact is under a hold stays with it.
        surveys = Survey.objects.filter(invited_at__lt=types["survey"].cutoff(now))
        survey_hold = holds.on_inquiry("inquiry__") | holds.on_inquiry("service_request__inquiry__")
        _delete(surveys.exclude(survey_hold), "survey", surveys.filter(survey_hold), report)

        # Written contact that never joined an inquiry (the rest goes with its inquiry); the
        # files go after the commit, once no record names them (the apps' receivers).
        cut = types["email"].cutoff(now)
        emails = InboundEmail.objects.filter(inquiry__isnull=True, received_at__lt=cut)
        email_hold = Q(person_hint_id__in=holds.persons)
        _delete(emails.exclude(email_hold), "email", emails.filter(email_hold), report)
        pages = ScannedPage.objects.filter(
            letter__isnull=True, batch__created_at__lt=types["mail_scan"].cutoff(now)
        )
        _delete(pages, "mail_scan", pages.none(), report)
        ScanBatch.objects.filter(
            created_at__lt=types["mail_scan"].cutoff(now), pages__isnull=True
        ).delete()
        faxes = Fax.objects.filter(inquiry__isnull=True, received_at__lt=types["fax"].cutoff(now))
        _delete(faxes, "fax", faxes.none(), report)

        cut = types["inquiry"].cutoff(now)
        past = Inquiry.objects.filter(_resolved_before(cut, prefix=""))
        held_inquiries = past.filter(holds.on_inquiry())
        free = past.exclude(holds.on_inquiry())
        linked = (
            Exists(ServiceRequest.objects.filter(inquiry_id=OuterRef("pk")))
            | Exists(AppointmentRequest.objects.filter(inquiry_id=OuterRef("pk")))
            | Exists(Appointment.objects.filter(inquiry_id=OuterRef("pk")))
            | Exists(Call.objects.filter(inquiry_id=OuterRef("pk")))
            | Exists(Conversation.objects.filter(inquiry_id=OuterRef("pk")))
            | Exists(Thread.objects.filter(inquiry_id=OuterRef("pk")))
        )
        report.linked = free.filter(linked).count()
        _delete(free.exclude(linked), "inquiry", held_inquiries, report)

        # The operations event log: ids and codes, kept a year after each step and removed only
        # once folded into the counts (which outlive it); a held person's or case's steps stay.
        events = contact_events_folded().filter(at__lt=types["contact_event"].cutoff(now))
        event_hold = Q(inquiry_id__in=Inquiry.objects.filter(holds.on_inquiry()).values("pk"))
        _delete(events.exclude(event_hold), "contact_event", events.filter(event_hold), report)

        retention = types["disclosure_accounting"]
        rows = DisclosureLog.objects.filter(
            disclosed_at__lt=retention.cutoff(now), chain_seq__isnull=False
        )
        if retention.or_life_of_record:
            rows = rows.filter(
                case__status__in=schedule.record_life_ends_at,
                case__status_date__lt=timezone.localdate(now),
            )
        row_hold = Q(case_id__in=holds.cases)
        held_rows = rows.filter(row_hold).count()
        if held_rows:
            report.held["disclosure_accounting"] = held_rows
        removed = _purge_disclosures(rows.exclude(row_hold).values_list("id", flat=True))
        report.removed["disclosure_accounting"] = removed
        report.detail["audit.DisclosureLog"] = removed
        report.detail = {label: count for label, count in sorted(report.detail.items()) if count}
        if dry_run:
            transaction.set_rollback(True)
    logger.info(
        "records.retention_purge",
        extra={"dry_run": dry_run, **{f"removed_{k}": v for k, v in report.removed.items()}},
    )
    return report


def _purge_disclosures(ids: Iterable[int]) -> int:
    batch: list[int] = []
    removed = 0
    for entry_id in list(ids):
        batch.append(entry_id)
        if len(batch) == 2000:
            removed += disclosure_rows_purge(entry_ids=batch)
            batch = []
    if batch:
        removed += disclosure_rows_purge(entry_ids=batch)
    return removed


def retention_purge_job() -> PurgeReport:
    """The daily periodic job."""
    return retention_purge()
