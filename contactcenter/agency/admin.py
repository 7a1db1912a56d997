"""The agency profile in the admin: administrators edit it, supervisors may look.

The form is checked by the same rules as a profile file (``profile.agency_parse``), and the
save goes through ``services.agency_profile_store``, which steps the previously active profile
down when this one is made active.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from contactcenter.agency.models import AgencyProfile
from contactcenter.agency.profile import agency_parse
from contactcenter.agency.selectors import profile_data
from contactcenter.agency.services import agency_profile_store
from contactcenter.core.errors import InvalidInput
from contactcenter.staff.admin import ADMIN_ONLY, MANAGER_ROLES, RoleAccess


class AgencyProfileForm(forms.ModelForm):
    class Meta:
        model = AgencyProfile
        fields = [
            "slug", "active", "name_en", "name_es", "short_name_en", "short_name_es", "domain",
            "website_url", "phone_main", "phone_tty", "phone_international",
            "phone_intercountry_adoption", "phone_premium_processing", "hours_en", "hours_es",
            "mailing_addresses", "logo_url", "official_banner", "public_base_url",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        row = AgencyProfile(**{k: v for k, v in cleaned.items() if k != "id"})
        if self.instance.pk:
            row.slug = self.instance.slug
        try:
            self.agency = agency_parse(profile_data(row), where="profile")
        except InvalidInput as error:
            raise forms.ValidationError(error.message) from error
        return cleaned


@admin.register(AgencyProfile)
class AgencyProfileAdmin(RoleAccess, admin.ModelAdmin):
    form = AgencyProfileForm
    list_display = ["short_name_en", "slug", "domain", "phone_main", "active", "updated_at"]
    view_roles = MANAGER_ROLES
    add_roles = change_roles = ADMIN_ONLY
    delete_roles = ADMIN_ONLY
    fieldsets = [
        (None, {"fields": ["slug", "active"]}),
        (_("Names"), {"fields": ["name_en", "name_es", "short_name_en", "short_name_es"]}),
        (_("Web"), {"fields": ["domain", "website_url", "public_base_url", "logo_url",
                               "official_banner"]}),
        (_("Phone lines"), {"fields": ["phone_main", "phone_tty", "phone_international",
                                       "phone_intercountry_adoption",
                                       "phone_premium_processing"]}),
        (_("Hours and addresses"), {"fields": ["hours_en", "hours_es", "mailing_addresses"]}),
    ]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The slug names the profile file it came from; a new slug is a new profile.
        return ["slug"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        stored = agency_profile_store(form.agency, activate=obj.active)
        obj.pk = stored.pk
