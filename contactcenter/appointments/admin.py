"""Appointments in the admin: slots may be adjusted by managers; requests, bookings and their
history are read-only, because the rules (review, capacity, closures) live in the services."""

from __future__ import annotations

from django.contrib import admin

from contactcenter.appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentOffer,
    AppointmentRequest,
    AppointmentSlot,
)
from contactcenter.staff.admin import AGENT_ROLES, MANAGER_ROLES, NOBODY, RoleAccess


@admin.register(AppointmentSlot)
class AppointmentSlotAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["office", "starts_at", "ends_at", "capacity", "booked"]
    list_filter = ["office__kind", "day"]
    list_select_related = ["office"]
    search_fields = ["office__code"]
    date_hierarchy = "day"
    readonly_fields = ["booked"]  # only bookings move it, through the services
    view_roles = AGENT_ROLES
    change_roles = MANAGER_ROLES
    add_roles = delete_roles = NOBODY  # slots come from the generation service


@admin.register(AppointmentRequest)
class AppointmentRequestAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["id", "reason", "urgent", "office", "state", "review_due_at", "created_at"]
    list_filter = ["state", "urgent", "reason", "office"]
    list_select_related = ["office"]
    search_fields = ["=inquiry__reference_number"]
    readonly_fields = [f.name for f in AppointmentRequest._meta.fields]
    view_roles = AGENT_ROLES
    read_only = True


class AppointmentEventInline(admin.TabularInline):
    model = AppointmentEvent
    fields = readonly_fields = ("created_at", "kind", "actor_label", "data")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AppointmentOfferInline(admin.TabularInline):
    model = AppointmentOffer
    fields = readonly_fields = ("rank", "slot", "closure")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Appointment)
class AppointmentAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["number", "kind", "office", "reason", "state", "slot"]
    list_filter = ["kind", "state", "office"]
    list_select_related = ["office", "slot"]
    search_fields = ["=number"]
    # No personal data here: the person and case are shown as ids only.
    exclude = ["zip_code"]
    readonly_fields = [f.name for f in Appointment._meta.fields if f.name not in {"zip_code"}]
    raw_id_fields = ["person", "case", "inquiry", "request"]
    inlines = [AppointmentOfferInline, AppointmentEventInline]
    view_roles = AGENT_ROLES
    read_only = True
