"""Form fields drawn with USWDS classes, and the header links."""

from __future__ import annotations

from django import template
from django.forms import BoundField

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
    attrs = {"class": css}
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
    from contactcenter.cases.statuses import status_text

    return status_text(code, "es" if str(language).startswith("es") else "en")


@register.filter
def titled(item, language: str) -> str:
    """``item.title(language)`` for models and catalogue entries with both languages."""
    return item.title("es" if str(language).startswith("es") else "en")
