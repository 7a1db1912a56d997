"""Outreach events (supervisors publish them and their notes) and the representatives' links.

Secure messages, uploads and access codes have no admin pages: they hold case data and are
reached through the desk pages at /desk/messages/, which check the role and log disclosure.
"""

from __future__ import annotations

from django.contrib import admin

from contactcenter.portal.models import EventRegistration, OutreachEvent, RepresentativeLink
from contactcenter.staff.admin import MANAGER_ROLES, RoleAccess


class EventRegistrationInline(RoleAccess, admin.TabularInline):
    model = EventRegistration
    extra = 0
    fields = ("name", "email", "language", "created_at")
    readonly_fields = ("name", "email", "language", "created_at")
    view_roles = MANAGER_ROLES
    read_only = True


@admin.register(OutreachEvent)
class OutreachEventAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["title_en", "starts_at", "location", "capacity", "registered"]
    search_fields = ["title_en", "title_es", "location"]
    date_hierarchy = "starts_at"
    readonly_fields = ["registered"]
    inlines = [EventRegistrationInline]
    add_roles = change_roles = delete_roles = MANAGER_ROLES


@admin.register(RepresentativeLink)
class RepresentativeLinkAdmin(RoleAccess, admin.ModelAdmin):
    """Read-only here: approval is a desk action (/desk/messages/representatives/)."""

    list_display = ["pk", "representative", "approved_at"]
    list_filter = ["approved_at"]
    list_select_related = ["representative"]
    view_roles = MANAGER_ROLES
    read_only = True
