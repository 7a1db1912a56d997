"""Form fields drawn with USWDS classes, and the header links."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from contactcenter.cases.statuses import status_text

register = template.Library()

_CLASSES = {
    "select": "usa-select",
    "textarea": "usa-textarea",
    "file": "usa-file-input",
}


@register.filter
def uswds(field: BoundField) -> str:
    widget = field.field.widget
    kind = getattr(widget, "input_type", None) or widget.__class__.__name__.lower()
    css = _CLASSES.get("textarea" if "textarea" in kind else kind, "usa-input")
    attrs: dict[str, str | bool] = {"class": css}
    described = []
    if field.errors:
        described.append(f"{field.id_for_label}-error")
        attrs["aria-invalid"] = "true"
    if field.help_text:
        described.append(f"{field.id_for_label}-hint")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def status_label(code: str, language: str) -> str:
    return status_text(code, "es" if str(language).startswith("es") else "en")


@register.filter
def titled(item, language: str) -> str:
    """``item.title(language)`` for models and catalogue entries with both languages."""
    return item.title("es" if str(language).startswith("es") else "en")


@register.simple_tag
def case_rows(rows, language: str) -> str:
    """The "My cases" table body, drawn in Python: the same markup as a template loop at a
    fraction of the cost, which matters for accounts (representatives) with many cases."""
    lang = "es" if str(language).startswith("es") else "en"
    labels = {
        "receipt": gettext("Receipt number"),
        "form": gettext("Form"),
        "status": gettext("Current status"),
        "ask": gettext("You can ask about a slow case from"),
        "unread": gettext("New replies"),
    }
    now, not_applicable = gettext("Now"), gettext("Does not apply")
    first = reverse("portal:case", args=[0])
    prefix = first[: first.rindex("0/")]
    dates: dict = {}

    def day(value) -> str:
        if value not in dates:
            dates[value] = date_format(value, "DATE_FORMAT")
        return dates[value]

    def cells(row):
        case = row.case
        if row.allowed_now:
            ask = now
        elif row.eligible_on:
            ask = day(row.eligible_on)
        else:
            ask = not_applicable
        return (
            labels["receipt"], f"{prefix}{case.pk}/", case.receipt_number,
            labels["form"], case.form.code, case.form.title(lang),
            labels["status"], status_text(case.status, lang), day(case.status_date),
            labels["ask"], ask,
            labels["unread"], row.unread,
        )  # fmt: skip

    return format_html_join(
        "\n",
        '<tr><th scope="row" data-label="{}"><a href="{}">{}</a></th>'
        '<td data-label="{}">{}, {}</td>'
        '<td data-label="{}">{} <span class="text-base">({})</span></td>'
        '<td data-label="{}">{}</td><td data-label="{}">{}</td></tr>',
        (cells(row) for row in rows),
    ) or format_html("")
