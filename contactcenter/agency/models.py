"""The agency profile: one row per agency an install has been given, one of them active.

The profile is stored whole, as its file gives it (``data``), so what the admin edits and what
``agency-load`` reads are checked by the same rules (``profile.agency_parse``). A database
constraint keeps at most one profile active.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AgencyProfile(models.Model):
    slug = models.SlugField(_("short code"), max_length=40, unique=True)
    active = models.BooleanField(_("active"), default=False)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    short_name_en = models.CharField(_("short name (English)"), max_length=200)
    short_name_es = models.CharField(_("short name (Spanish)"), max_length=200)
    domain = models.CharField(_("web address"), max_length=100)
    website_url = models.CharField(_("website"), max_length=200, blank=True)
    phone_main = models.CharField(_("main contact line"), max_length=30)
    phone_tty = models.CharField(_("TTY line"), max_length=30, blank=True)
    phone_international = models.CharField(_("international line"), max_length=30, blank=True)
    phone_intercountry_adoption = models.CharField(
        _("intercountry adoption line"), max_length=30, blank=True
    )
    phone_premium_processing = models.CharField(
        _("premium processing line"), max_length=30, blank=True
    )
    hours_en = models.CharField(_("hours (English)"), max_length=200)
    hours_es = models.CharField(_("hours (Spanish)"), max_length=200)
    mailing_addresses = models.JSONField(
        _("mailing addresses"),
        default=list,
        blank=True,
        help_text=_('A list of {"label": {"en": ..., "es": ...}, "lines": [...]}.'),
    )
    logo_url = models.CharField(_("logo"), max_length=200, blank=True)
    official_banner = models.BooleanField(
        _("official website banner"),
        default=False,
        help_text=_("On: the banner says this is an official website of the agency. Off: it "
                    "says this is a demonstration."),
    )  # fmt: skip
    public_base_url = models.CharField(
        _("public base URL"),
        max_length=200,
        blank=True,
        help_text=_("The start of every link sent by text or email. Empty: the PUBLIC_BASE_URL "
                    "setting."),
    )  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agency profile")
        verbose_name_plural = _("agency profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="agency_one_active_profile"
            )
        ]

    def __str__(self) -> str:
        return f"{self.short_name_en} ({self.slug})"
