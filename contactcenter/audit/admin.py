"""The disclosure log, for supervisors and administrators to read and nobody to rewrite."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from contactcenter.audit.models import DisclosureLog
from contactcenter.staff.admin import MANAGER_ROLES, NOBODY, RoleAccess


@admin.register(DisclosureLog)
class DisclosureLogAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["disclosed_at", "viewer", "system_actor", "case", "channel", "purpose",
                    "fields", "outcome"]  # fmt: skip
    list_filter = ["outcome", "channel", "disclosed_at", "viewer__groups"]
    list_select_related = ["viewer", "case"]
    search_fields = ["=case__receipt_number", "=viewer__username", "=system_actor"]
    search_help_text = _("A full receipt number, a staff username or a service name (ivr).")
    date_hierarchy = "disclosed_at"
    ordering = ["-disclosed_at", "-id"]
    show_full_result_count = False
    # Append-only in the model and in the database; the admin offers no way to try.
    read_only = True
    view_roles = MANAGER_ROLES
    add_roles = change_roles = delete_roles = NOBODY
    fields = readonly_fields = (
        "disclosed_at", "viewer", "system_actor", "case", "channel", "purpose", "fields",
        "outcome", "chain_seq", "chain_hash",
    )  # fmt: skip

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}
