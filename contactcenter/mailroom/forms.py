"""The mail room's forms: what a person confirms about a letter, and a fax's inquiry."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LetterConfirmForm(forms.Form):
    receipt_number = forms.CharField(
        label=_("Receipt number of the case the letter names"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    reference_number = forms.CharField(
        label=_("Inquiry reference number, if the letter quotes one"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": "usa-input", "inputmode": "numeric"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the letter"),
        choices=[("en", _("English")), ("es", _("Spanish"))],
        widget=forms.Select(attrs={"class": "usa-select"}),
    )


class FaxAttachForm(forms.Form):
    reference_number = forms.CharField(label=_("Inquiry reference number"), max_length=20)


class ReplyLetterForm(forms.Form):
    body = forms.CharField(
        label=_("The letter's text"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6, "class": "usa-textarea"}),
    )
