"""Who reaches which staff page: the role sets pages share and the one check they all use.

Every staff page (the desk, the secure inbox's staff side, appointment review, the office work
queue, creating a service request) is wrapped in ``staff_roles_required``, so the order is the
same everywhere: a signed-out person is sent to sign in and brought back; a signed-in person
without one of the page's roles gets 403 (the public, and staff of another kind, have no
business there); then two-step verification (``two_step.py``), when it is required.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from contactcenter.staff.models import Role
from contactcenter.staff.roles import user_roles
from contactcenter.staff.two_step import staff_two_step_redirect

# Any view; the check keeps its type (the refusals it returns are plain HttpResponses).
View = TypeVar("View", bound=Callable[..., HttpResponseBase])

STAFF_ROLES = frozenset(Role.values)
DESK_ROLES = frozenset({Role.TIER1, Role.TIER2, Role.SUPERVISOR, Role.ADMIN})
SUPERVISOR_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def staff_roles_required(
    roles: Iterable[str] = STAFF_ROLES, *, login_url: str | None = None
) -> Callable[[View], View]:
    """Let through signed-in staff holding one of ``roles``, once two-step verification is done.

    A signed-out person is redirected to ``login_url`` (a URL or a URL name; by default
    ``settings.LOGIN_URL``) with ``next`` set to this page.
    """
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url)
            if not user_roles(request.user) & allowed:
                raise PermissionDenied
            second_step = staff_two_step_redirect(request)
            if second_step is not None:
                return second_step
            return view(request, *args, **kwargs)

        # The roles are kept on the view, so sign-in can tell whether a page named in ``next``
        # is one this person may use before sending them there.
        wrapped.staff_roles = allowed  # type: ignore[attr-defined]
        return cast(View, wrapped)

    return decorator


def view_staff_roles(view: Callable[..., object]) -> frozenset[str] | None:
    """The roles a staff page lets in, or None for a view that is not a staff page."""
    roles = getattr(view, "staff_roles", None)
    return frozenset(roles) if roles is not None else None
