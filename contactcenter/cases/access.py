"""Who may see a case's personal data: the rules every case selector, the case and person
admin pages and the office work queue rely on, as a check on one case and as a filter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from contactcenter.cases.models import Case, Confidentiality
from contactcenter.staff.models import Role
from contactcenter.staff.roles import user_roles

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def person_is_protected(case: Case) -> bool:
    """Whether the case's applicant has any VAWA, T or U case.

    Protection follows the person, not one case: otherwise the address of a VAWA applicant
    could be read through the same person's ordinary case.
    """
    if case.is_confidential:
        return True
    known = getattr(case, PROTECTED_ANNOTATION, None)
    if known is not None:
        return bool(known)
    return Case.objects.filter(applicant_id=case.applicant_id).exclude(confidentiality="").exists()


PROTECTED_ANNOTATION = "applicant_is_protected"


def protected_annotation() -> dict[str, Exists]:
    """``Case.objects.annotate(**protected_annotation())`` reads whether the applicant is
    protected in the same query as the case, so ``person_is_protected`` needs no query of its
    own on a hot path."""
    return {
        PROTECTED_ANNOTATION: Exists(
            Case.objects.filter(applicant_id=OuterRef("applicant_id")).exclude(confidentiality="")
        )
    }


def can_view_case_personal_data(user: AbstractBaseUser | AnonymousUser, case: Case) -> bool:
    """Tier 1 sees ordinary cases; people with a VAWA, T or U case only Tier 2, supervisors and
    admins; office staff only the cases their office holds."""
    roles = user_roles(user)
    if not roles:
        return False
    if person_is_protected(case):
        return bool(roles & {Role.TIER2, Role.SUPERVISOR, Role.ADMIN})
    if roles & {Role.TIER1, Role.TIER2, Role.SUPERVISOR, Role.ADMIN}:
        return True
    if Role.OFFICE_STAFF in roles:
        profile = getattr(user, "staff_profile", None)
        return profile is not None and profile.office_id == case.office_id
    return False


def visible_cases_q(user: AbstractBaseUser | AnonymousUser) -> Q | None:
    """The cases whose personal data ``user`` may see, as a filter (``None``: all of them).

    The same rule as ``can_view_case_personal_data``, in SQL, so lists can be filtered in the
    database; that function stays the authority (the selector applies it to every case page),
    and a test checks the two agree for every role. Protection follows the person here too:
    an ordinary case of someone with a VAWA, T or U case is hidden from Tier 1.
    """
    roles = user_roles(user)
    if roles & {Role.TIER2, Role.SUPERVISOR, Role.ADMIN}:
        return None
    unprotected = Q(confidentiality=Confidentiality.NONE) & ~Q(
        Exists(
            Case.objects.filter(applicant_id=OuterRef("applicant_id")).exclude(
                confidentiality=Confidentiality.NONE
            )
        )
    )
    visible = Q(pk__in=[])
    if Role.TIER1 in roles:
        visible |= unprotected
    if Role.OFFICE_STAFF in roles:
        profile = getattr(user, "staff_profile", None)
        if profile is not None and profile.office_id is not None:
            visible |= unprotected & Q(office_id=profile.office_id)
    return visible
