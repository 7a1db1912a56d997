"""Canned replies in the admin, for supervisors and administrators: saved through
``desk.replies``, so the admin keeps the same placeholder rules as the desk's own pages, and
retired rather than deleted."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from contactcenter.desk.models import CannedReply
from contactcenter.desk.replies import (
    CannedReplyText,
    canned_reply_create,
    canned_reply_problems,
    canned_reply_set_active,
    canned_reply_update,
)
from contactcenter.staff.admin import MANAGER_ROLES, NOBODY, RoleAccess


class CannedReplyAdminForm(forms.ModelForm):
    class Meta:
        model = CannedReply
        fields = ["title_en", "body_en", "title_es", "body_es", "sort_order", "active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text = CannedReplyText(
            title_en=cleaned.get("title_en") or "", title_es=cleaned.get("title_es") or "",
            body_en=cleaned.get("body_en") or "", body_es=cleaned.get("body_es") or "",
            sort_order=cleaned.get("sort_order") or 0,
        )  # fmt: skip
        problems = canned_reply_problems(text)
        for field, found in problems.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, ValidationError(found))
        self.text = text
        return cleaned


@admin.register(CannedReply)
class CannedReplyAdmin(RoleAccess, admin.ModelAdmin):
    form = CannedReplyAdminForm
    list_display = ["title_en", "title_es", "active", "sort_order", "updated_by", "updated_at"]
    list_filter = ["active"]
    search_fields = ["title_en", "title_es", "body_en", "body_es"]
    readonly_fields = ["updated_by", "updated_at", "created_at"]
    view_roles = MANAGER_ROLES
    add_roles = MANAGER_ROLES
    change_roles = MANAGER_ROLES
    delete_roles = NOBODY  # retire instead: untick "offered to agents"

    def save_model(self, request: HttpRequest, obj: CannedReply, form: Any, change: bool) -> None:
        user = cast(User, request.user)  # the admin lets only signed-in staff this far
        if change:
            saved = canned_reply_update(actor=user, reply_id=obj.pk, text=form.text)
        else:
            saved = canned_reply_create(actor=user, text=form.text)
        if saved.active != form.cleaned_data["active"]:
            saved = canned_reply_set_active(
                actor=user, reply_id=saved.pk, active=form.cleaned_data["active"]
            )
        obj.pk = saved.pk
        obj.updated_by = saved.updated_by
        obj.updated_at = saved.updated_at
