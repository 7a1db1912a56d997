"""Self-service pages: they work without JavaScript and in English or Spanish.

Each view parses its input, calls the public selectors (which never return personal data) and
renders; an error on the receipt number is shown against the field that caused it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from contactcenter.cases.api import case_status_rate_limit
from contactcenter.cases.models import FormCategory, FormType
from contactcenter.cases.selectors import (
    case_status_history_public,
    case_status_public,
    processing_times_current,
)
from contactcenter.cases.statuses import status_text
from contactcenter.core.dates import add_months
from contactcenter.core.errors import ApplicationError, ErrorCode, RateLimited
from contactcenter.core.languages import active_language
from contactcenter.core.rate_limits import retry_after_set
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.offices.models import Office


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/home.html", {"receipt_number": ""})


def case_status(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("receipt_number", "")
    context: dict[str, object] = {"receipt_number": raw}
    status = 200
    failure: ApplicationError | None = None
    if "receipt_number" in request.GET:
        language = active_language()
        try:
            case_status_rate_limit(request)
            parsed = ReceiptNumber.parse(raw)
            result = case_status_public(receipt_number=parsed, language=language)
        except ApplicationError as error:
            failure = error
            status = error.http_status
            # A malformed number is the field's fault and is shown against the field; "not
            # found" and "too many look-ups" concern the request as a whole.
            if error.code == ErrorCode.INVALID_RECEIPT_NUMBER:
                context["field_error"] = str(error.message)
            else:
                context["error"] = str(error.message)
            if isinstance(error, RateLimited):
                context["retry_after"] = error.retry_after
        else:
            context["result"] = result
            context["history"] = [
                {"text": status_text(event.status, language), "date": event.status_date}
                for event in case_status_history_public(receipt_number=parsed)
            ]
    response = render(request, "cases/case_status.html", context, status=status)
    return retry_after_set(response, failure)


def processing_times(request: HttpRequest) -> HttpResponse:
    language = active_language()
    forms = list(FormType.objects.order_by("code"))
    offices = list(
        Office.objects.filter(processing_times__isnull=False).distinct().order_by("code")
    )
    selected_form = request.GET.get("form", "").strip().upper()
    selected_office = request.GET.get("office", "").strip().upper()
    selected_category = request.GET.get("category", "").strip()
    errors: dict[str, str] = {}

    form = next((f for f in forms if f.code.upper() == selected_form), None)
    if selected_form and form is None:
        errors["form"] = _("Choose a form from the list.")
    categories = list(FormCategory.objects.filter(form=form).order_by("code")) if form else []
    if selected_category and not any(c.code == selected_category for c in categories):
        errors["category"] = _("Choose a category of the selected form.")
    if selected_office and not any(o.code.upper() == selected_office for o in offices):
        errors["office"] = _("Choose an office from the list.")

    today = timezone.localdate()
    rows = (
        []
        if errors
        else processing_times_current(
            form=selected_form or None,
            category=selected_category or None,
            office=selected_office or None,
        )
    )
    context = {
        "forms": [{"code": f.code, "title": f.title(language)} for f in forms],
        "categories": [{"code": c.code, "title": c.title(language)} for c in categories],
        "offices": [{"code": o.code, "name": o.name(language)} for o in offices],
        "selected_form": selected_form,
        "selected_category": selected_category,
        "selected_office": selected_office,
        "errors": errors,
        # With neither a form nor an office chosen, one line per form (its range across
        # offices) instead of every form, category and office: a page a person can scan.
        "summary": (
            _forms_summary(rows, language) if not (selected_form or selected_office) else []
        ),
        "rows": [
            {
                "form": row.form.code,
                "form_title": row.form.title(language),
                "category": row.category.title(language),
                "office": row.office.name(language),
                "months": row.months,
                "published_on": row.published_on,
                "receipt_date_for_inquiry": add_months(today, -row.months),
            }
            for row in rows
        ],
        "today": today,
    }
    published = {row.published_on for row in rows}
    context["published_on"] = published.pop() if len(published) == 1 else None
    return render(request, "cases/processing_times.html", context, status=400 if errors else 200)


def _forms_summary(rows: list, language: str) -> list[dict[str, object]]:
    months: dict[str, list] = {}
    offices: dict[str, set[int]] = {}
    titles: dict[str, str] = {}
    for row in rows:
        months.setdefault(row.form.code, []).append(row.months)
        offices.setdefault(row.form.code, set()).add(row.office_id)
        titles.setdefault(row.form.code, row.form.title(language))
    return [
        {
            "code": code,
            "title": titles[code],
            "fastest": min(figures),
            "slowest": max(figures),
            "offices": len(offices[code]),
        }
        for code, figures in months.items()
    ]
