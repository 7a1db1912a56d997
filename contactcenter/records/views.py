"""Staff pages for a person's records, mounted at /desk/records/ (supervisors and
administrators): find the person, read the accounting of disclosures, download it as CSV or
JSON, and export all their records as JSON or PDF. Each view reads through one selector, which
logs the read."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contactcenter.audit.models import DisclosureChannel
from contactcenter.cases.selectors import PersonNotFound, person_find_for_records
from contactcenter.core.errors import ApplicationError
from contactcenter.records import documents
from contactcenter.records.forms import PersonLookupForm
from contactcenter.records.selectors import (
    disclosure_accounting_for_person,
    person_records_export,
)
from contactcenter.staff.access import SUPERVISOR_ROLES, staff_roles_required

records_page = staff_roles_required(SUPERVISOR_ROLES, login_url="desk:login")


def _staff(request: HttpRequest) -> User:
    return cast(User, request.user)  # records_page let only signed-in staff through


def _render(request: HttpRequest, template: str, context: dict, status: int = 200):
    # The desk's menu: these pages are for supervisors and administrators only.
    return render(request, template, {**context, "nav_supervisor": True}, status=status)


@records_page
@require_http_methods(["GET", "POST"])
def accounting_find(request: HttpRequest) -> HttpResponse:
    form = PersonLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = person_find_for_records(
                viewer=_staff(request), query=form.cleaned_data["number"]
            )
        except ApplicationError as error:
            form.add_error("number", str(error.message))
        else:
            return redirect("records:accounting", person_id=person.pk)
    status = 400 if form.errors else 200
    return _render(request, "records/find.html", {"form": form}, status=status)


def _accounting(request: HttpRequest, person_id: int):
    try:
        return disclosure_accounting_for_person(
            viewer=_staff(request), person_id=person_id, channel=DisclosureChannel.DESK
        )
    except PersonNotFound:
        raise Http404 from None


@records_page
@require_GET
def accounting(request: HttpRequest, person_id: int) -> HttpResponse:
    return _render(
        request, "records/accounting.html", {"accounting": _accounting(request, person_id)}
    )


@records_page
@require_GET
def accounting_download(request: HttpRequest, person_id: int, file_format: str) -> HttpResponse:
    if file_format not in ("csv", "json"):
        raise Http404
    accounting = _accounting(request, person_id)
    if file_format == "csv":
        body, content_type = documents.accounting_csv(accounting), "text/csv; charset=utf-8"
    else:
        body, content_type = documents.accounting_json(accounting), "application/json"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="disclosure-accounting-{person_id}.{file_format}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@records_page
@require_POST
def export(request: HttpRequest, person_id: int, file_format: str) -> HttpResponse:
    """A POST: an export is a logged act, not something a link prefetch should do."""
    if file_format not in ("json", "pdf"):
        raise Http404
    try:
        data = person_records_export(
            viewer=_staff(request), person_id=person_id, channel=DisclosureChannel.DESK
        )
    except PersonNotFound:
        raise Http404 from None
    if file_format == "json":
        response = HttpResponse(documents.export_json(data), content_type="application/json")
    else:
        pdf = documents.export_pdf(data, generated_at=timezone.now())
        response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="records-{person_id}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response
