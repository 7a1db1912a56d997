"""Legal holds, for supervisors and administrators: set one on a person or a case, release it.
A hold is never edited or deleted; a released hold stays as history."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from contactcenter.core.errors import ApplicationError
from contactcenter.records.models import LegalHold
from contactcenter.records.services import legal_hold_release, legal_hold_set
from contactcenter.staff.admin import MANAGER_ROLES, NOBODY, RoleAccess


@admin.register(LegalHold)
class LegalHoldAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["set_at", "person_id", "case", "reason", "set_by", "released_at"]
    list_filter = [("released_at", admin.EmptyFieldListFilter)]
    list_select_related = ["case", "set_by"]
    search_fields = ["=case__receipt_number", "=person__a_number", "reason"]
    search_help_text = _("A full receipt number, an A-Number, or words of the reason.")
    raw_id_fields = ["person", "case"]
    view_roles = add_roles = MANAGER_ROLES
    change_roles = delete_roles = NOBODY
    actions = ["release"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["person", "case", "reason"]
        return ["person", "case", "reason", "set_by", "set_at", "released_by", "released_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.get_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: LegalHold, form: Any, change: bool) -> None:
        if change:  # pragma: no cover (change is refused above)
            raise PermissionError("legal holds are not edited")
        hold = legal_hold_set(
            set_by=cast(User, request.user), reason=obj.reason, person=obj.person, case=obj.case
        )
        obj.pk, obj.set_at, obj.set_by = hold.pk, hold.set_at, hold.set_by

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not self.has_add_permission(request):
            actions.pop("release", None)
        return actions

    @admin.action(description=_("Release the selected legal holds"))
    def release(self, request: HttpRequest, queryset: QuerySet[LegalHold]) -> None:
        released = 0
        for hold in queryset.filter(released_at__isnull=True):
            try:
                legal_hold_release(hold=hold, released_by=cast(User, request.user))
            except ApplicationError as error:
                self.message_user(request, str(error.message), messages.ERROR)
            else:
                released += 1
        self.message_user(
            request, _("%(count)d legal holds released.") % {"count": released}, messages.SUCCESS
        )
