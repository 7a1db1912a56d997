"""One form field in the U.S. Web Design System's markup, for the staff pages' forms.

Written in Python rather than as an included template: the inquiry page alone shows sixteen
fields, and a template included sixteen times cost more than the rest of its right pane.
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def form_field(field: BoundField) -> SafeString:
    """The label (with "(optional)" unless the field is required or says to hide it), the
    hint tied to the field by id, and the widget, in a form group marked when in error."""
    field_id = field.id_for_label
    optional = (
        format_html(' <span class="usa-hint">({})</span>', _("optional"))
        if not field.field.required and not getattr(field.field, "hide_optional", False)
        else ""
    )
    hint = (
        format_html('\n  <div class="usa-hint" id="{}-hint">{}</div>', field_id, field.help_text)
        if field.help_text
        else ""
    )
    return format_html(
        '<div class="usa-form-group{}">\n  <label class="usa-label" for="{}">{}{}</label>{}'
        "\n  {}\n</div>",
        " usa-form-group--error" if field.errors else "",
        field_id,
        field.label,
        optional,
        hint,  # already safe (format_html above) or empty
        field,
    )
