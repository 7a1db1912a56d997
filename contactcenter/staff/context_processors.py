"""The staff layout's menu: which pages the signed-in member of staff may open, from their
roles, so every staff page (desk, office queue, secure messages, appointment review) shows
the same menu without each view working it out."""

from __future__ import annotations

from django.http import HttpRequest

from contactcenter.staff.access import DESK_ROLES, SUPERVISOR_ROLES
from contactcenter.staff.models import Role
from contactcenter.staff.roles import user_roles

_TIER1_PAGES = frozenset({Role.TIER1, *SUPERVISOR_ROLES})
_TIER2_PAGES = frozenset({Role.TIER2, *SUPERVISOR_ROLES})


def _has_office(user) -> bool:
    profile = getattr(user, "staff_profile", None)
    return profile is not None and profile.office_id is not None


REPORT_PATHS = ("/desk/reports/", "/desk/journeys/", "/desk/surveys/", "/desk/planning/")


def staff_navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    if not roles:
        return {}
    return {
        "staff_nav": {
            "calls_and_chats": bool(roles & _TIER1_PAGES),
            "callbacks": bool(roles & _TIER2_PAGES),
            "messages": bool(roles & DESK_ROLES),
            "appointments": bool(roles & _TIER2_PAGES),
            # Office staff with no office yet have no queue to go to.
            "office_queue": Role.OFFICE_STAFF in roles and _has_office(user),
            "supervisor": bool(roles & SUPERVISOR_ROLES),
            # Scanned letters and faxes: office staff of an office, and supervisors (who also
            # review faxes without a cover sheet). Agents see a letter in the workspace.
            "mail_room": bool(roles & SUPERVISOR_ROLES)
            or (Role.OFFICE_STAFF in roles and _has_office(user)),
            # Supervisors keep the canned replies agents insert.
            "canned_replies": bool(roles & SUPERVISOR_ROLES),
            "reports": bool(roles & SUPERVISOR_ROLES),
            # Their own shifts, beside the sign-out button, for supervisors (their menu wraps
            # anyway); agents find the link under "My work" in the workspace, since one more
            # entry here wraps a Tier 1 agent's Spanish menu at 1366 px.
            "my_schedule": bool(roles & SUPERVISOR_ROLES),
            # Service levels, journeys, surveys and planning share one menu entry and a row of tabs.
            "in_reports": request.path.startswith(REPORT_PATHS),
        }
    }
