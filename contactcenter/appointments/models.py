"""In-person appointments: slots with a capacity, requests Tier 2 reviews, and the bookings.

Field-office appointments start as a request tied to an inquiry; nothing is booked until a
Tier 2 officer offers a slot. Biometrics (ASC) appointments are booked by the agency and only
moved here. A slot's ``booked`` never passes its ``capacity``: the booking service takes a
place with one conditional UPDATE, and the database constraint is the backstop.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contactcenter.core.models import TimeStampedModel


class AppointmentSlot(models.Model):
    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="appointment_slots"
    )
    day = models.DateField()  # in the office's time zone
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["office", "starts_at"]
        indexes = [models.Index(fields=["office", "day"], name="appt_slot_office_day")]
        constraints = [
            models.UniqueConstraint(fields=["office", "starts_at"], name="appt_slot_unique_start"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="appt_slot_room"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appt_slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"slot {self.pk} office {self.office_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.booked, 0)


class RequestState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    BOOKED = "booked", _("Appointment offered and booked")
    DECLINED = "declined", _("Declined")


class AppointmentRequest(TimeStampedModel):
    """A person's request for a field-office appointment, reviewed by Tier 2."""

    inquiry = models.ForeignKey(
        "inquiries.Inquiry", on_delete=models.PROTECT, related_name="appointment_requests"
    )
    reason = models.CharField(max_length=40)  # a code from data/reasons.yaml
    urgent = models.BooleanField(default=False)
    # The residential ZIP code the office was chosen from (jurisdiction follows it).
    zip_code = models.CharField(max_length=5)
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="appointment_requests"
    )
    accommodations = models.JSONField(default=list, blank=True)
    accommodation_note = models.CharField(max_length=500, blank=True)  # masked before storing
    details = models.TextField(blank=True)  # masked before storing
    state = models.CharField(
        max_length=10, choices=RequestState.choices, default=RequestState.PENDING
    )
    review_due_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["-urgent", "review_due_at", "created_at"],
                condition=Q(state="pending"),
                name="appt_request_review_order",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(zip_code__regex=r"^[0-9]{5}$"), name="appt_request_zip_5_digits"
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""),
                name="appt_request_declined_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"appointment request {self.pk} ({self.state})"


class AppointmentKind(models.TextChoices):
    FIELD_OFFICE = "field_office", _("Field office")
    BIOMETRICS = "biometrics", _("Biometrics")


class AppointmentState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    # The office closed on the day: new slots were offered and the person must take one.
    DISPLACED = "displaced", _("Office closed: choose a new time")
    CANCELLED = "cancelled", _("Cancelled")


class Appointment(TimeStampedModel):
    # A number the person quotes (ten digits, Luhn check digit, like inquiry references).
    number = models.CharField(max_length=10, unique=True)
    kind = models.CharField(max_length=20, choices=AppointmentKind.choices)
    slot = models.ForeignKey(AppointmentSlot, on_delete=models.PROTECT, related_name="bookings")
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="appointments"
    )
    request = models.OneToOneField(
        AppointmentRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointment",
    )
    inquiry = models.ForeignKey(
        "inquiries.Inquiry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    reason = models.CharField(max_length=40)
    language = models.CharField(max_length=2, default="en")
    # Checked against what the person types to manage the appointment online.
    zip_code = models.CharField(max_length=5)
    accommodations = models.JSONField(default=list, blank=True)
    accommodation_note = models.CharField(max_length=500, blank=True)
    state = models.CharField(
        max_length=10, choices=AppointmentState.choices, default=AppointmentState.BOOKED
    )
    closure = models.ForeignKey(
        "offices.OfficeClosure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="displaced_appointments",
    )

    class Meta:
        indexes = [models.Index(fields=["office", "state"], name="appt_office_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=r"^[0-9]{10}$"), name="appointment_number_digits"
            ),
            models.CheckConstraint(
                condition=~Q(kind="field_office") | Q(request__isnull=False),
                name="appointment_field_office_needs_request",
            ),
            models.CheckConstraint(
                condition=~Q(state="displaced") | Q(closure__isnull=False),
                name="appointment_displaced_has_closure",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class AppointmentOffer(models.Model):
    """A new slot offered to a person whose appointment an office closure displaced."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="offers")
    slot = models.ForeignKey(AppointmentSlot, on_delete=models.CASCADE, related_name="+")
    closure = models.ForeignKey("offices.OfficeClosure", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["appointment", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["appointment", "slot"], name="appt_offer_unique"),
        ]

    def __str__(self) -> str:
        return f"offer of slot {self.slot_id} for appointment {self.appointment_id}"


class AppointmentEventKind(models.TextChoices):
    BOOKED = "booked", _("Booked")
    MOVED = "moved", _("Moved")
    DISPLACED = "displaced", _("Office closed; new times offered")
    CANCELLED = "cancelled", _("Cancelled")


class AppointmentEvent(models.Model):
    """The appointment's own history: who booked or moved it, from where to where."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=AppointmentEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # "person", "agency" or "system" when no member of staff acted.
    actor_label = models.CharField(max_length=20)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["appointment", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.kind}"
