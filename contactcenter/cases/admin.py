"""Forms, processing times and cases in the admin.

Privacy: a case's personal data reaches a member of staff only through
``cases.selectors.case_get_for_viewer``, which checks the viewer's role and appends to the
disclosure log. So the case list shows nothing about the person, search is by receipt number
only, and the case page is the one place the applicant's details appear: opening it calls the
selector, and a viewer who may not see the case gets the same 404 as for a case that does not
exist. Cases are read-only here: their status changes through services and imports.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import admin
from django.db.models import Exists, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from contactcenter.cases.access import can_view_case_personal_data, visible_cases_q
from contactcenter.cases.models import (
    Case,
    CaseStatusEvent,
    Confidentiality,
    FormCategory,
    FormType,
    ProcessingTime,
)
from contactcenter.cases.selectors import case_get_for_viewer
from contactcenter.core.errors import ApplicationError
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.staff.admin import ALL_ROLES, NOBODY, RoleAccess

ADMIN_CHANNEL = "admin"
_SEPARATORS = re.compile(r"[\s\-]+")


# --- Who may see which case, as a query ------------------------------------------------------


def hidden_case_exists(user: Any, **link: Any) -> Exists | None:
    """``Exists`` of a case matching ``link`` the user may not see (``None``: there is none)."""
    visible = visible_cases_q(user)
    if visible is None:
        return None
    return Exists(Case.objects.filter(**link).exclude(visible))


def is_change_page(request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> bool:
    """True on the page that shows the record itself (not its history or delete pages)."""
    match = request.resolver_match
    opts = model_admin.opts
    return match is not None and match.url_name == f"{opts.app_label}_{opts.model_name}_change"


def object_pk(object_id: str) -> int:
    try:
        return int(object_id)
    except (TypeError, ValueError):
        raise Http404(_("No record was found.")) from None


# --- Forms and processing times --------------------------------------------------------------


class FormCategoryInline(RoleAccess, admin.TabularInline):
    model = FormCategory
    extra = 0
    fields = ["code", "title_en", "title_es"]


@admin.register(FormType)
class FormTypeAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["code", "title_en", "title_es"]
    search_fields = ["code", "title_en", "title_es"]
    inlines = [FormCategoryInline]


@admin.register(FormCategory)
class FormCategoryAdmin(RoleAccess, admin.ModelAdmin):
    """Registered so processing times can pick a category by search instead of a long list."""

    list_display = ["__str__", "form", "code", "title_en"]
    list_filter = ["form"]
    list_select_related = ["form"]
    search_fields = ["code", "title_en", "title_es", "form__code"]
    autocomplete_fields = ["form"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[FormCategory]:
        # The label of a category names its form; the autocomplete list uses this queryset.
        return super().get_queryset(request).select_related("form")


@admin.register(ProcessingTime)
class ProcessingTimeAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["form", "category_code", "office", "months", "published_on"]
    list_filter = ["form", "office__kind", "office", "published_on"]
    list_select_related = ["form", "category__form", "office"]
    search_fields = ["form__code", "category__code", "office__code"]
    search_help_text = _("Form, category or office code.")
    date_hierarchy = "published_on"
    autocomplete_fields = ["form", "category", "office"]
    ordering = ["form__code", "category__code", "office__code", "-published_on"]

    @admin.display(description=_("Category"), ordering="category__code")
    def category_code(self, obj: ProcessingTime) -> str:
        return str(obj.category.code)


# --- Cases -----------------------------------------------------------------------------------


class ConfidentialFilter(admin.SimpleListFilter):
    """Protected or not, without saying on which basis (VAWA, T or U) in the list."""

    title = _("confidential")
    parameter_name = "confidential"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.exclude(confidentiality=Confidentiality.NONE)
        if self.value() == "no":
            return queryset.filter(confidentiality=Confidentiality.NONE)
        return queryset


class CaseStatusEventInline(RoleAccess, admin.TabularInline):
    model = CaseStatusEvent
    fk_name = "case"
    extra = 0
    can_delete = False
    fields = readonly_fields = ("status", "status_date", "office", "recorded_at")
    read_only = True
    view_roles = ALL_ROLES

    def get_queryset(self, request: HttpRequest) -> QuerySet[CaseStatusEvent]:
        return super().get_queryset(request).select_related("office").order_by("status_date", "id")


@admin.register(Case)
class CaseAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["receipt_number", "form", "status", "status_date", "office", "confidential"]
    list_filter = ["status", ConfidentialFilter, "office__kind", "form"]
    list_select_related = ["form", "office"]
    search_fields = ["receipt_number"]
    search_help_text = _("A receipt number or its beginning, for example EAC22.")
    date_hierarchy = "receipt_date"
    ordering = ["receipt_number"]
    # Counting the whole caseload on every page is slow and tells the viewer nothing useful.
    show_full_result_count = False
    read_only = True
    view_roles = ALL_ROLES
    add_roles = change_roles = delete_roles = NOBODY
    inlines = [CaseStatusEventInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "receipt_number",
                    "form",
                    "category",
                    "office",
                    "receipt_date",
                    "status",
                    "status_date",
                    "confidentiality",
                ]
            },
        ),
        (
            _("Applicant (personal data: opening this page is recorded in the disclosure log)"),
            {
                "fields": [
                    "applicant",
                    "applicant_name",
                    "applicant_date_of_birth",
                    "applicant_a_number",
                    "applicant_address",
                    "applicant_contact",
                    "applicant_language",
                ]
            },
        ),
        (
            _("Representative"),
            {"fields": ["representative", "representative_details", "g28_accepted_on"]},
        ),
    ]
    readonly_fields = [
        "applicant_name",
        "applicant_date_of_birth",
        "applicant_a_number",
        "applicant_address",
        "applicant_contact",
        "applicant_language",
        "representative_details",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        queryset = super().get_queryset(request)
        visible = visible_cases_q(request.user)
        # A viewer never learns that a case they may not open exists, not even from the list.
        return queryset if visible is None else queryset.filter(visible)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Case], search_term: str
    ) -> tuple[QuerySet[Case], bool]:
        term = _SEPARATORS.sub("", search_term).upper()
        if not term:
            return queryset, False
        if not term.isascii() or not term.isalnum():
            return queryset.none(), False
        return queryset.filter(receipt_number__startswith=term), False

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Case:
        """The case, read through the selector on its own page; 404 for missing or forbidden.

        The history and delete pages show no personal data, so they check the right without
        writing to the disclosure log.
        """
        not_found = Http404(_("No case was found with that receipt number."))
        if from_field is not None or not self.has_view_permission(request):
            raise not_found
        case = self.get_queryset(request).filter(pk=object_pk(object_id)).first()
        if case is None or not can_view_case_personal_data(request.user, case):
            raise not_found
        if not is_change_page(request, self):
            return case
        try:
            return case_get_for_viewer(
                viewer=request.user,
                receipt_number=ReceiptNumber.parse(case.receipt_number),
                channel=ADMIN_CHANNEL,
                purpose="Admin: case page",
            )
        except ApplicationError:  # CaseNotFound, or a stored number that no longer parses
            raise not_found from None

    @admin.display(description=_("confidential"), boolean=True, ordering="confidentiality")
    def confidential(self, obj: Case) -> bool:
        return obj.is_confidential

    @admin.display(description=_("Name"))
    def applicant_name(self, obj: Case) -> str:
        return f"{obj.applicant.given_name} {obj.applicant.family_name}"

    @admin.display(description=_("Date of birth"))
    def applicant_date_of_birth(self, obj: Case) -> Any:
        return obj.applicant.date_of_birth or "–"

    @admin.display(description=_("A-Number"))
    def applicant_a_number(self, obj: Case) -> str:
        return obj.applicant.a_number or "–"

    @admin.display(description=_("Address"))
    def applicant_address(self, obj: Case) -> str:
        person = obj.applicant
        place = " ".join(part for part in [person.city, person.state, person.zip_code] if part)
        return ", ".join(part for part in [person.street, place] if part) or "–"

    @admin.display(description=_("E-mail and phone"))
    def applicant_contact(self, obj: Case) -> str:
        person = obj.applicant
        return " · ".join(part for part in [person.email, person.phone] if part) or "–"

    @admin.display(description=_("Preferred language"))
    def applicant_language(self, obj: Case) -> str:
        return str(obj.applicant.get_preferred_language_display())

    @admin.display(description=_("Representative's details"))
    def representative_details(self, obj: Case) -> str:
        rep = obj.representative
        if rep is None:
            return "–"
        parts = [
            f"{rep.given_name} {rep.family_name}",
            rep.organization,
            rep.bar_number,
            rep.email,
            rep.phone,
        ]
        return " · ".join(part for part in parts if part)
