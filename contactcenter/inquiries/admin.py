"""Inquiries in the admin: the record of who did what, without the person's contact details.

Staff work inquiries at the desk, where identity is checked before case data is shown; the
admin is for supervisors reviewing history, so it leaves out the person, the case and the
contact fields, and is read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from contactcenter.inquiries.models import Inquiry, InquiryEvent
from contactcenter.staff.admin import MANAGER_ROLES, NOBODY, RoleAccess


class InquiryEventInline(admin.TabularInline):
    model = InquiryEvent
    fields = readonly_fields = ("created_at", "kind", "actor", "actor_label", "body", "data")
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Inquiry)
class InquiryAdmin(RoleAccess, admin.ModelAdmin):
    list_display = [
        "reference_number", "channel", "language", "topic", "tier", "urgency", "state",
        "disposition", "flagged", "created_at",
    ]  # fmt: skip
    list_filter = ["state", "channel", "tier", "urgency", "language", "flagged", "disposition"]
    search_fields = ["=reference_number"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    read_only = True
    view_roles = MANAGER_ROLES
    add_roles = change_roles = delete_roles = NOBODY
    fields = readonly_fields = (
        "reference_number", "channel", "language", "topic", "tier", "urgency", "state",
        "disposition", "verified_as", "verified_at", "failed_identity_checks", "flagged",
        "supervisor_requested_at", "escalation_reason", "created_at", "closed_at",
    )  # fmt: skip
    inlines = [InquiryEventInline]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}
