"""Which roles a member of staff holds, read once per request: the base of every role check
(the rules for case data are in ``cases/access.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from contactcenter.staff.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def user_roles(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_cc_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        if user.is_superuser:  # type: ignore[attr-defined]
            names.add(Role.ADMIN)
        cached = frozenset(names & set(Role.values))
        setattr(user, "_cc_roles", cached)  # noqa: B010  (a per-request memo on the user)
    return cached
