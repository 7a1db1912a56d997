"""Inquiries in the admin: the record of who did what, without the person's contact details.

Staff work inquiries at the desk, where identity is checked before case data is shown; the
admin is for supervisors reviewing history, so it leaves out the person, the case and the
contact fields, and is read-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from contactcenter.inquiries.models import Disposition, Inquiry, InquiryEvent
from contactcenter.inquiries.services import disposition_delete, disposition_save
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


class DispositionForm(forms.ModelForm):
    class Meta:
        model = Disposition
        fields = ["code", "label_en", "label_es", "sort_order", "counts_as_resolved", "active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk and self.instance.builtin and data.get("active") is False:
            raise forms.ValidationError(_("A built-in disposition cannot be retired."))
        return data


@admin.register(Disposition)
class DispositionAdmin(RoleAccess, admin.ModelAdmin):
    """Supervisors keep the wrap-up codes: they add the agency's own, relabel or reorder any,
    retire their own. Built-ins stay (the code sets them); a code once used is retired, not
    deleted, so closed inquiries keep their label. Writes go through the services."""

    form = DispositionForm
    list_display = ["code", "label_en", "label_es", "sort_order", "counts_as_resolved",
                    "active", "builtin"]  # fmt: skip
    list_filter = ["active", "builtin", "counts_as_resolved"]
    ordering = ["sort_order", "code"]
    view_roles = add_roles = change_roles = delete_roles = MANAGER_ROLES

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return ["code", "active"] if obj.builtin else ["code"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and (
            obj.builtin or Inquiry.objects.filter(disposition=obj.code).exists()
        ):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}  # one at a time, so each deletion is checked

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = disposition_save(
            code=obj.code, label_en=obj.label_en, label_es=obj.label_es, active=obj.active,
            sort_order=obj.sort_order, counts_as_resolved=obj.counts_as_resolved,
        )  # fmt: skip
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        disposition_delete(code=obj.code)
