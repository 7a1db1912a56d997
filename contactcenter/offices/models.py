from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contactcenter.core.models import TimeStampedModel


class OfficeKind(models.TextChoices):
    SERVICE_CENTER = "service_center", _("Service center")
    BENEFITS_CENTER = "benefits_center", _("National Benefits Center")
    FIELD_OFFICE = "field_office", _("Field office")
    SUPPORT_CENTER = "support_center", _("Application Support Center")
    ASYLUM_OFFICE = "asylum_office", _("Asylum office")
    INTERNATIONAL = "international", _("International office")


class Office(TimeStampedModel):
    code = models.CharField(max_length=8, unique=True)
    kind = models.CharField(max_length=20, choices=OfficeKind.choices, db_index=True)
    name_en = models.CharField(max_length=120)
    name_es = models.CharField(max_length=120)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=40, blank=True)
    zip_code = models.CharField(max_length=10, blank=True)
    country = models.CharField(max_length=2, default="US")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    time_zone = models.CharField(max_length=40, default="America/New_York")
    open_to_public = models.BooleanField(default=True)
    # Cases held here are referred abroad: the person is given these contact details.
    public_contact_note_en = models.TextField(blank=True)
    public_contact_note_es = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name_en}"

    def name(self, language: str) -> str:
        return self.name_es if language == "es" else self.name_en


class ServiceArea(models.Model):
    """A residential ZIP code served by a field office (jurisdiction follows the ZIP)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="service_areas")
    zip_code = models.CharField(max_length=5)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["zip_code"], name="service_area_zip_unique"),
            models.CheckConstraint(
                condition=Q(zip_code__regex=r"^[0-9]{5}$"), name="service_area_zip_5_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zip_code} → {self.office.code}"


class OfficeHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    class Meta:
        ordering = ["office", "weekday", "opens_at"]
        verbose_name_plural = "office hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="office_hours_close_after_open"
            ),
            models.UniqueConstraint(
                fields=["office", "weekday", "opens_at"], name="office_hours_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.get_weekday_display()} {self.opens_at}-{self.closes_at}"


class OfficeClosure(TimeStampedModel):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason_en = models.CharField(max_length=200)
    reason_es = models.CharField(max_length=200)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="office_closure_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office.code} closed {self.starts_on}–{self.ends_on}"
