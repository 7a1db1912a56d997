"""The Python widget renderer writes exactly what Django's widget templates write."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from contactcenter.core.form_rendering import PythonWidgetRenderer


class Everything(forms.Form):
    text = forms.CharField(max_length=20, help_text="hint")
    optional = forms.CharField(required=False)
    number = forms.IntegerField(min_value=0, max_value=9)
    email = forms.EmailField()
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date", "data-x": True}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}))
    choice = forms.ChoiceField(choices=[("", "---"), ("a", "A & B"), ("b", gettext_lazy("Yes"))])
    grouped = forms.ChoiceField(
        choices=[("Queues", [("queue:1", "Tier 1 <EN>"), ("queue:2", "Tier 2")]), ("x", "Other")]
    )
    many = forms.MultipleChoiceField(choices=[("1", "one"), ("2", "two")])
    radio = forms.ChoiceField(choices=[("y", "Yes"), ("n", "No")], widget=forms.RadioSelect)
    tick = forms.BooleanField(required=False)


VALUES = [
    {},
    {
        "text": 'a "quoted" <b>value</b> & more',
        "optional": "",
        "number": "7",
        "email": "x@example.org",
        "date": "2026-12-07",
        "hidden": "h'1",
        "secret": "s<3",
        "body": "line one\n<script>two</script>",
        "choice": "a",
        "grouped": "queue:1",
        "many": ["1", "2"],
        "radio": "n",
        "tick": "on",
    },
    {"text": mark_safe("<i>safe</i>"), "number": "x", "choice": "zzz", "body": ""},
]


@pytest.mark.parametrize("data", VALUES)
@pytest.mark.parametrize("bound", [True, False])
def test_every_widget_matches_the_templates(data: dict, bound: bool) -> None:
    templated = Everything(data if bound else None, initial=None if bound else {
        "date": dt.date(2026, 12, 7), "body": "first\nsecond", "choice": "b",
    }, renderer=DjangoTemplates())  # fmt: skip
    python = Everything(data if bound else None, initial=None if bound else {
        "date": dt.date(2026, 12, 7), "body": "first\nsecond", "choice": "b",
    }, renderer=PythonWidgetRenderer())  # fmt: skip
    for name in Everything.base_fields:
        assert str(python[name]) == str(templated[name]), name
    # The whole form too (labels, errors and help text still come from the form templates).
    assert python.as_div() == templated.as_div()


def test_the_project_uses_it_and_a_plain_input_is_not_templated(settings) -> None:
    form = Everything()
    assert isinstance(form.renderer, PythonWidgetRenderer)
    renderer = PythonWidgetRenderer()
    # The template engine is never built for the widgets it writes itself.
    html = renderer.render(
        "django/forms/widgets/text.html",
        {"widget": {"type": "text", "name": "n", "value": None, "attrs": {"required": True}}},
    )
    assert html == '<input type="text" name="n" required>'
    assert "engine" not in renderer.__dict__
