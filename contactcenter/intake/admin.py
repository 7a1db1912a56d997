"""Email intake for operators: what came in and what became of it, what went out, and the
addresses that bounced. Addresses are masked; bodies are not shown here (staff read them in
the inquiry). Rows are written only by the services: every page is read-only, except that an
undeliverable address may be lifted once the person gives a working one."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from contactcenter.core.errors import ApplicationError
from contactcenter.intake.models import (
    InboundAttachment,
    InboundEmail,
    OutboundEmail,
    UndeliverableAddress,
)
from contactcenter.intake.services import email_kept_aside_retry
from contactcenter.notifications.recipients import mask_recipient


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


class AttachmentInline(admin.TabularInline):
    model = InboundAttachment
    extra = 0
    can_delete = False
    fields = readonly_fields = ("filename", "declared_type", "kind", "size", "refused_reason")

    def has_add_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


@admin.register(InboundEmail)
class InboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["id", "received_at", "source", "outcome", "reason", "masked_sender", "inquiry"]
    list_filter = ["outcome", "source", "reason", "received_at"]
    # What staff may quote: an inquiry's reference or a Message-ID, never an address.
    search_fields = ["=inquiry__reference_number", "=message_id"]
    list_select_related = ["inquiry"]
    date_hierarchy = "received_at"
    readonly_fields = fields = (
        "received_at",
        "source",
        "outcome",
        "reason",
        "joined_by",
        "inquiry",
        "masked_sender",
        "language",
        "message_id",
        "in_reply_to",
        "defects",
        "raw_size",
        "raw_sha256",
        "raw_path",
    )
    inlines = [AttachmentInline]
    actions = ["receive_again"]

    @admin.display(description="sender")
    def masked_sender(self, obj: InboundEmail) -> str:
        return mask_recipient(obj.sender) if obj.sender else ""

    @admin.action(
        description="Receive the selected kept-aside messages again",
        permissions=["receive_again"],
    )
    def receive_again(self, request: HttpRequest, queryset: QuerySet[InboundEmail]) -> None:
        done, unchanged, refused = 0, 0, 0
        for email_id in queryset.values_list("pk", flat=True):
            try:
                received = email_kept_aside_retry(email_id=email_id)
            except ApplicationError:
                refused += 1
                continue
            if received.already_seen:
                unchanged += 1
            else:
                done += 1
        self.message_user(
            request, f"{done} received, {unchanged} still unreadable.", messages.SUCCESS
        )
        if refused:
            self.message_user(
                request, f"{refused} skipped: only kept-aside messages.", messages.WARNING
            )

    def has_receive_again_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("intake.change_inboundemail")


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "kind", "state", "attempts", "masked_recipient", "inquiry"]
    list_filter = ["state", "kind", "language", "created_at"]
    search_fields = ["=inquiry__reference_number", "=message_id"]
    list_select_related = ["inquiry"]
    date_hierarchy = "created_at"
    readonly_fields = fields = (
        "created_at",
        "kind",
        "state",
        "attempts",
        "last_error",
        "masked_recipient",
        "inquiry",
        "actor",
        "language",
        "message_id",
        "in_reply_to",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
    )

    @admin.display(description="recipient")
    def masked_recipient(self, obj: OutboundEmail) -> str:
        return mask_recipient(obj.recipient)


@admin.register(UndeliverableAddress)
class UndeliverableAddressAdmin(ReadOnlyAdmin):
    list_display = ["masked_address", "status", "marked_at"]
    list_filter = ["status", "marked_at"]
    readonly_fields = fields = ("masked_address", "status", "report", "marked_at")

    @admin.display(description="address")
    def masked_address(self, obj: UndeliverableAddress) -> str:
        return mask_recipient(obj.address)

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return request.user.has_perm("intake.delete_undeliverableaddress")
