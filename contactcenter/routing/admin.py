from __future__ import annotations

from django.contrib import admin

from contactcenter.routing.models import (
    Agent,
    CallbackAttempt,
    LiveHelpClosure,
    LiveHelpHours,
    Offer,
    PresenceChange,
    Queue,
    WorkItem,
)
from contactcenter.staff.admin import ADMIN_ONLY, MANAGER_ROLES, NOBODY, RoleAccess


@admin.register(Queue)
class QueueAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["code", "name_en", "tier", "language", "skill", "priority", "active"]
    list_filter = ["tier", "language", "active", "live_hours_only"]
    search_fields = ["code", "name_en", "name_es"]
    view_roles = MANAGER_ROLES
    add_roles = change_roles = delete_roles = ADMIN_ONLY


class PresenceChangeInline(admin.TabularInline):
    model = PresenceChange
    fields = readonly_fields = ("changed_at", "presence", "reason")
    extra = 0
    can_delete = False
    ordering = ["-changed_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Agent)
class AgentAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["user", "tiers", "languages", "skills", "presence", "presence_since"]
    list_filter = ["presence"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    view_roles = MANAGER_ROLES
    add_roles = change_roles = ADMIN_ONLY
    delete_roles = ADMIN_ONLY
    # The device and its number change only through the desk (the number is parsed there).
    readonly_fields = ["presence", "presence_since", "voice_device", "voice_phone"]
    inlines = [PresenceChangeInline]


class OfferInline(admin.TabularInline):
    model = Offer
    fields = readonly_fields = ("offered_at", "agent", "outcome", "ended_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CallbackAttemptInline(admin.TabularInline):
    model = CallbackAttempt
    fields = readonly_fields = ("attempted_at", "agent", "outcome", "note")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkItem)
class WorkItemAdmin(RoleAccess, admin.ModelAdmin):
    """Read-only: work moves through the routing services (the desk), never by hand here."""

    list_display = [
        "id", "kind", "queue", "state", "priority", "enqueued_at", "due_at", "breached_at",
        "assigned_to",
    ]  # fmt: skip
    list_filter = ["state", "kind", "queue", "tier", "language"]
    list_select_related = ["queue", "assigned_to__user"]
    search_fields = ["=inquiry__reference_number"]
    date_hierarchy = "enqueued_at"
    show_full_result_count = False
    read_only = True
    view_roles = MANAGER_ROLES
    add_roles = change_roles = delete_roles = NOBODY
    exclude = ["inquiry"]
    inlines = [OfferInline, CallbackAttemptInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in WorkItem._meta.fields if f.name != "inquiry"]


@admin.register(LiveHelpClosure)
class LiveHelpClosureAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["starts_on", "ends_on", "reason_en", "reason_es"]
    date_hierarchy = "starts_on"
    view_roles = MANAGER_ROLES
    add_roles = change_roles = delete_roles = MANAGER_ROLES


@admin.register(LiveHelpHours)
class LiveHelpHoursAdmin(RoleAccess, admin.ModelAdmin):
    """Approved hours are a record: approved on the planning page, never edited here."""

    list_display = ["effective_from", "approved_by", "created_at"]
    readonly_fields = ["effective_from", "hours", "approved_by", "figures"]
    view_roles = MANAGER_ROLES
    add_roles = change_roles = delete_roles = NOBODY
