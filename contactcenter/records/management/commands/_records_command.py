"""What the accounting and export commands share: finding the person and naming who asked."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.management.base import CommandError

from contactcenter.cases.selectors import person_find_for_records
from contactcenter.core.errors import ApplicationError


def add_person_arguments(parser) -> None:
    parser.add_argument("number", help="one of the person's receipt numbers, or their A-Number")
    parser.add_argument(
        "--staff",
        help="username of the supervisor or administrator answering the request (logged); "
        "without it the log names this command",
    )


def viewer_and_person(*, number: str, staff: str | None) -> tuple[User | None, int]:
    viewer = None
    if staff:
        viewer = User.objects.filter(username=staff, is_active=True).first()
        if viewer is None:
            raise CommandError("No active user with that username.")
    try:
        person = person_find_for_records(viewer=viewer, query=number)
    except ApplicationError as error:
        raise CommandError(str(error.message)) from None
    return viewer, person.pk
