"""Two-step verification for staff pages.

Staff sign in with a password (the desk's sign-in); before any staff page answers, the
account must have TOTP turned on and this session must have passed a code. The code is asked
on allauth's pages, which send the person back. ``STAFF_REQUIRE_TWO_STEP`` turns the rule off,
which the demo (``DEBUG``) does by default so its accounts work at once.
"""

from __future__ import annotations

from allauth.account.internal.flows.login import (
    get_authentication_records,
    record_authentication,
)
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


def password_sign_in_record(request: HttpRequest, user) -> None:
    """A password sign-in on the desk's own page, noted where allauth looks: its pages that
    turn on two-step verification ask for a recent sign-in, and without this note they would
    ask for the password a second time."""
    # Marked as a fresh proof of the password, which it is: allauth's own sign-in counts only
    # for that, so its TOTP page would otherwise ask for the password again straight away.
    record_authentication(
        request, user, method="password", username=user.get_username(), reauthenticated=True
    )


def totp_turned_on(sender, request: HttpRequest | None, user, authenticator, **kwargs) -> None:
    """Turning TOTP on takes a code from the new authenticator: that is this session's second
    step, so the page the person was going to opens at once instead of asking for another
    code."""
    if request is not None:
        record_authentication(
            request, user, method="mfa", id=authenticator.pk, type=authenticator.type
        )


def session_passed_two_step(request: HttpRequest) -> bool:
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def staff_two_step_redirect(request: HttpRequest, *, always: bool = False) -> HttpResponse | None:
    """Where a signed-in member of staff must go first, or None when they may go on."""
    if not (always or settings.STAFF_REQUIRE_TWO_STEP):
        return None
    here = request.get_full_path()
    if not is_mfa_enabled(request.user):
        messages.warning(request, _("Staff must turn on two-step verification first."))
        return redirect(f"{reverse('mfa_activate_totp')}?next={here}")
    if not session_passed_two_step(request):
        return redirect(f"{reverse('mfa_reauthenticate')}?next={here}")
    return None
