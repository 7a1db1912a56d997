"""Offices, their hours and closures, and the ZIP codes each field office serves."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from contactcenter.offices.models import Office, OfficeClosure, OfficeHours, ServiceArea
from contactcenter.staff.admin import ADMIN_ONLY, MANAGER_ROLES, RoleAccess


class OfficeHoursInline(RoleAccess, admin.TabularInline):
    model = OfficeHours
    extra = 0
    change_roles = add_roles = delete_roles = ADMIN_ONLY


class OfficeClosureInline(RoleAccess, admin.TabularInline):
    model = OfficeClosure
    extra = 0
    fields = ["starts_on", "ends_on", "reason_en", "reason_es"]
    # Closures are published on the day, often by the supervisor on duty.
    change_roles = add_roles = delete_roles = MANAGER_ROLES

    def get_queryset(self, request: HttpRequest) -> QuerySet[OfficeClosure]:
        return super().get_queryset(request).order_by("-starts_on")


@admin.register(Office)
class OfficeAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["code", "name_en", "kind", "city", "state", "open_to_public"]
    list_filter = ["kind", "open_to_public", "country"]
    # A ZIP code finds the field office whose jurisdiction covers it.
    search_fields = ["code", "name_en", "name_es", "city", "=service_areas__zip_code"]
    search_help_text = _("Office code, name, city, or a ZIP code the office serves.")
    inlines = [OfficeHoursInline, OfficeClosureInline]
    fieldsets = [
        (None, {"fields": ["code", "kind", "name_en", "name_es", "open_to_public"]}),
        (
            _("Address and contact"),
            {
                "fields": [
                    "street",
                    "city",
                    "state",
                    "zip_code",
                    "country",
                    "phone",
                    "email",
                    "time_zone",
                ]
            },
        ),
        (
            _("Note for cases held abroad"),
            {"fields": ["public_contact_note_en", "public_contact_note_es"]},
        ),
    ]


@admin.register(ServiceArea)
class ServiceAreaAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["zip_code", "office"]
    list_filter = ["office__kind"]
    list_select_related = ["office"]
    search_fields = ["zip_code", "office__code", "office__name_en"]
    search_help_text = _("ZIP code or office code.")
    autocomplete_fields = ["office"]
    ordering = ["zip_code"]


@admin.register(OfficeClosure)
class OfficeClosureAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["office", "starts_on", "ends_on", "reason_en"]
    list_filter = ["office__kind", "starts_on"]
    list_select_related = ["office"]
    search_fields = ["office__code", "office__name_en", "reason_en"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["office"]
    change_roles = add_roles = delete_roles = MANAGER_ROLES

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("office")
