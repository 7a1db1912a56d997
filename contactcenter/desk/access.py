"""Who reaches which desk page: the desk's role sets, checked on every request through
``staff.access.staff_roles_required`` with the desk's own sign-in page; and where each role
lands after signing in at the desk."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve, reverse

from contactcenter.staff.access import (
    DESK_ROLES,
    SUPERVISOR_ROLES,
    View,
    staff_roles_required,
    view_staff_roles,
)
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


# Each role's own work, most senior first: someone holding several roles lands on the first.
ROLE_LANDINGS: tuple[tuple[str, str], ...] = (
    (Role.ADMIN, "desk:supervisor"),
    (Role.SUPERVISOR, "desk:supervisor"),
    (Role.TIER1, "desk:home"),
    (Role.TIER2, "desk:callbacks"),
    (Role.OFFICE_STAFF, "servicerequests:queue"),
)


def role_landing_url(user) -> str | None:
    """The page of ``user``'s own work, or None for someone with no staff role."""
    roles = user_roles(user)
    for role, url_name in ROLE_LANDINGS:
        if role in roles:
            return reverse(url_name)
    return None


def page_allowed(user, url: str) -> bool:
    """Whether ``url`` (already checked as safe, on this site) is a staff page ``user`` may
    use. A page that is not a staff page, or not a page at all, is not somewhere sign-in
    sends staff."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    allowed = view_staff_roles(match.func)
    return allowed is not None and bool(user_roles(user) & allowed)
