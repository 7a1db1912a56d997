from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles; each is a Django group of the same name."""

    TIER1 = "tier1", _("Tier 1 agent")
    TIER2 = "tier2", _("Tier 2 officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    OFFICE_STAFF = "office_staff", _("Office staff")
    ADMIN = "admin", _("Administrator")


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    # Office staff work their own office's queue only.
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    languages = models.CharField(max_length=20, default="en", help_text=_("e.g. en,es"))

    def __str__(self) -> str:
        return f"Staff profile of user {self.user_id}"
