"""The online account: who an account is (an applicant or a representative), the codes that
link a paper case to it, the secure inbox, uploads answering a request for evidence, and the
outreach events anyone may register for.

Every object a URL names by id is reached only through ``selectors.py``, which filters by the
signed-in account first, so another person's id answers "not found".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contactcenter.core.models import TimeStampedModel


class AccountLink(TimeStampedModel):
    """This account belongs to this applicant (proved with an Online Access Code)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_person_link"
    )
    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="portal_account_link"
    )

    def __str__(self) -> str:
        return f"Account link #{self.pk}"


class RepresentativeLink(TimeStampedModel):
    """This account belongs to a representative; it sees nothing until staff approve it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_representative"
    )
    representative = models.ForeignKey(
        "people.Representative", on_delete=models.PROTECT, related_name="portal_accounts"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"Representative link #{self.pk}"


class AccessCode(TimeStampedModel):
    """An Online Access Code printed on a paper notice. Only a keyed hash is stored."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="access_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "-created_at"])]

    def __str__(self) -> str:
        return f"Access code #{self.pk}"


class Thread(TimeStampedModel):
    """A conversation about one case in one account's secure inbox."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_threads"
    )
    subject = models.CharField(max_length=120)
    # The inquiry the latest message opened or extended; a new one once it is closed.
    inquiry = models.ForeignKey(
        "inquiries.Inquiry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_message_at = models.DateTimeField(db_index=True)
    awaiting_reply = models.BooleanField(default=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["user", "case", "-last_message_at"])]

    def __str__(self) -> str:
        return f"Thread #{self.pk}"


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    from_staff = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Message #{self.pk}"


class ScanState(models.TextChoices):
    CLEAN = "clean", _("Checked, no threat found")
    NOT_SCANNED = "not_scanned", _("Waiting for a check")


class Upload(models.Model):
    """A file sent in answer to a request for evidence, kept outside the web root."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    # What a person sent in belongs to the case record: an account that uploaded anything can
    # be deactivated but not deleted, as with the secure messages it wrote.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="portal_uploads"
    )
    stored_path = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    label = models.CharField(max_length=120, blank=True)
    scan_state = models.CharField(max_length=20, choices=ScanState.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Upload #{self.pk}"


class OutreachEvent(TimeStampedModel):
    title_en = models.CharField(max_length=200)
    title_es = models.CharField(max_length=200)
    description_en = models.TextField(blank=True)
    description_es = models.TextField(blank=True)
    location = models.CharField(max_length=200, help_text=_("An address, or 'Online'."))
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    registered = models.PositiveIntegerField(default=0)
    notes_en = models.TextField(blank=True, help_text=_("What was said, once it has taken place."))
    notes_es = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="outreach_event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registered__lte=F("capacity")), name="outreach_event_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"Event #{self.pk}"

    def title(self, language: str) -> str:
        return self.title_es if language.startswith("es") and self.title_es else self.title_en

    def description(self, language: str) -> str:
        return self.description_es if language.startswith("es") else self.description_en

    def notes(self, language: str) -> str:
        return self.notes_es if language.startswith("es") and self.notes_es else self.notes_en


class EventRegistration(TimeStampedModel):
    event = models.ForeignKey(OutreachEvent, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(max_length=120)
    email = models.EmailField()
    language = models.CharField(max_length=2, default="en")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="event_registration_once")
        ]

    def __str__(self) -> str:
        return f"Registration #{self.pk}"
