"""Stored schedules, so agents can see their shifts and the desk can show the coverage.

A schedule is written whole by ``services.schedule_save`` (a draft) and made visible by
``services.schedule_publish``; one schedule per week is published at a time (publishing another
supersedes it). Shifts and intervals are never edited one by one: a changed schedule is a new
one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ScheduleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class Schedule(models.Model):
    week_start = models.DateField(help_text=_("The Monday of the week scheduled"))
    interval_minutes = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=12, choices=ScheduleStatus.choices, default=ScheduleStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    absence = models.FloatField(default=0.0)
    agent_lines = models.PositiveIntegerField(default=0)
    paid_hours = models.FloatField(default=0.0)
    required_hours = models.FloatField(default=0.0)
    short_hours = models.FloatField(default=0.0)
    over_hours = models.FloatField(default=0.0)

    class Meta:
        indexes = [models.Index(fields=["week_start", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["week_start"],
                condition=Q(status="published"),
                name="schedule_one_published_per_week",
            ),
            models.CheckConstraint(
                condition=Q(interval_minutes__in=[15, 30, 60]), name="schedule_interval_minutes"
            ),
        ]

    def __str__(self) -> str:
        return f"schedule {self.pk} week of {self.week_start} ({self.status})"


class ScheduledShift(models.Model):
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="shifts")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scheduled_shifts",
    )
    line_label = models.CharField(max_length=40)
    pattern = models.CharField(max_length=40)
    day = models.DateField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # [{"start": ISO 8601, "end": ISO 8601, "paid": bool}], in time order.
    breaks = models.JSONField(default=list)

    class Meta:
        ordering = ["starts_at", "line_label"]
        indexes = [models.Index(fields=["agent", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="scheduled_shift_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_label} {self.day} ({self.pattern})"


class ScheduleInterval(models.Model):
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="intervals")
    start = models.DateTimeField()
    required = models.PositiveIntegerField()
    # Agents on the floor: a quarter-hour break takes half an agent out of a half-hour.
    scheduled = models.FloatField()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "start"], name="schedule_interval_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.start}: {self.scheduled} of {self.required}"
