"""The delivery log for operators: what was sent, when, and why not; recipients masked.

Rows are written only by the services, so every page here is read-only; the one action,
"send again", goes through ``notification_retry``.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from contactcenter.core.errors import ApplicationError
from contactcenter.notifications.models import InboundSms, Notification, SmsOptOut
from contactcenter.notifications.recipients import mask_recipient
from contactcenter.notifications.services import notification_retry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "masked_recipient",
        "channel",
        "template",
        "language",
        "state",
        "attempts",
        "created_at",
        "sent_at",
        "next_attempt_at",
    ]
    list_filter = ["state", "channel", "template", "language", "created_at"]
    # Search by what staff may quote, never by the recipient (that would let a search probe
    # whether someone is being contacted).
    search_fields = ["=inquiry__reference_number", "=provider_message_id"]
    list_select_related = ["inquiry"]
    date_hierarchy = "created_at"
    readonly_fields = fields = (
        "masked_recipient",
        "channel",
        "template",
        "language",
        "context",
        "inquiry",
        "state",
        "attempts",
        "last_error",
        "provider_message_id",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
    )
    actions = ["send_again"]

    @admin.display(description="recipient")
    def masked_recipient(self, obj: Notification) -> str:
        return mask_recipient(obj.recipient)

    @admin.action(
        description="Send the selected failed notifications again", permissions=["send_again"]
    )
    def send_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        sent, refused = 0, 0
        for notification_id in queryset.values_list("pk", flat=True):
            try:
                notification_retry(notification_id=notification_id)
            except ApplicationError:
                refused += 1
            else:
                sent += 1
        self.message_user(request, f"{sent} queued again.", messages.SUCCESS)
        if refused:
            self.message_user(
                request, f"{refused} skipped: only failed notifications can be sent again.",
                messages.WARNING,
            )  # fmt: skip

    def has_send_again_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.change_notification")


@admin.register(SmsOptOut)
class SmsOptOutAdmin(ReadOnlyAdmin):
    """Opt-outs are lifted only by the person texting START, never by staff."""

    list_display = ["masked_phone", "opted_out_at"]
    readonly_fields = fields = ("masked_phone", "opted_out_at")
    date_hierarchy = "opted_out_at"

    @admin.display(description="phone")
    def masked_phone(self, obj: SmsOptOut) -> str:
        return mask_recipient(obj.phone)


@admin.register(InboundSms)
class InboundSmsAdmin(ReadOnlyAdmin):
    list_display = ["masked_phone", "keyword", "action", "received_at"]
    list_filter = ["action", "keyword", "received_at"]
    readonly_fields = fields = ("masked_phone", "keyword", "action", "body_redacted", "received_at")
    date_hierarchy = "received_at"

    @admin.display(description="phone")
    def masked_phone(self, obj: InboundSms) -> str:
        return mask_recipient(obj.from_phone)
