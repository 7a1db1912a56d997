"""The phone line in the admin: flow versions with their picture, and calls, all read-only.

Flows change through their files and ``contactcenter flow-load`` (restore an earlier version
with ``flow-load --restore LINE``), never by hand here.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from contactcenter.ivr.flows import Flow
from contactcenter.ivr.graph import flow_dot, flow_outline
from contactcenter.ivr.models import Call, CallTurn, FlowVersion
from contactcenter.staff.admin import MANAGER_ROLES, RoleAccess


@admin.register(FlowVersion)
class FlowVersionAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["line", "version", "active", "source_file", "loaded_at", "activated_at"]
    list_filter = ["line", "active"]
    view_roles = MANAGER_ROLES
    read_only = True
    fields = readonly_fields = (
        "line", "version", "active", "source_file", "checksum", "loaded_at", "activated_at",
        "outline", "graphviz_dot", "source",
    )  # fmt: skip
    exclude = ["definition"]

    @admin.display(description=_("Flow, node by node"))
    def outline(self, obj: FlowVersion) -> str:
        return format_html("<pre>{}</pre>", flow_outline(Flow.from_dict(obj.definition)))

    @admin.display(description=_("Graphviz DOT (render with dot -Tsvg)"))
    def graphviz_dot(self, obj: FlowVersion) -> str:
        return format_html("<pre>{}</pre>", flow_dot(Flow.from_dict(obj.definition)))


class CallTurnInline(admin.TabularInline):
    model = CallTurn
    fields = readonly_fields = ("step", "node", "heard", "said", "created_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Call)
class CallAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["id", "line", "outcome", "started_at", "queued_at", "bridged_at", "ended_at"]
    list_filter = ["line", "outcome"]
    search_fields = ["=inquiry__reference_number"]
    view_roles = MANAGER_ROLES
    read_only = True
    # The caller's number and the raw state (which may hold a receipt number while the call
    # is live) are not shown.
    fields = readonly_fields = (
        "line", "flow_version", "inquiry", "work_item", "outcome", "started_at", "queued_at",
        "bridged_at", "ended_at",
    )  # fmt: skip
    inlines = [CallTurnInline]
