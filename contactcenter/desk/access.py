"""Who reaches which desk page: staff roles only, checked on every request."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from contactcenter.staff.models import Role
from contactcenter.staff.roles import user_roles
from contactcenter.staff.two_step import staff_two_step_redirect

DESK_ROLES = frozenset({Role.TIER1, Role.TIER2, Role.SUPERVISOR, Role.ADMIN})
SUPERVISOR_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
TIER1_PAGE_ROLES = frozenset({Role.TIER1, *SUPERVISOR_ROLES})
TIER2_PAGE_ROLES = frozenset({Role.TIER2, *SUPERVISOR_ROLES})


def is_supervisor(user) -> bool:
    return bool(user_roles(user) & SUPERVISOR_ROLES)


def desk_roles_required(roles: Iterable[str] = DESK_ROLES) -> Callable:
    """Signed-out people go to the desk sign-in; signed-in people without one of ``roles``
    get 403 (the public and office staff have no business on the desk)."""
    allowed = frozenset(roles)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("desk:login"))
            if not user_roles(request.user) & allowed:
                raise PermissionDenied
            second_step = staff_two_step_redirect(request)
            if second_step is not None:
                return second_step
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
