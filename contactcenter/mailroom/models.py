"""Paper and fax: scanned batches, pages and what OCR found on them, fax cover sheets.

A scanned page and a fax hold what a person wrote: their files live under the private root
(``PRIVATE_FILES_ROOT/mailroom``, which no URL maps to), their text is personal data shown
to staff, and neither ever goes into a log line.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ScanBatch(models.Model):
    """What one member of staff scanned at one sitting: one or more files, each of one or
    more pages."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The scanner's office (office staff), or none (the central mail room).
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "scan batches"

    def __str__(self) -> str:
        return f"batch #{self.pk}"


class PageState(models.TextChoices):
    WAITING = "waiting", "Waiting to be read"
    READ = "read", "Read: waiting for a person to confirm"
    FAILED = "failed", "Could not be read"
    CONFIRMED = "confirmed", "Confirmed: part of a letter"


class Letter(models.Model):
    """A letter as a person confirmed it: one or more pages, the inquiry it became (on channel
    "mail") or joined, the case it names and the office that holds that case."""

    inquiry = models.ForeignKey(
        "inquiries.Inquiry", on_delete=models.CASCADE, related_name="letters"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The office that holds the case: the letter is its work (none: the contact center's).
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_inquiry = models.BooleanField(default=True)  # False: joined one quoted on it
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-confirmed_at", "-id"]

    def __str__(self) -> str:
        return f"letter #{self.pk}"


class ScannedPage(models.Model):
    """One page of a scanned file. The file is kept before anything reads it, so a page whose
    OCR fails is still there, with the reason, to be read again or typed in by a person."""

    batch = models.ForeignKey(ScanBatch, on_delete=models.CASCADE, related_name="pages")
    # The file the page came from (a PDF or TIFF holds several) and its place in it (from 0).
    source_path = models.CharField(max_length=300)
    source_kind = models.CharField(max_length=10)  # pdf, tiff, jpeg
    source_sha256 = models.CharField(max_length=64)
    source_index = models.PositiveSmallIntegerField(default=0)
    # The page as a PNG, drawn when it is read: what staff see beside the text.
    image_path = models.CharField(max_length=300, blank=True)
    state = models.CharField(
        max_length=10, choices=PageState.choices, default=PageState.WAITING, db_index=True
    )
    ocr_text = models.TextField(blank=True)
    # {"receipt_numbers": [...], "a_numbers": [...], "references": [...]}, normalised.
    found = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=2, blank=True)
    # Why OCR failed: a code (render:..., ocr:..., the exception's kind), never content.
    failure_reason = models.CharField(max_length=120, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    read_at = models.DateTimeField(null=True, blank=True)
    # An inquiry removed at the end of its retention takes its letters and their pages.
    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, null=True, blank=True, related_name="pages"
    )

    class Meta:
        ordering = ["batch", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=PageState.values), name="mailroom_page_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(state="confirmed") | Q(letter__isnull=False),
                name="mailroom_page_confirmed_has_letter",
            ),
        ]

    def __str__(self) -> str:
        return f"page #{self.pk} {self.state}"


class FaxRequest(models.Model):
    """An agent asked the person for a document by fax and gave them a cover sheet: a fax for
    the inquiry is expected (one for an inquiry without this is flagged)."""

    inquiry = models.ForeignKey(
        "inquiries.Inquiry", on_delete=models.CASCADE, related_name="fax_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"fax request #{self.pk}"


class FaxState(models.TextChoices):
    FETCHING = "fetching", "Waiting for the document from the provider"
    RECEIVED = "received", "Received: being read"
    ATTACHED = "attached", "Attached to its inquiry"
    REVIEW = "review", "Waiting for a person (no cover sheet found)"
    FAILED = "failed", "Could not be fetched or read"


class MatchedBy(models.TextChoices):
    NONE = "", "Not matched"
    QR = "qr", "QR code on the cover sheet"
    OCR = "ocr", "Reference number read by OCR"
    STAFF = "staff", "A member of staff"


class Fax(models.Model):
    """An inbound fax, once per provider's fax id: its PDF under the private root, and the
    inquiry it joined (by the cover sheet's QR code, its reference number read by OCR, or a
    person in the review queue)."""

    provider = models.CharField(max_length=20)  # generic, telnyx
    provider_fax_id = models.CharField(max_length=100)
    state = models.CharField(max_length=10, choices=FaxState.choices, default=FaxState.RECEIVED)
    from_number = models.CharField(max_length=40, blank=True)  # personal data
    page_count = models.PositiveSmallIntegerField(default=0)
    media_url = models.URLField(max_length=2000, blank=True)  # to fetch, then cleared
    stored_path = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    ocr_text = models.TextField(blank=True)
    inquiry = models.ForeignKey(
        "inquiries.Inquiry",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="faxes",
    )
    matched_by = models.CharField(max_length=5, choices=MatchedBy.choices, blank=True)
    # Attached to an inquiry that never asked for a fax: someone should look.
    unrequested = models.BooleanField(default=False)
    failure_reason = models.CharField(max_length=120, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name_plural = "faxes"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_fax_id"], name="mailroom_fax_once_per_provider_id"
            ),
            models.CheckConstraint(
                condition=Q(state__in=FaxState.values), name="mailroom_fax_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(state="attached") | Q(inquiry__isnull=False),
                name="mailroom_fax_attached_has_inquiry",
            ),
        ]

    def __str__(self) -> str:
        return f"fax #{self.pk} {self.state}"
