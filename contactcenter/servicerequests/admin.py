"""Service requests in the admin: types are data (editable by administrators, reloaded from the
file on deploy); requests are read-only history for supervisors, without the details the person
gave (a new address, an explanation) or the evidence itself."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from contactcenter.servicerequests.models import (
    EvidenceFile,
    ServiceRequest,
    ServiceRequestEvent,
    ServiceRequestType,
)
from contactcenter.staff.admin import MANAGER_ROLES, NOBODY, RoleAccess


@admin.register(ServiceRequestType)
class ServiceRequestTypeAdmin(RoleAccess, admin.ModelAdmin):
    list_display = [
        "code", "title_en", "title_es", "response_business_days", "priority_rule", "routing",
        "rule", "active",
    ]  # fmt: skip
    list_filter = ["active", "routing", "rule"]
    search_fields = ["code", "title_en", "title_es"]
    view_roles = MANAGER_ROLES


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(_ReadOnlyInline):
    model = ServiceRequestEvent
    fields = readonly_fields = ("created_at", "kind", "actor", "office", "data")


class EvidenceInline(_ReadOnlyInline):
    model = EvidenceFile
    fields = readonly_fields = ("uploaded_at", "content_type", "size", "sha256")


@admin.register(ServiceRequest)
class ServiceRequestAdmin(RoleAccess, admin.ModelAdmin):
    list_display = [
        "number", "type", "office", "state", "high_priority", "submitted_by", "created_at",
        "due_at", "outcome",
    ]  # fmt: skip
    list_filter = ["state", "type", "submitted_by", "high_priority", "outcome"]
    list_select_related = ["type", "office"]
    search_fields = ["=number"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    read_only = True
    view_roles = MANAGER_ROLES
    add_roles = change_roles = delete_roles = NOBODY
    fields = readonly_fields = (
        "number", "type", "office", "state", "submitted_by", "submitted_by_user", "language",
        "reply_channel", "high_priority", "created_at", "due_at", "opened_at", "resolved_at",
        "outcome",
    )  # fmt: skip
    inlines = [EventInline, EvidenceInline]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}
