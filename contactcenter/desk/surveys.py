"""The supervisors' survey results: invited, answered, response rate, average score and CSAT
(the share of 4s and 5s) for a range of days, grouped by queue, agent, channel or language,
with the scores' distribution drawn as a chart and the same rows as CSV (``?format=csv``).

Comments are shown to supervisors on the page only: they are the person's own words, so they
are never logged and never put in the CSV.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from contactcenter.core.errors import ApplicationError
from contactcenter.core.languages import active_language
from contactcenter.desk.access import desk_roles_required
from contactcenter.desk.reports import _chart
from contactcenter.staff.access import SUPERVISOR_ROLES
from contactcenter.surveys.selectors import (
    GROUPINGS,
    ResultsSpec,
    survey_comments,
    survey_results,
    survey_results_csv,
    survey_total,
)


def _by_choices() -> list[tuple[str, str]]:
    labels = {"queue": _("Queue"), "agent": _("Agent"), "channel": _("Channel"),
              "language": _("Language")}  # fmt: skip
    return [(by, labels[by]) for by in GROUPINGS]


@require_GET
@desk_roles_required(SUPERVISOR_ROLES)
def survey_results_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    chosen = {
        "first": request.GET.get("first") or (today - dt.timedelta(days=27)).isoformat(),
        "last": request.GET.get("last") or today.isoformat(),
        "by": request.GET.get("by") or "queue",
    }
    context: dict = {"chosen": chosen, "groupings": _by_choices()}
    try:
        spec = ResultsSpec.parse(**chosen)
    except ApplicationError as error:
        context["error"] = error.message
        return render(request, "desk/surveys.html", context, status=400)
    rows = survey_results(spec, language=active_language())
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            survey_results_csv(rows, spec), content_type="text/csv; charset=utf-8"
        )
        name = f"surveys-{spec.first.isoformat()}-{spec.last.isoformat()}-{spec.by}"
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    total = survey_total(rows)
    query = "&".join(f"{key}={value}" for key, value in chosen.items())
    context.update(
        spec=spec, rows=rows, total=total, csv_query=f"?{query}&format=csv",
        distribution=list(zip(range(1, 6), total.scores, strict=True)),
        chart=_chart([(str(score), count) for score, count in zip(range(1, 6), total.scores,
                                                                  strict=True)]),
        comments=survey_comments(spec),
    )  # fmt: skip
    return render(request, "desk/surveys.html", context)
