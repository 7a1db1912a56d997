"""``django.contrib.admin`` with our site class, which asks staff for two-step verification.

Kept apart from the site itself: this module is imported while the app registry loads, before
models (and allauth) may be imported.
"""

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    default_site = "contactcenter.staff.admin_site.StaffAdminSite"
