"""A form renderer that writes the common widgets in Python.

Django draws each widget through a template of its own (and a select through one more
template per option). On the staff workspace, where a page carries a dozen forms' fields and
agents load it at every accepted contact, that was over a third of the page's time. This
renderer writes text-like inputs, text areas and selects itself, with the same markup as
Django's templates (the tests compare the two byte for byte), and hands every other widget to
the templates as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

_WIDGETS = "django/forms/widgets/"
# Widgets whose template is Django's plain input.html under another name.
_INPUTS = frozenset(
    f"{_WIDGETS}{name}.html"
    for name in (
        "input", "text", "date", "email", "number", "tel", "url", "search",
        "password", "hidden", "time", "datetime", "color",
    )
)  # fmt: skip


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _textarea(widget: dict[str, Any]) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


def _option(option: dict[str, Any]) -> str:
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"'
        f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>"
    )


def _select(widget: dict[str, Any]) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append(f"\n  {_option(option)}\n")  # the option template ends with a newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_WRITERS: dict[str, Callable[[dict[str, Any]], str]] = {
    f"{_WIDGETS}textarea.html": _textarea,
    f"{_WIDGETS}select.html": _select,
} | dict.fromkeys(_INPUTS, _input)


class PythonWidgetRenderer(DjangoTemplates):
    """Django's default renderer, but inputs, text areas and selects are written in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        writer = _WRITERS.get(template_name)
        widget = context.get("widget") if writer is not None else None
        # A select whose options use a template of their own (a custom widget) stays templated.
        if (
            writer is not None
            and widget is not None
            and (
                writer is not _select
                or all(
                    option.get("template_name") == f"{_WIDGETS}select_option.html"
                    for _name, group, _index in widget["optgroups"]
                    for option in group
                )
            )
        ):
            return writer(widget)
        return super().render(template_name, context, request)


RENDERER = PythonWidgetRenderer()
