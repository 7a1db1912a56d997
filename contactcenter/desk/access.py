"""Who reaches which desk page: the desk's role sets, checked on every request through
``staff.access.staff_roles_required`` with the desk's own sign-in page."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from contactcenter.staff.access import DESK_ROLES, SUPERVISOR_ROLES, View, staff_roles_required
from contactcenter.staff.models import Role
from contactcenter.staff.roles import user_roles

TIER1_PAGE_ROLES = frozenset({Role.TIER1, *SUPERVISOR_ROLES})
TIER2_PAGE_ROLES = frozenset({Role.TIER2, *SUPERVISOR_ROLES})
DESK_LOGIN = "desk:login"


def is_supervisor(user) -> bool:
    return bool(user_roles(user) & SUPERVISOR_ROLES)


def desk_roles_required(roles: Iterable[str] = DESK_ROLES) -> Callable[[View], View]:
    """Signed-out people go to the desk sign-in; signed-in people without one of ``roles``
    get 403 (the public and office staff have no business on the desk)."""
    return staff_roles_required(roles, login_url=DESK_LOGIN)
