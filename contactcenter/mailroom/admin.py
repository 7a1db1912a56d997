"""The mail room in the admin: read-only records of batches, pages, letters, fax requests and
faxes (every change goes through the mail room's pages and services)."""

from __future__ import annotations

from django.contrib import admin

from contactcenter.mailroom.models import Fax, FaxRequest, Letter, ScanBatch, ScannedPage


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ScanBatch)
class ScanBatchAdmin(_ReadOnly):
    list_display = ("id", "created_at", "created_by", "office", "label")
    list_filter = ("office",)
    date_hierarchy = "created_at"


@admin.register(ScannedPage)
class ScannedPageAdmin(_ReadOnly):
    # What OCR read is personal data (and names cases): not listed, not shown.
    list_display = ("id", "batch", "source_kind", "source_index", "state", "failure_reason",
                    "attempts", "read_at", "letter")  # fmt: skip
    list_filter = ("state", "source_kind")
    exclude = ("ocr_text", "found")


@admin.register(Letter)
class LetterAdmin(_ReadOnly):
    list_display = ("id", "inquiry", "case", "office", "opened_inquiry", "confirmed_by",
                    "confirmed_at")  # fmt: skip
    list_filter = ("office", "opened_inquiry")


@admin.register(FaxRequest)
class FaxRequestAdmin(_ReadOnly):
    list_display = ("id", "inquiry", "requested_by", "requested_at")


@admin.register(Fax)
class FaxAdmin(_ReadOnly):
    list_display = ("id", "provider", "provider_fax_id", "state", "matched_by", "unrequested",
                    "page_count", "received_at", "inquiry", "failure_reason")  # fmt: skip
    list_filter = ("state", "provider", "matched_by", "unrequested")
    search_fields = ("provider_fax_id",)
    exclude = ("ocr_text", "from_number", "media_url")
