"""Demo staff: one or more users per role, with their offices and languages, and a routing
agent for everyone who takes contacts."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from contactcenter.offices.models import Office
from contactcenter.routing.services import agent_ensure_for_user
from contactcenter.setup.demo.plan import StaffPlan
from contactcenter.staff.models import Role, StaffProfile

# Demo only: documented in the README and in `seed --help`. Never use on a real install.
DEMO_PASSWORDS: dict[str, str] = {
    Role.TIER1: "demo-tier1",
    Role.TIER2: "demo-tier2",
    Role.SUPERVISOR: "demo-supervisor",
    Role.OFFICE_STAFF: "demo-office",
    Role.ADMIN: "demo-admin",
}
STAFF: tuple[StaffPlan, ...] = (
    StaffPlan("tier1.alice", Role.TIER1, "Alice", "Porter", "en"),
    StaffPlan("tier1.bruno", Role.TIER1, "Bruno", "Salas", "en,es"),
    StaffPlan("tier1.chen", Role.TIER1, "Chen", "Li", "en"),
    StaffPlan("tier2.dana", Role.TIER2, "Dana", "Brooks", "en"),
    StaffPlan("tier2.esteban", Role.TIER2, "Esteban", "Ibarra", "en,es"),
    StaffPlan("supervisor.fiona", Role.SUPERVISOR, "Fiona", "Grant", "en"),
    StaffPlan("supervisor.gloria", Role.SUPERVISOR, "Gloria", "Medina", "en,es"),
    StaffPlan("office.nyc", Role.OFFICE_STAFF, "Hank", "Russo", "en", "NYC"),
    StaffPlan("office.mia", Role.OFFICE_STAFF, "Inés", "Marrero", "en,es", "MIA"),
    StaffPlan("office.nbc", Role.OFFICE_STAFF, "Jamal", "Wright", "en", "NBC"),
    StaffPlan("admin", Role.ADMIN, "Kay", "Admin", "en,es"),
    StaffPlan("admin.leo", Role.ADMIN, "Leo", "Fischer", "en"),
)


def staff_lines() -> list[str]:
    return [
        f"  {member.username:<18} {member.role:<13} password {DEMO_PASSWORDS[member.role]}"
        + (f" (office {member.office})" if member.office else "")
        for member in STAFF
    ]


def staff_users_write(*, staff: Sequence[StaffPlan]) -> int:
    """Create or refresh the demo staff users; each distinct password is hashed once."""
    user_model = get_user_model()
    hashes = {role: make_password(DEMO_PASSWORDS[role]) for role in {m.role for m in staff}}
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    offices = dict(Office.objects.values_list("code", "id"))
    for member in staff:
        is_admin = member.role == Role.ADMIN
        # Supervisors read the disclosure log and the records in the admin; agents work the desk.
        uses_admin = member.role in (Role.ADMIN, Role.SUPERVISOR)
        user, _ = user_model.objects.update_or_create(
            username=member.username,
            defaults={
                "first_name": member.first_name,
                "last_name": member.last_name,
                "email": f"{member.username}@agency.example",
                "password": hashes[member.role],
                "is_staff": uses_admin,
                "is_superuser": is_admin,
                "is_active": True,
            },
        )
        user.groups.set([groups[member.role]])
        StaffProfile.objects.update_or_create(
            user=user,
            defaults={
                "office_id": offices[member.office] if member.office else None,
                "languages": member.languages,
            },
        )
        if member.role in (Role.TIER1, Role.TIER2, Role.SUPERVISOR):
            agent_ensure_for_user(user=user)
    return len(staff)
