"""Self-service pages: they work without JavaScript and in English or Spanish."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from contactcenter.cases.api import case_status_rate_limit
from contactcenter.cases.models import FormType
from contactcenter.cases.selectors import (
    case_status_history_public,
    case_status_public,
    processing_times_current,
)
from contactcenter.cases.statuses import status_text
from contactcenter.core.dates import add_months
from contactcenter.core.errors import ApplicationError, RateLimited
from contactcenter.core.receipt_numbers import ReceiptNumber
from contactcenter.offices.models import Office


def _language() -> str:
    return "es" if (translation.get_language() or "en").startswith("es") else "en"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/home.html", {})


def case_status(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("receipt_number", "")
    context: dict[str, object] = {"receipt_number": raw}
    status = 200
    if "receipt_number" in request.GET:
        language = _language()
        try:
            case_status_rate_limit(request)
            parsed = ReceiptNumber.parse(raw)
            result = case_status_public(receipt_number=parsed, language=language)
        except ApplicationError as error:
            context["error"] = error
            status = error.http_status
        else:
            context["result"] = result
            context["history"] = [
                {"text": status_text(event.status, language), "date": event.status_date}
                for event in case_status_history_public(receipt_number=parsed)
            ]
    response = render(request, "cases/case_status.html", context, status=status)
    error = context.get("error")
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


def processing_times(request: HttpRequest) -> HttpResponse:
    language = _language()
    form = request.GET.get("form") or None
    office = request.GET.get("office") or None
    rows = processing_times_current(form=form, office=office)
    from django.utils import timezone

    today = timezone.localdate()
    context = {
        "forms": FormType.objects.order_by("code"),
        "offices": Office.objects.filter(processing_times__isnull=False).distinct(),
        "selected_form": form or "",
        "selected_office": office or "",
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
        "language": language,
    }
    return render(request, "cases/processing_times.html", context)
