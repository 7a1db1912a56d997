"""The admin site, behind the same two-step verification as every other staff page.

The admin reaches every record in the system, so an administrator who signed in with only a
password is sent to turn on TOTP, or to enter a code, before any admin page answers
(``STAFF_REQUIRE_TWO_STEP``, as for the desk). Signing out never asks for a code.
"""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import admin

from contactcenter.staff.sign_in import StaffAdminAuthenticationForm
from contactcenter.staff.two_step import staff_two_step_redirect


class StaffAdminSite(admin.AdminSite):
    # Wrong passwords are counted and locked out as on the desk's sign-in page.
    login_form = StaffAdminAuthenticationForm

    def admin_view(self, view, cacheable=False):
        wrapped = super().admin_view(view, cacheable)
        if getattr(view, "__name__", "") == "logout":
            return wrapped

        def checked(request, *args, **kwargs):
            if self.has_permission(request):
                detour = staff_two_step_redirect(request)
                if detour is not None:
                    return detour
            return wrapped(request, *args, **kwargs)

        return update_wrapper(checked, wrapped)
