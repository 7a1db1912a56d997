"""Operations: every contact event kept once, and the counts per interval folded from them.

``ContactEventRecord`` is the log: one row per ``core.domain_events.ContactEvent``, written in
the transaction of the change it reports, never changed afterwards. ``IntervalFacts`` and
``AgentStateFacts`` hold raw counts and sums (never percentages) per interval of the agency's
day; ``FoldWatermark`` says how far into the log (and into the agents' presence history) the
fold has counted. Ids of inquiries, queues, work items and agents are kept as plain numbers,
not foreign keys: the counts must outlive the rows they were counted from (a queue retired, an
inquiry purged at the end of its retention) and the log's insert must not wait on a lock of
the row it names.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# IntervalFacts.queue_id for what no queue took part in (self-service, contacts started).
NO_QUEUE = 0


class ContactEventRecord(models.Model):
    """One contact event, as it was reported. Append-only: the fold reads it in id order."""

    event_id = models.UUIDField(unique=True)
    kind = models.CharField(max_length=20)
    channel = models.CharField(max_length=20)
    # When the step happened (the fold's interval); may be earlier than ``recorded_at``.
    at = models.DateTimeField()
    # When the row was written: the fold waits until a row has settled (see services).
    recorded_at = models.DateTimeField(default=timezone.now)
    language = models.CharField(max_length=8, blank=True)
    inquiry_id = models.BigIntegerField(null=True, blank=True)
    queue_id = models.BigIntegerField(null=True, blank=True)
    work_item_id = models.BigIntegerField(null=True, blank=True)
    agent_id = models.BigIntegerField(null=True, blank=True)
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    record_id = models.BigIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        # The fold finds a work item's answer when it wraps up, and an inquiry's place in line
        # when it asks for a callback; partial, so events without them cost no index entry.
        indexes = [
            models.Index(
                fields=["work_item_id", "id"],
                condition=Q(work_item_id__isnull=False),
                name="opsevent_work_item",
            ),
            models.Index(
                fields=["inquiry_id", "id"],
                condition=Q(inquiry_id__isnull=False),
                name="opsevent_inquiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} at {self.at:%Y-%m-%d %H:%M:%S}"


class FoldWatermark(models.Model):
    """How far a fold has counted: the last row id of its source (``events``, ``presence``)."""

    name = models.CharField(max_length=20, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} folded to {self.last_id}"


class FactCounts(models.Model):
    """Raw counts and sums (durations in milliseconds, so every sum is exact), kept per
    interval in ``IntervalFacts`` and rolled up per agency day in ``DailyFacts``.
    ``docs/operations.md`` says what each counts."""

    # Contacts that reached the agency (``started``) and ended in self-service.
    started = models.PositiveIntegerField(default=0)
    self_served = models.PositiveIntegerField(default=0)
    # Q: placed in the queue (callbacks to place are not: they are counted as requested).
    queued = models.PositiveIntegerField(default=0)
    # Ai is answered_within; Ao is answered - answered_within.
    answered = models.PositiveIntegerField(default=0)
    answered_within = models.PositiveIntegerField(default=0)
    # Bi is abandoned_within; Bo is abandoned - abandoned_within; S (abandoned_short) is in Bi.
    abandoned = models.PositiveIntegerField(default=0)
    abandoned_within = models.PositiveIntegerField(default=0)
    abandoned_short = models.PositiveIntegerField(default=0)
    # Chose a callback while waiting, and of those, within the threshold.
    callbacks_requested = models.PositiveIntegerField(default=0)
    callbacks_within = models.PositiveIntegerField(default=0)
    transferred = models.PositiveIntegerField(default=0)
    # Contacts whose agent finished their part in this period, and the sums of their time.
    handled = models.PositiveIntegerField(default=0)
    wait_answered_ms = models.BigIntegerField(default=0)
    wait_abandoned_ms = models.BigIntegerField(default=0)
    talk_ms = models.BigIntegerField(default=0)
    after_contact_ms = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class IntervalFacts(FactCounts):
    """The counts of one interval, queue, channel and language."""

    interval_start = models.DateTimeField()
    queue_id = models.BigIntegerField(default=NO_QUEUE)
    channel = models.CharField(max_length=20)
    language = models.CharField(max_length=8, blank=True)

    class Meta:
        # Its index also serves every read by time, then queue (a day, a month).
        constraints = [
            models.UniqueConstraint(
                fields=["interval_start", "queue_id", "channel", "language"],
                name="opsfacts_one_row_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interval_start:%Y-%m-%d %H:%M} queue {self.queue_id} {self.channel}"


class DailyFacts(FactCounts):
    """The same counts summed over one day of the agency's calendar (``TIME_ZONE``), written
    by the fold in the same transaction as the intervals they sum: a report by day, week or
    month over a year reads a few thousand of these instead of a million intervals."""

    day = models.DateField()
    queue_id = models.BigIntegerField(default=NO_QUEUE)
    channel = models.CharField(max_length=20)
    language = models.CharField(max_length=8, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "queue_id", "channel", "language"],
                name="opsdaily_one_row_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} queue {self.queue_id} {self.channel}"


class AgentStateFacts(models.Model):
    """Seconds (as milliseconds) one agent spent in one presence state in one interval."""

    interval_start = models.DateTimeField()
    agent_id = models.BigIntegerField()
    presence = models.CharField(max_length=20)
    milliseconds = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interval_start", "agent_id", "presence"],
                name="opsagentstate_one_row_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interval_start:%Y-%m-%d %H:%M} agent {self.agent_id} {self.presence}"


class AgentContactFacts(models.Model):
    """One agent's contacts in one interval, queue and channel, folded from the same events as
    ``IntervalFacts`` (``docs/operations.md`` says what each counts). Durations in
    milliseconds. ``agent_id`` is routing's agent, as in ``AgentStateFacts``."""

    interval_start = models.DateTimeField()
    agent_id = models.BigIntegerField()
    queue_id = models.BigIntegerField(default=NO_QUEUE)
    channel = models.CharField(max_length=20)
    answered = models.PositiveIntegerField(default=0)
    handled = models.PositiveIntegerField(default=0)
    talk_ms = models.BigIntegerField(default=0)
    after_contact_ms = models.BigIntegerField(default=0)
    transferred_out = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["interval_start", "agent_id", "queue_id", "channel"],
                name="opsagentcontact_one_row_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interval_start:%Y-%m-%d %H:%M} agent {self.agent_id} queue {self.queue_id}"


class AgentDailyFacts(models.Model):
    """One agent's contacts and time by presence over one day of the agency's calendar, summed
    by the fold from the same counts as ``AgentContactFacts`` and ``AgentStateFacts`` in the
    same transactions: a report by agent and day, week or month reads these."""

    day = models.DateField()
    agent_id = models.BigIntegerField()
    answered = models.PositiveIntegerField(default=0)
    handled = models.PositiveIntegerField(default=0)
    talk_ms = models.BigIntegerField(default=0)
    after_contact_ms = models.BigIntegerField(default=0)
    transferred_out = models.PositiveIntegerField(default=0)
    available_ms = models.BigIntegerField(default=0)
    busy_ms = models.BigIntegerField(default=0)
    wrap_up_ms = models.BigIntegerField(default=0)
    away_ms = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agent_id"], name="opsagentdaily_one_row_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} agent {self.agent_id}"


class OfficeFacts(models.Model):
    """One office's work (service requests, appointment requests: ``channel``) in one day of
    the agency's calendar: received, sent on to or taken from another office, resolved, and
    the sum of the resolved ones' time from receipt to resolution, in milliseconds. Kept by
    day, not by interval: office work is measured in hours and days."""

    day = models.DateField()
    office_id = models.BigIntegerField()
    channel = models.CharField(max_length=20)
    received = models.PositiveIntegerField(default=0)
    transferred_in = models.PositiveIntegerField(default=0)
    transferred_out = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    # Of the resolved, those whose receipt the log still holds, and their time to resolve.
    resolved_timed = models.PositiveIntegerField(default=0)
    resolve_ms = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "office_id", "channel"], name="opsoffice_one_row_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} office {self.office_id} {self.channel}"


class AgentStateCursor(models.Model):
    """Each agent's state as far as the presence fold has counted it, and up to when."""

    agent_id = models.BigIntegerField(primary_key=True)
    presence = models.CharField(max_length=20)
    counted_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"agent {self.agent_id} {self.presence} counted to {self.counted_until}"


class ReportPeriod(models.TextChoices):
    YESTERDAY = "yesterday", _("Yesterday")
    LAST_7_DAYS = "last_7_days", _("The last 7 days")
    LAST_MONTH = "last_month", _("Last month")


class ReportSchedule(models.Model):
    """A report a supervisor has emailed to themselves every day at a set time of the agency's
    day, as a CSV or XLSX file; ``last_sent_on`` is the agency's day it last went."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_schedules"
    )
    email = models.EmailField()
    period = models.CharField(max_length=20, choices=ReportPeriod.choices)
    grain = models.CharField(max_length=10, default="day")
    by = models.CharField(max_length=10, default="all")
    file_format = models.CharField(max_length=4, default="csv")
    send_at = models.TimeField()
    language = models.CharField(max_length=2, default="en")
    active = models.BooleanField(default=True)
    last_sent_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(file_format__in=["csv", "xlsx"]), name="report_schedule_format"
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=["en", "es"]), name="report_schedule_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.grain}/{self.by} {self.file_format} at {self.send_at}"
