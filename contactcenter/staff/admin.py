"""Staff administration, and the role-based access every other admin page shares.

Who may open which admin page follows the staff roles (one auth group each, see
``staff.roles``), so handing someone a role is all it takes to give them the right screens.
Django's per-model permissions still add to that for installs that prefer them, except on
records the admin must never rewrite (cases, the disclosure log), which stay read-only for
everyone, superusers included.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from contactcenter.staff.models import Role, StaffProfile
from contactcenter.staff.roles import user_roles

ALL_ROLES = frozenset(Role)
AGENT_ROLES = frozenset({Role.TIER1, Role.TIER2, Role.SUPERVISOR, Role.ADMIN})
MANAGER_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
ADMIN_ONLY = frozenset({Role.ADMIN})
NOBODY: frozenset[Role] = frozenset()


def has_any_role(request: HttpRequest, roles: Iterable[str]) -> bool:
    return bool(user_roles(request.user) & frozenset(roles))


class RoleAccess:
    """Admin permissions from staff roles, plus Django's model permissions.

    ``read_only`` records refuse add, change and delete to everyone: they are written by
    services and imports, where the rules live, never by hand in the admin.
    """

    view_roles: frozenset[Role] = ALL_ROLES
    add_roles: frozenset[Role] = ADMIN_ONLY
    change_roles: frozenset[Role] = ADMIN_ONLY
    delete_roles: frozenset[Role] = ADMIN_ONLY
    read_only: bool = False

    def _allowed(self, request: HttpRequest, roles: frozenset[Role], django_ok: bool) -> bool:
        return has_any_role(request, roles) or django_ok

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_any_role(request, self.view_roles | self.change_roles) or bool(
            super().has_module_permission(request)  # type: ignore[misc]
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(
            request,
            self.view_roles | self.change_roles,
            super().has_view_permission(request, obj),  # type: ignore[misc]
        )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        if self.read_only:
            return False
        return self._allowed(
            request,
            self.add_roles,
            super().has_add_permission(request, *args),  # type: ignore[misc]
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self.read_only:
            return False
        return self._allowed(
            request,
            self.change_roles,
            super().has_change_permission(request, obj),  # type: ignore[misc]
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self.read_only:
            return False
        return self._allowed(
            request,
            self.delete_roles,
            super().has_delete_permission(request, obj),  # type: ignore[misc]
        )


class StaffProfileInline(RoleAccess, admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fk_name = "user"
    autocomplete_fields = ["office"]
    verbose_name_plural = _("Staff profile")
    view_roles = MANAGER_ROLES
    add_roles = change_roles = ADMIN_ONLY


User = get_user_model()
for _model in (User, Group):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(Group)
class RoleGroupAdmin(RoleAccess, GroupAdmin):
    """The groups are the roles: administrators hand them out, supervisors can see them."""

    view_roles = MANAGER_ROLES
    add_roles = change_roles = delete_roles = ADMIN_ONLY


@admin.register(User)
class StaffUserAdmin(RoleAccess, UserAdmin):
    """Django's user admin with the staff profile and the roles at a glance."""

    inlines = [StaffProfileInline]
    list_display = [
        "username",
        "is_active",
        "is_staff",
        "roles",
        "office",
        "last_login",
    ]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    list_select_related = ["staff_profile__office"]
    # Staff accounts are people too: the list shows usernames, not names or e-mail addresses.
    search_fields = ["username"]
    view_roles = MANAGER_ROLES
    add_roles = change_roles = delete_roles = ADMIN_ONLY

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("Roles"))
    def roles(self, obj: Any) -> str:
        names = sorted(group.name for group in obj.groups.all() if group.name in Role.values)
        return ", ".join(str(Role(name).label) for name in names) or "–"

    @admin.display(description=_("Office"), ordering="staff_profile__office__code")
    def office(self, obj: Any) -> str:
        profile = getattr(obj, "staff_profile", None)
        if profile is None or profile.office is None:
            return "–"
        return str(profile.office.code)


@admin.register(StaffProfile)
class StaffProfileAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["user", "office", "languages"]
    list_filter = ["languages", "office__kind"]
    list_select_related = ["user", "office"]
    search_fields = ["user__username", "office__code"]
    autocomplete_fields = ["user", "office"]
    view_roles = MANAGER_ROLES
    add_roles = change_roles = delete_roles = ADMIN_ONLY
