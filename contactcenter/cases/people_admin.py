"""Applicants and representatives in the admin, without names in any list.

These pages belong to cases rather than to people: a person's record is opened through their
cases, and the people app, which cases build on, imports nothing of cases. ``CasesConfig``
registers them.

A person's record is the personal data of every case they are the applicant on, so opening it
goes through ``case_get_for_viewer`` once per case: each case gets its own disclosure-log row,
and the page opens only if the viewer may see every one of those cases (otherwise a Tier 1 agent
could read a VAWA applicant's address through the person's other, ordinary case). A viewer who
may not open a person gets the same 404 as for a person who does not exist, and does not see
them in the list either. People with no case at all are visible to administrators only, since
no disclosure can be recorded against a case for them.

A representative's record holds the representative's own contact details and no applicant
data, so opening it is not a case disclosure; it is still hidden from viewers who may not see
every case the representative is on, so the list cannot be used to map protected cases.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from contactcenter.cases.access import can_view_case_personal_data
from contactcenter.cases.admin import (
    ADMIN_CHANNEL,
    hidden_case_exists,
    is_change_page,
    object_pk,
)
from contactcenter.cases.models import Case
from contactcenter.cases.selectors import case_get_for_viewer
from contactcenter.core.errors import ApplicationError
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.people.models import Person, Representative
from contactcenter.staff.admin import ADMIN_ONLY, ALL_ROLES, RoleAccess, has_any_role
from contactcenter.staff.models import Role


def _case_links(cases: QuerySet[Case]) -> SafeString:
    rows = [
        (reverse("admin:cases_case_change", args=[case.pk]), case.receipt_number)
        for case in cases.order_by("receipt_number")
    ]
    if not rows:
        return format_html("{}", "–")
    return format_html_join(", ", '<a href="{}">{}</a>', rows)


@admin.register(Person)
class PersonAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["__str__", "preferred_language", "case_count", "created_at"]
    list_filter = ["preferred_language"]
    # No search by name, date of birth or A-Number: a hit would confirm personal data
    # without a disclosure being recorded. Staff find a person through one of their cases.
    search_fields = ["=cases__receipt_number"]
    search_help_text = _("The full receipt number of one of the person's cases.")
    ordering = ["-id"]
    view_roles = ALL_ROLES
    add_roles = change_roles = delete_roles = ADMIN_ONLY
    fieldsets = [
        (None, {"fields": ["cases_list"]}),
        (
            _("Personal data (opening this page is recorded in the disclosure log)"),
            {
                "fields": [
                    "given_name",
                    "family_name",
                    "date_of_birth",
                    "a_number",
                    "street",
                    "city",
                    "state",
                    "zip_code",
                    "email",
                    "phone",
                    "preferred_language",
                ]
            },
        ),
    ]
    readonly_fields = ["cases_list"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        queryset = super().get_queryset(request).annotate(case_count=Count("cases"))
        hidden = hidden_case_exists(request.user, applicant=OuterRef("pk"))
        if hidden is not None:
            queryset = queryset.filter(~hidden)
        if not has_any_role(request, {Role.ADMIN}):
            queryset = queryset.filter(Exists(Case.objects.filter(applicant=OuterRef("pk"))))
        return queryset

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Person:
        not_found = Http404(_("No record was found."))
        if from_field is not None or not self.has_view_permission(request):
            raise not_found
        person = self.get_queryset(request).filter(pk=object_pk(object_id)).first()
        if person is None:
            raise not_found
        cases = list(
            Case.objects.filter(applicant=person).only(
                "pk", "receipt_number", "confidentiality", "office_id"
            )
        )
        # Every case must pass before any is recorded, so a refusal leaves no half-written log.
        if not all(can_view_case_personal_data(request.user, case) for case in cases):
            raise not_found
        if not is_change_page(request, self):
            return person
        try:
            for case in cases:
                case_get_for_viewer(
                    viewer=request.user,
                    receipt_number=ReceiptNumber.parse(case.receipt_number),
                    channel=ADMIN_CHANNEL,
                    purpose="Admin: person record",
                )
        except ApplicationError:
            raise not_found from None
        return person

    @admin.display(description=_("Cases"), ordering="case_count")
    def case_count(self, obj: Any) -> int:
        return int(obj.case_count)

    @admin.display(description=_("Cases"))
    def cases_list(self, obj: Person) -> SafeString:
        return _case_links(Case.objects.filter(applicant=obj))


@admin.register(Representative)
class RepresentativeAdmin(RoleAccess, admin.ModelAdmin):
    list_display = ["__str__", "organization", "case_count", "created_at"]
    search_fields = ["=bar_number", "=cases__receipt_number"]
    search_help_text = _("Bar number, or the full receipt number of a case they represent.")
    ordering = ["-id"]
    view_roles = ALL_ROLES
    add_roles = change_roles = delete_roles = ADMIN_ONLY
    fields = [
        "given_name",
        "family_name",
        "organization",
        "bar_number",
        "email",
        "phone",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Representative]:
        queryset = super().get_queryset(request).annotate(case_count=Count("cases"))
        hidden = hidden_case_exists(request.user, representative=OuterRef("pk"))
        return queryset if hidden is None else queryset.filter(~hidden)

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Representative:
        if from_field is not None or not self.has_view_permission(request):
            raise Http404(_("No record was found."))
        representative = self.get_queryset(request).filter(pk=object_pk(object_id)).first()
        if representative is None:
            raise Http404(_("No record was found."))
        return representative

    @admin.display(description=_("Cases"), ordering="case_count")
    def case_count(self, obj: Any) -> int:
        return int(obj.case_count)
