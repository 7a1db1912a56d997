"""The transfer list's select, written in Python, is the same markup Django's Select makes."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html

from contactcenter.desk.forms import LongSelect

CHOICES = [
    ("", "- Choose -"),
    ("Queues", [("queue:1", "Tier 1 <chat>"), ("queue:2", "Fees & waivers")]),
    ("Colleagues at the desk", [("agent:3", 'Ann "Annie" Lee (Available)')]),
]


@pytest.mark.parametrize("value", [None, "", "queue:2", "agent:3", "agent:99"])
def test_same_markup_as_djangos_select(value):
    ours, django_own = (
        LongSelect(attrs={"class": "usa-select"}),
        forms.Select(attrs={"class": "usa-select"}),
    )
    ours.choices = django_own.choices = CHOICES
    attrs = {"id": "id_transfer-target", "required": True, "aria-describedby": "hint"}
    assert parse_html(ours.render("transfer-target", value, attrs)) == parse_html(
        django_own.render("transfer-target", value, attrs)
    )


def test_text_is_escaped():
    select = LongSelect()
    select.choices = CHOICES
    html = select.render("target", None)
    assert "<chat>" not in html and "Tier 1 &lt;chat&gt;" in html
    assert "&quot;Annie&quot;" in html
