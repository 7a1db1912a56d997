from django import forms
from django.utils.translation import gettext_lazy as _


class PersonLookupForm(forms.Form):
    number = forms.CharField(
        label=_("Receipt number or A-Number"),
        max_length=20,
        help_text=_("One of the person's receipt numbers, or their A-Number."),
    )
