"""Who may see what: the role checks every selector relies on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from contactcenter.staff.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from contactcenter.cases.models import Case


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


def can_view_case_personal_data(user: AbstractBaseUser | AnonymousUser, case: Case) -> bool:
    """Tier 1 sees ordinary cases; VAWA, T and U cases only Tier 2, supervisors and admins;
    office staff only the cases their office holds."""
    roles = user_roles(user)
    if not roles:
        return False
    if case.is_confidential:
        return bool(roles & {Role.TIER2, Role.SUPERVISOR, Role.ADMIN})
    if roles & {Role.TIER1, Role.TIER2, Role.SUPERVISOR, Role.ADMIN}:
        return True
    if Role.OFFICE_STAFF in roles:
        profile = getattr(user, "staff_profile", None)
        return profile is not None and profile.office_id == case.office_id
    return False
